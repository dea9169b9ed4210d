// The client core's entry point: one Bleep session on one enrolled desktop, with its store. It takes the steps a
// clinician takes (enrol this computer once, sign in, come back after a restart, sign out) and reports each
// failure twice: thrown as a typed error to the caller, and kept as a plain problem in the session store. When a
// session ends for good (the clinician signs out, or the server signs the device out), the clinician's data is
// erased from this desktop before the store shows the end (clinicianDataWipe.ts).
import {
  BleepClientError,
  DeviceNotEnrolledError,
  ServerDownError,
  SessionNotRestorableError,
  type ClientProblem,
} from '../errors/clientErrors.ts';
import { sweepWhileOffline } from '../expiry/offlineSweep.ts';
import type { Platform } from '../platform.ts';
import type { DeliveryQueue } from '../delivery/deliveryQueue.ts';
import type { RoomActions } from '../rooms/roomActions.ts';
import { createBleepStore, type BleepStore } from '../stores/bleepStore.ts';
import { fetchTrustPolicy, type TrustPolicyView } from '../trust/trustPolicy.ts';
import { enrolThisDesktop, type EnrolmentRequest } from './desktopEnrolment.ts';
import { wipeClinicianData, wipeReasonFor, type WipeReason } from './clinicianDataWipe.ts';
import { startSignedInSession, type SignedInSession } from './signedInSession.ts';
import {
  forgetSessionRecord,
  keepSessionRecord,
  readEnrolment,
  readSessionRecord,
  type SessionRecord,
} from './sessionRecords.ts';
import { signInAtEnrolledDesktop, type SignInCredentials } from './signInRequest.ts';
import { discardAccessToken } from './discardAccessToken.ts';

export type BleepSessionOptions = Readonly<{
  platform: Platform;
  /** How long each sync long-poll waits on the server (default 30 s; tests shorten it). */
  pollTimeoutMs?: number;
  /** Between expiry sweeps (default an hour). */
  sweepIntervalMs?: number;
}>;

export interface BleepSession {
  readonly store: BleepStore;
  /** The running session's room actions; throws if nobody is signed in. */
  readonly rooms: RoomActions;
  /**
   * Where the clinician's messages go: kept sealed before sending, sent exactly once when the server answers (after
   * a restart too), their state in the store's delivery slice; throws if nobody is signed in.
   */
  readonly delivery: DeliveryQueue;
  /** First run: redeem trust IT's one-time code for this desktop's credential. */
  enrol(request: EnrolmentRequest): Promise<void>;
  signIn(credentials: SignInCredentials): Promise<void>;
  /** After a restart: resume the kept session, if there is one. */
  restore(): Promise<'restored' | 'no-session'>;
  /** Sweeps the archive now (it also does at start and hourly) and reports it; throws if nobody is signed in. */
  sweepNow(): Promise<void>;
  /** Signs out at the server (if it answers) and erases this clinician's data here; the enrolment stays. */
  signOut(): Promise<void>;
  /** Stops syncing (the app quits); everything kept stays for restore. */
  stop(): void;
}

