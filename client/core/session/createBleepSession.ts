// The client core's entry point: one Bleep session on one enrolled desktop, with its store. It takes the steps a
// clinician takes (enrol this computer once, sign in, come back after a restart, sign out) and reports each
// failure twice: thrown as a typed error to the caller, and kept as a plain problem in the session store. When a
// session ends for good (the clinician signs out, or the server signs the device out), the clinician's data is
// erased from this desktop before the store shows the end (clinicianDataWipe.ts). When it only expires (Matrix's
// soft logout: the refresh token or the trust's session lifetime ran out, sessionTokens.ts), nothing is erased: the
// archive, crypto store and outbox wait, messages written meanwhile go to the outbox (heldDelivery.ts), and the
// same clinician signs in again on the same device; nobody else can sign in over their data.
import {
  AnotherClinicianDataError,
  BleepClientError,
  DeviceNotEnrolledError,
  ServerDownError,
  SessionExpiredError,
  SessionNotRestorableError,
  type ClientProblem,
} from '../errors/clientErrors.ts';
import { sweepWhileOffline } from '../expiry/offlineSweep.ts';
import type { Platform } from '../platform.ts';
import type { DeliveryQueue } from '../delivery/deliveryQueue.ts';
import type { OwnDesktopVerificationActions } from '../crypto/ownDesktopVerifier.ts';
import type { IdentityActions } from '../crypto/sessionCrypto.ts';
import { openKeptDesktopArchive } from '../archive/openDesktopArchive.ts';
import type { MessageArchive } from '../archive/messageArchive.ts';
import type { AttachmentKind } from '../archive/attachmentParts.ts';
import { createNotificationFeed, type NotificationFeed } from '../notifications/notificationFeed.ts';
import { createPatientContext, type PatientContext } from '../patient/patientContext.ts';
import type { RoomActions } from '../rooms/roomActions.ts';
import type { SearchHit, SearchQuery } from '../search/messageSearch.ts';
import { searchKeptArchive } from '../search/searchArchive.ts';
import { searchIntoStore } from '../search/searchIntoStore.ts';
import { createStaffDirectory, type StaffDirectory } from '../staff/staffDirectory.ts';
import { createBleepStore, type BleepStore } from '../stores/bleepStore.ts';
import { fetchTrustPolicy, type TrustPolicyView } from '../trust/trustPolicy.ts';
import { enrolThisDesktop, type EnrolmentRequest } from './desktopEnrolment.ts';
import { wipeClinicianData, wipeReasonFor, type WipeReason } from './clinicianDataWipe.ts';
import { openHeldDelivery, type HeldDelivery } from './heldDelivery.ts';
import { startSignedInSession, type SignedInSession } from './signedInSession.ts';
import {
  forgetSessionRecord,
  keepExpiredSession,
  keepSessionRecord,
  readEnrolment,
  readExpiredSession,
  readSessionRecord,
  type ExpiredSession,
  type SessionRecord,
} from './sessionRecords.ts';
import { createSessionTokens, type SessionTokens } from './sessionTokens.ts';
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
  /** The identity alerts in the store's crypto status (whose identity changed); throws if nobody is signed in. */
  readonly identities: IdentityActions;
  /**
   * Emoji (SAS) verification with another of the clinician's own desktops ("verify another of my desktops"), its
   * state in the store's verification slice (selectVerification); only while signed in (throws otherwise).
   */
  readonly verification: OwnDesktopVerificationActions;
  /**
   * Where the clinician's messages go: kept sealed before sending, sent exactly once when the server answers (after
   * a restart too), their state in the store's delivery slice. While the session has expired, they are kept and sent
   * once the clinician signs in again. Throws if nobody is signed in.
   */
  readonly delivery: DeliveryQueue;
  /**
   * First run: redeem trust IT's one-time code for this desktop's credential. The code alone will do; the desktop then
   * signs in as the device id the gateway answers with (in the store's enrolledDeviceId).
   */
  enrol(request: EnrolmentRequest): Promise<void>;
  /** Signs in; after an expiry, only the same clinician can, and finds everything this desktop kept for them. */
  signIn(credentials: SignInCredentials): Promise<void>;
  /** After a restart: resume the kept session, if there is one (throws SessionExpiredError if it had expired). */
  restore(): Promise<'restored' | 'no-session'>;
  /**
   * Finds the archived messages whose text (as last edited) holds the query's words, newest first, into the store's
   * search slice too. Asks no server: it works signed in, offline, or after a start that could not reach the gateway.
   */
  searchArchive(query: SearchQuery): Promise<readonly SearchHit[]>;
  /**
   * A message's attachment (or its thumbnail) as received, from the archive, for the renderer to show or save; asks no
   * server (signed in or not). Undefined when this desktop does not hold it (not fetched, expired, deleted).
   */
  readAttachment(roomId: string, eventId: string, kind?: AttachmentKind): Promise<Uint8Array | undefined>;
  /**
   * Patient context (core/patient/): send a message tagged with an NHS number, find, export and file a patient's
   * messages, the local audit of it. Finding, exporting and filing ask no server (signed in or not).
   */
  readonly patient: PatientContext;
  /**
   * New messages from others, worded as the policy's notificationContent allows, for the renderer to show; not for
   * the room the renderer said is open (`store.getState().roomOpened(roomId)`).
   */
  readonly notifications: NotificationFeed;
  /**
   * The trust's staff directory, searched at the gateway (for "New conversation"); a search refuses if nobody is
   * signed in.
   */
  readonly staff: StaffDirectory;
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
  let active:
    Readonly<{ session: SignedInSession; record: SessionRecord; tokens: SessionTokens }> | undefined;
  /** An expired session's data, kept for its clinician: the outbox takes their messages meanwhile. */
  let held: Readonly<{ expired: ExpiredSession; delivery: HeldDelivery }> | undefined;

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
    identity: Readonly<{ userId: string; deviceId: string }> | undefined,
    reason: WipeReason,
    problem: ClientProblem | null,
  ): Promise<void> {
    const who = identity ? { userId: identity.userId, deviceId: identity.deviceId } : undefined;
    store.getState().clinicianDataWiped(await wipeClinicianData(platform, who, reason), problem);
  }

  /** Keeps whose data this is (and no token), and takes the clinician's messages into the outbox meanwhile. */
  async function hold(expired: ExpiredSession): Promise<void> {
    await keepExpiredSession(platform.secrets, expired);
    const delivery = await openHeldDelivery(platform, store);
    held = { expired, delivery };
    await delivery.start();
  }

  function expiredFrom(record: SessionRecord): ExpiredSession {
    const { serverUrl, userId, deviceId } = record;
    return { expired: true, serverUrl, userId, deviceId, expiredAt: platform.clock.now() };
  }

  /** Before a session starts: messages written while it was expired are all in the outbox it reads. */
  async function releaseHeld(): Promise<void> {
    const current = held;
    held = undefined;
    await current?.delivery.close();
  }

  async function endedByServer(
    current: NonNullable<typeof active>,
    error: BleepClientError,
    softLogout: boolean,
  ): Promise<void> {
    active = undefined;
    await current.tokens.close();
    log.warn('the server ended this session', { code: error.code, softLogout });
    if (softLogout) {
      // The server keeps this device and asks for a sign-in again on it: its data stays, only the tokens are dead.
      await hold(expiredFrom(current.record));
      store.getState().sessionEnded(error.toProblem());
      return;
    }
    await wipe(current.record, wipeReasonFor(error), error.toProblem());
  }

  function endedByServerLogged(current: NonNullable<typeof active>, error: BleepClientError, soft: boolean) {
    endedByServer(current, error, soft).catch((failure: unknown) => {
      log.error('could not close the ended session', {
        error: failure instanceof Error ? failure.name : 'unknown',
      });
    });
  }

  async function start(record: SessionRecord, password?: Readonly<{ username: string; password: string }>) {
    stopActive();
    await releaseHeld();
    const enrolment = await readEnrolment(platform.secrets);
    const tokens = createSessionTokens({
      platform,
      record,
      ...(enrolment ? { deviceCredential: enrolment.credential } : {}),
      keep: (renewed) => keepSessionRecord(platform.secrets, renewed),
    });
    // The server may end the session while it starts: if the start fails anyway, its caller handles that; if it
    // succeeds, the end is handled as soon as the session is active.
    const endedWhileStarting: { end?: Readonly<{ error: BleepClientError; softLogout: boolean }> } = {};
    let session: SignedInSession;
    try {
      session = await startSignedInSession({
        // Every request of the session carries its current access token, renewed when it expires.
        platform: { ...platform, fetch: tokens.fetch },
        store,
        record,
        ...(password ? { password } : {}),
        ...(options.pollTimeoutMs === undefined ? {} : { pollTimeoutMs: options.pollTimeoutMs }),
        ...(options.sweepIntervalMs === undefined ? {} : { sweepIntervalMs: options.sweepIntervalMs }),
        onEnded: (error, { softLogout }) => {
          if (active?.record === record) endedByServerLogged(active, error, softLogout);
          else endedWhileStarting.end = { error, softLogout };
        },
      });
    } catch (error) {
      await tokens.close();
      // The server's own word on the session, when it gave one while it started, says more than how the start broke.
      throw endedWhileStarting.end?.error ?? error;
    }
    active = { session, record, tokens };
    store.getState().sessionStarted({ userId: record.userId, deviceId: record.deviceId });
    const { end } = endedWhileStarting;
    if (end) endedByServerLogged(active, end.error, end.softLogout);
  }

  function stopActive(): void {
    const current = active;
    active = undefined;
    if (!current) return;
    (async () => {
      await current.session.stop();
      await current.tokens.close();
    })().catch((failure: unknown) => {
      log.error('could not stop the session cleanly', { error: String(failure) });
    });
  }

  function signedIn(): SignedInSession {
    if (!active) throw new Error('nobody is signed in');
    return active.session;
  }

  /** The running session's archive, or the one kept here opened for this work and closed again (none: undefined). */
  async function withArchive<T>(work: (archive: MessageArchive) => Promise<T>): Promise<T | undefined> {
    if (active) return work(active.session.archive);
    const kept = await openKeptDesktopArchive(platform);
    if (kept === undefined) return undefined;
    try {
      return await work(kept);
    } finally {
      await kept.close();
    }
  }

  const patient = createPatientContext({
    platform,
    store,
    delivery: () => (held && !active ? held.delivery : signedIn().delivery),
    clinician: async () =>
      active?.record.userId ??
      (await readSessionRecord(platform.secrets))?.userId ??
      (await readExpiredSession(platform.secrets))?.userId,
    withArchive,
  });

  return {
    store,
    patient,
    notifications: createNotificationFeed({ store, clock: platform.clock }),
    readAttachment: (roomId, eventId, kind = 'file') =>
      withArchive((archive) => archive.readAttachment(roomId, eventId, kind)),
    get rooms(): RoomActions {
      return signedIn().rooms;
    },
    get identities(): IdentityActions {
      return signedIn().identities;
    },
    get verification(): OwnDesktopVerificationActions {
      return signedIn().verification;
    },
    staff: createStaffDirectory(async () => {
      const current = active;
      const enrolment = await readEnrolment(platform.secrets);
      if (!current || !enrolment) throw new Error('nobody is signed in');
      const { serverUrl, accessToken } = current.tokens.current();
      return { fetch: current.tokens.fetch, serverUrl, accessToken, deviceCredential: enrolment.credential };
    }),
    get delivery(): DeliveryQueue {
      return held && !active ? held.delivery : signedIn().delivery;
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
        const expired = held?.expired ?? (await readExpiredSession(platform.secrets));
        const kept = (await readSessionRecord(platform.secrets)) ?? expired;
        const record = await signInAtEnrolledDesktop(platform, enrolment, credentials);
        if (kept && kept.userId !== record.userId) {
          // This desktop's archive and outbox are the other clinician's: nothing of theirs is shown or sent as
          // someone else. The new session is taken back (its device is this user's, and holds nothing here).
          await discardAccessToken(platform, record);
          throw new AnotherClinicianDataError();
        }
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
          if (expired) {
            // Back to waiting for this clinician, data and device kept: a sign-out at the server (POST /logout)
            // would delete the device, and with it what was sent to it while the session was expired.
            await hold(expired);
          } else {
            await forgetSessionRecord(platform.secrets);
            await discardAccessToken(platform, record);
          }
          throw error;
        }
      }),

    restore: () =>
      step('restoring', async () => {
        const enrolment = await readEnrolment(platform.secrets);
        if (enrolment) store.getState().desktopEnrolled(enrolment);
        const record = await readSessionRecord(platform.secrets);
        if (!record) {
          const expired = await readExpiredSession(platform.secrets);
          if (expired) {
            await hold(expired);
            throw new SessionExpiredError();
          }
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
          // It expired while the app was off: kept for the clinician to sign in again, as if it had happened while
          // running. The server signed this device out: erase, likewise. A session it could not be asked about
          // (server down) is kept as it is.
          if (error instanceof SessionExpiredError) await hold(expiredFrom(record));
          else if (
            error instanceof BleepClientError &&
            ['device-not-enrolled', 'session-ended', 'account-deactivated'].includes(error.code)
          ) {
            await wipe(record, wipeReasonFor(error), error.toProblem());
          }
          throw error;
        }
        return 'restored' as const;
      }),

    searchArchive: (query) =>
      searchIntoStore(store, query, (asked) =>
        active ? active.session.searchArchive(asked) : searchKeptArchive(platform, asked),
      ),

    sweepNow: async () => {
      await signedIn().expiry.sweepNow();
    },

    signOut: async () => {
      const current = active;
      active = undefined;
      const expired = held?.expired ?? (await readExpiredSession(platform.secrets));
      await releaseHeld();
      const record = current?.record ?? (await readSessionRecord(platform.secrets));
      if (current) {
        await current.session.signOutAtServer();
        await current.tokens.close();
      } else if (record) await discardAccessToken(platform, record);
      // An expired session has no token to sign out with: its device stays at the server, its data goes here.
      await wipe(record ?? expired, 'signed-out', null);
    },

    stop: () => {
      stopActive();
      held?.delivery.stop();
    },
  };
}
