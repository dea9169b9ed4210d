// One enrolled ward desktop that several clinicians use, often under one shared OS login. NHS guidance: no one may
// read another's messages. So each clinician has their own session, archive and crypto store, sealed under a key that
// needs that clinician's PIN (not only what the machine protects), and switching clinician locks the previous one:
// their session stops and their keys leave memory before anyone else's open. The platform says where each
// clinician's stores live and how a PIN seals them (`openClinician`); this decides who is open when.
import type { ArchiveStorage } from '../archive/archiveStorage.ts';
import { WeakPinError } from '../errors/clientErrors.ts';
import type { Platform } from '../platform.ts';
import type { SecretStore } from '../secrets/secretStore.ts';
import {
  createBleepSession,
  type BleepSession,
  type BleepSessionOptions,
} from '../session/createBleepSession.ts';
import type { EnrolmentRequest } from '../session/desktopEnrolment.ts';
import { clinicianSecrets } from './clinicianSecrets.ts';

export const minimumPinLength = 6;

/** One clinician's own stores, opened with their PIN. */
export type ClinicianStores = Readonly<{ secrets: SecretStore; archive: ArchiveStorage }>;

export type SharedDesktopOptions = Readonly<{
  /** What every clinician shares: fetch, clock, logger, random bytes, the crypto store kind and the desktop's secrets. */
  desktop: Platform;
  /**
   * Opens (making on first use) the stores of the clinician with this sign-in name, sealed under their PIN; throws
   * SecretStoreLockedError when the PIN is not the one they were made with.
   */
  openClinician: (clinician: string, pin: string) => Promise<ClinicianStores>;
  session?: Omit<BleepSessionOptions, 'platform'>;
}>;

export interface SharedDesktop {
  /** Trust IT's one-time code, redeemed for the desktop (not for anyone signed in). */
  enrol(request: EnrolmentRequest): Promise<void>;
  /** A clinician signs in with their password and PIN (the PIN seals their data here from now on). */
  signIn(username: string, password: string, pin: string): Promise<BleepSession>;
  /** A clinician who signed in here before comes back with their PIN: their session resumes. */
  unlock(username: string, pin: string): Promise<BleepSession>;
  /** Locks whoever is open: their session stops and nothing of theirs stays in memory here. */
  lock(): void;
  /** The open clinician's sign-in name and session, if anyone is open. */
  readonly current: Readonly<{ clinician: string; session: BleepSession }> | undefined;
}

/** Sign-in names are case-insensitive in Matrix (localparts are lower case): one clinician, one set of stores. */
function clinicianKey(username: string): string {
  return username.trim().toLowerCase();
}

export function createSharedDesktop(options: SharedDesktopOptions): SharedDesktop {
  const { desktop } = options;
  let current: { clinician: string; session: BleepSession } | undefined;

  function lock(): void {
    current?.session.stop();
    current = undefined;
  }

  async function open(username: string, pin: string): Promise<{ clinician: string; session: BleepSession }> {
    if (pin.length < minimumPinLength) throw new WeakPinError(minimumPinLength);
    // Locked before another's stores open: never two clinicians' keys in memory at once.
    lock();
    const clinician = clinicianKey(username);
    const stores = await options.openClinician(clinician, pin);
    const platform: Platform = {
      ...desktop,
      secrets: clinicianSecrets(desktop.secrets, stores.secrets),
      archive: stores.archive,
    };
    return { clinician, session: createBleepSession({ ...options.session, platform }) };
  }

  return {
    async enrol(request) {
      lock();
      await createBleepSession({ ...options.session, platform: desktop }).enrol(request);
    },
    async signIn(username, password, pin) {
      const opened = await open(username, pin);
      await opened.session.signIn({ kind: 'password', username, password });
      current = opened;
      return opened.session;
    },
    async unlock(username, pin) {
      const opened = await open(username, pin);
      await opened.session.restore();
      current = opened;
      return opened.session;
    },
    lock,
    get current() {
      return current;
    },
  };
}