export function createBleepSession(options: BleepSessionOptions): BleepSession {
  const { platform } = options;
  const store = createBleepStore();
  const log = platform.logger.child('session');
  let active: Readonly<{ session: SignedInSession; record: SessionRecord }> | undefined;

  /** Runs one step, keeping its failure in the store as well as throwing it. */
  async function step<T>(
    status: 'enrolling' | 'signing-in' | 'restoring',
    work: () => Promise<T>,
  ): Promise<T> {
    store.getState().sessionStepBegan(status);
    try {
      return await work();
    } catch (error) {
      if (error instanceof BleepClientError) store.getState().sessionStepFailed(error.toProblem());
      else
        store.getState().sessionStepFailed({ code: 'unexpected-answer', message: 'Something went wrong.' });
      throw error;
    }
  }

  /** Erases the clinician's data here, then lets the store show the end and why. */
  async function wipe(
    record: SessionRecord | undefined,
    reason: WipeReason,
    problem: ClientProblem | null,
  ): Promise<void> {
    const identity = record ? { userId: record.userId, deviceId: record.deviceId } : undefined;
    store.getState().clinicianDataWiped(await wipeClinicianData(platform, identity, reason), problem);
  }

  function endedByServer(record: SessionRecord, error: BleepClientError, softLogout: boolean): void {
    active = undefined;
    log.warn('the server ended this session', { code: error.code, softLogout });
    if (softLogout) {
      // The server asks for a sign-in again on this device and keeps it: its data stays, only the token is dead.
      store.getState().sessionEnded(error.toProblem());
      forgetSessionRecord(platform.secrets).catch((failure: unknown) => {
        log.error('could not forget the ended session', { error: String(failure) });
      });
      return;
    }
    wipe(record, wipeReasonFor(error), error.toProblem()).catch((failure: unknown) => {
      log.error('could not erase the ended session', { error: String(failure) });
    });
  }

  async function start(record: SessionRecord, password?: Readonly<{ username: string; password: string }>) {
    stopActive();
    // The server may end the session while it starts: if the start fails anyway, its caller handles that; if it
    // succeeds, the end is handled as soon as the session is active.
    const endedWhileStarting: { end?: Readonly<{ error: BleepClientError; softLogout: boolean }> } = {};
    const session = await startSignedInSession({
      platform,
      store,
      record,
      ...(password ? { password } : {}),
      ...(options.pollTimeoutMs === undefined ? {} : { pollTimeoutMs: options.pollTimeoutMs }),
      ...(options.sweepIntervalMs === undefined ? {} : { sweepIntervalMs: options.sweepIntervalMs }),
      onEnded: (error, { softLogout }) => {
        if (active?.record === record) endedByServer(record, error, softLogout);
        else endedWhileStarting.end = { error, softLogout };
      },
    });
    active = { session, record };
    store.getState().sessionStarted({ userId: record.userId, deviceId: record.deviceId });
    const { end } = endedWhileStarting;
    if (end) endedByServer(record, end.error, end.softLogout);
  }

  function stopActive(): void {
    const current = active;
    active = undefined;
    current?.session.stop().catch((failure: unknown) => {
      log.error('could not stop the session cleanly', { error: String(failure) });
    });
  }

  function signedIn(): SignedInSession {
    if (!active) throw new Error('nobody is signed in');
    return active.session;
  }

  return {
    store,
    get rooms(): RoomActions {
      return signedIn().rooms;
    },
    get delivery(): DeliveryQueue {
      return signedIn().delivery;
    },

    enrol: (request) =>
      step('enrolling', async () => {
        const { enrolment, policy } = await enrolThisDesktop(platform, request);
        store.getState().desktopEnrolled(enrolment);
        store.getState().policyLoaded(policy);
        store.getState().sessionCleared();
      }),

    signIn: (credentials) =>
      step('signing-in', async () => {
        const enrolment = await readEnrolment(platform.secrets);
        if (!enrolment) throw new DeviceNotEnrolledError('this-desktop');
        store.getState().desktopEnrolled(enrolment);
        store.getState().policyLoaded(await fetchTrustPolicy(platform, enrolment.serverUrl));
        const record = await signInAtEnrolledDesktop(platform, enrolment, credentials);
        // Kept before anything is shown: a crash from here on restores this session rather than losing it.
        await keepSessionRecord(platform.secrets, record);
        try {
          await start(
            record,
            credentials.kind === 'password'
              ? { username: credentials.username, password: credentials.password }
              : undefined,
          );
        } catch (error) {
          await forgetSessionRecord(platform.secrets);
          await discardAccessToken(platform, record);
          throw error;
        }
      }),

    restore: () =>
      step('restoring', async () => {
        const enrolment = await readEnrolment(platform.secrets);
        if (enrolment) store.getState().desktopEnrolled(enrolment);
        const record = await readSessionRecord(platform.secrets);
        if (!record) {
          store.getState().sessionCleared();
          return 'no-session' as const;
        }
        if (platform.cryptoStore === 'memory') {
          // This device's keys died with the last process; a new identity under the same device id would clash
          // with the keys the server holds for it. Sign the old device out, so the next sign-in starts clean.
          await discardAccessToken(platform, record);
          await forgetSessionRecord(platform.secrets);
          throw new SessionNotRestorableError();
        }
        let policy: TrustPolicyView;
        try {
          policy = await fetchTrustPolicy(platform, record.serverUrl);
        } catch (error) {
          // Nothing is shown while the gateway is out of reach, but what is kept on disk is still swept.
          if (error instanceof ServerDownError) await sweepWhileOffline(platform, store);
          throw error;
        }
        store.getState().policyLoaded(policy);
        try {
          await start(record);
        } catch (error) {
          // The server signed this device out while the app was off: erase, as if it had happened while running.
          // A session it could not be asked about (server down) is kept.
          if (
            error instanceof BleepClientError &&
            ['device-not-enrolled', 'session-ended', 'account-deactivated'].includes(error.code)
          ) {
            await wipe(record, wipeReasonFor(error), error.toProblem());
          }
          throw error;
        }
        return 'restored' as const;
      }),

    sweepNow: async () => {
      await signedIn().expiry.sweepNow();
    },

    signOut: async () => {
      const current = active;
      active = undefined;
      const record = current?.record ?? (await readSessionRecord(platform.secrets));
      if (current) await current.session.signOutAtServer();
      else if (record) await discardAccessToken(platform, record);
      await wipe(record, 'signed-out', null);
    },

    stop: () => {
      stopActive();
    },
  };
}
