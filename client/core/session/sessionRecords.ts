// What the core keeps in the SecretStore between runs: this desktop's enrolment (its device credential) and the
// signed-in session (its access and refresh tokens), or, once that session expired, whose data this desktop still
// holds for them to sign in again. All are secrets: they go nowhere else, not even the log.
import { SecretStoreLockedError } from '../errors/clientErrors.ts';
import { readJsonSecret, writeJsonSecret, type SecretStore } from '../secrets/secretStore.ts';

export type DesktopEnrolment = Readonly<{
  serverUrl: string;
  deviceId: string;
  /** Sent as x-bleep-device-credential on every sign-in; issued once, when the enrolment code was redeemed. */
  credential: string;
  enrolledAt: number;
}>;

export type SessionRecord = Readonly<{
  serverUrl: string;
  userId: string;
  deviceId: string;
  accessToken: string;
  /**
   * Renews the access token (POST /refresh) when the server says it has expired. Absent from a session signed in
   * before the core asked for one, or from a server that gives none: such a session simply ends when its token does.
   */
  refreshToken?: string;
  signedInAt: number;
}>;

/**
 * A session the server let expire (Matrix's soft logout): the server keeps the device, and this desktop keeps the
 * clinician's archive, crypto store and outbox for them to sign in again. It holds no token.
 */
export type ExpiredSession = Readonly<{
  expired: true;
  serverUrl: string;
  userId: string;
  deviceId: string;
  expiredAt: number;
}>;

function hasStrings<Key extends string>(value: unknown, keys: readonly Key[]): value is Record<Key, string> {
  return (
    typeof value === 'object' &&
    value !== null &&
    keys.every((key) => typeof (value as Record<string, unknown>)[key] === 'string')
  );
}

export async function readEnrolment(secrets: SecretStore): Promise<DesktopEnrolment | undefined> {
  const value = await readJsonSecret(secrets, 'desktop-enrolment');
  if (value === undefined) return undefined;
  if (!hasStrings(value, ['serverUrl', 'deviceId', 'credential'])) {
    throw new SecretStoreLockedError(
      "This computer's enrolment record is damaged: ask trust IT to enrol it again.",
    );
  }
  return value as DesktopEnrolment;
}

export async function keepEnrolment(secrets: SecretStore, enrolment: DesktopEnrolment): Promise<void> {
  await writeJsonSecret(secrets, 'desktop-enrolment', enrolment);
}

export async function readSessionRecord(secrets: SecretStore): Promise<SessionRecord | undefined> {
  const value = await readJsonSecret(secrets, 'session');
  // A damaged session record is no session: the clinician signs in again.
  if (!hasStrings(value, ['serverUrl', 'userId', 'deviceId', 'accessToken'])) return undefined;
  const { refreshToken, ...record } = value as SessionRecord;
  return typeof refreshToken === 'string' ? { ...record, refreshToken } : record;
}

/** Kept before its tokens are used, so a crash at any point leaves a session that can still be renewed. */
export async function keepSessionRecord(secrets: SecretStore, session: SessionRecord): Promise<void> {
  await writeJsonSecret(secrets, 'session', session);
}

export async function readExpiredSession(secrets: SecretStore): Promise<ExpiredSession | undefined> {
  const value = await readJsonSecret(secrets, 'session');
  return hasStrings(value, ['serverUrl', 'userId', 'deviceId']) &&
    (value as { expired?: unknown }).expired === true
    ? (value as unknown as ExpiredSession)
    : undefined;
}

/** In place of the session record: its tokens are dead, only whose data this is stays. */
export async function keepExpiredSession(secrets: SecretStore, expired: ExpiredSession): Promise<void> {
  await writeJsonSecret(secrets, 'session', expired);
}

export async function forgetSessionRecord(secrets: SecretStore): Promise<void> {
  await secrets.delete('session');
}
