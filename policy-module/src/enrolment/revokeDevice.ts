// Revocation, the whole of it: the device's credential stops working, then everyone who signed in on it is
// signed out of Synapse at once. A sign-out that fails is reported; the revocation stays recorded either way.
// Sessions the sign-out misses (a login that passed its check just before the revocation committed) are stopped
// by the gateway, whose deviceStatusWatch.ts hears of the revocation by NOTIFY as soon as it commits.
import type { EnrolmentRefusal } from './enrolmentRefusal.ts';
import type { EnrolmentStore } from './enrolmentStore.ts';
import type { UserSignOut } from './signOutDevice.ts';

export type DeviceRevocation = Readonly<{
  ok: true;
  deviceId: string;
  revokedAt: Date;
  signOuts: readonly UserSignOut[];
}>;

export type RevokeDeviceDeps = Readonly<{
  store: Pick<EnrolmentStore, 'revoke'>;
  signOut: (deviceId: string, userIds: readonly string[]) => Promise<UserSignOut[]>;
}>;

export async function revokeDevice(
  deps: RevokeDeviceDeps,
  deviceId: string,
): Promise<DeviceRevocation | EnrolmentRefusal<'DEVICE_NOT_ENROLLED'>> {
  // Recorded first: from this moment no login with the device's credential passes the gateway, whatever
  // happens to the sign-outs.
  const revoked = await deps.store.revoke(deviceId);
  if (!revoked.ok) return revoked;
  const signOuts = await deps.signOut(deviceId, revoked.userIds);
  return { ok: true, deviceId, revokedAt: revoked.revokedAt, signOuts };
}
