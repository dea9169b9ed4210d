// What the core keeps in the SecretStore between runs: this desktop's enrolment (its device credential) and the
// signed-in session (its access token). Both are secrets: they go nowhere else, not even the log.
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
  signedInAt: number;
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
  return hasStrings(value, ['serverUrl', 'userId', 'deviceId', 'accessToken'])
    ? (value as SessionRecord)
    : undefined;
}

export async function keepSessionRecord(secrets: SecretStore, session: SessionRecord): Promise<void> {
  await writeJsonSecret(secrets, 'session', session);
}

export async function forgetSessionRecord(secrets: SecretStore): Promise<void> {
  await secrets.delete('session');
}
