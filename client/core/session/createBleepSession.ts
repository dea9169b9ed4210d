// The client core's entry point: one Bleep session on one enrolled desktop, with its store. It takes the steps a
// clinician takes (enrol this computer once, sign in, come back after a restart, sign out) and reports each
// failure twice: thrown as a typed error to the caller, and kept as a plain problem in the session store.
import {
  BleepClientError,
  DeviceNotEnrolledError,
  SessionNotRestorableError,
} from '../errors/clientErrors.ts';
import type { Platform } from '../platform.ts';
import type { RoomActions } from '../rooms/roomActions.ts';
import { createBleepStore, type BleepStore } from '../stores/bleepStore.ts';
import { fetchTrustPolicy } from '../trust/trustPolicy.ts';
import { enrolThisDesktop, type EnrolmentRequest } from './desktopEnrolment.ts';
import { startRunningSession, type RunningSession } from './runningSession.ts';
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
}>;

export interface BleepSession {
  readonly store: BleepStore;
  /** The running session's room actions; throws if nobody is signed in. */
  readonly rooms: RoomActions;
  /** First run: redeem trust IT's one-time code for this desktop's credential. */
  enrol(request: EnrolmentRequest): Promise<void>;
  signIn(credentials: SignInCredentials): Promise<void>;
  /** After a restart: resume the kept session, if there is one. */
  restore(): Promise<'restored' | 'no-session'>;
  signOut(): Promise<void>;
  /** Stops syncing (the app quits); everything kept stays for restore. */
  stop(): void;
}

export function createBleepSession(options: BleepSessionOptions): BleepSession {
  const { platform } = options;
  const store = createBleepStore();
  const log = platform.logger.child('session');
  let running: RunningSession | undefined;

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

  async function start(record: SessionRecord, password?: Readonly<{ username: string; password: string }>) {
    running?.stop();
    running = await startRunningSession({
      platform,
      store,
      record,
      ...(password ? { password } : {}),
      ...(options.pollTimeoutMs === undefined ? {} : { pollTimeoutMs: options.pollTimeoutMs }),
      onEnded: (error) => {
        running = undefined;
        log.warn('the server ended this session', { code: error.code });
        store.getState().sessionEnded(error.toProblem());
        // The token is dead: a restart must not try it again. (Remote wipe of what is kept comes with the archive.)
        forgetSessionRecord(platform.secrets).catch((failure: unknown) => {
          log.error('could not forget the ended session', { error: String(failure) });
        });
      },
    });
    store.getState().sessionStarted({ userId: record.userId, deviceId: record.deviceId });
  }

  return {
    store,
    get rooms(): RoomActions {
      if (!running) throw new Error('nobody is signed in');
      return running.rooms;
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
        store.getState().policyLoaded(await fetchTrustPolicy(platform, record.serverUrl));
        try {
          await start(record);
        } catch (error) {
          // A session the server refuses is over; one it could not be asked about (server down) is kept.
          if (
            error instanceof BleepClientError &&
            ['device-not-enrolled', 'session-ended'].includes(error.code)
          ) {
            await forgetSessionRecord(platform.secrets);
          }
          throw error;
        }
        return 'restored' as const;
      }),

    signOut: async () => {
      const current = running;
      running = undefined;
      if (current) await current.signOut();
      await forgetSessionRecord(platform.secrets);
      store.getState().clinicianDataCleared();
    },

    stop: () => {
      running?.stop();
      running = undefined;
    },
  };
}
