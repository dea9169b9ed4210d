// Ends a revoked desktop's Synapse sessions at once through the admin API, instead of leaving its access tokens
// working until they expire. Deleting a user's device in Synapse also deletes its access tokens.
import { describeFetchError, describeRefusal } from '../synapseAdmin/synapseAdminFailure.ts';

export type SynapseAdminApi = Readonly<{
  /** Synapse's internal listener with the admin API (never the public, gateway-fronted address). */
  synapseAdminUrl: string;
  /** An admin user's access token. It goes in the Authorization header and nowhere else: never in a result. */
  adminToken: string;
  fetch: typeof fetch;
  timeoutMs?: number;
}>;

export type UserSignOut = Readonly<
  | { userId: string; outcome: 'signed-out' }
  /** Synapse has no such device (or user) any more: nothing is left to sign out. */
  | { userId: string; outcome: 'already-gone' }
  | { userId: string; outcome: 'failed'; reason: string }
>;

/** Signs every listed user out of the device, one at a time, and reports each outcome; it never throws. */
export async function signOutDevice(
  api: SynapseAdminApi,
  deviceId: string,
  userIds: readonly string[],
): Promise<UserSignOut[]> {
  const base = api.synapseAdminUrl.replace(/\/+$/, '');
  const outcomes: UserSignOut[] = [];
  for (const userId of userIds) {
    const url = `${base}/_synapse/admin/v2/users/${encodeURIComponent(userId)}/devices/${encodeURIComponent(deviceId)}`;
    try {
      const response = await api.fetch(url, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${api.adminToken}` },
        signal: AbortSignal.timeout(api.timeoutMs ?? 10_000),
      });
      const body = await response.text();
      if (response.ok) outcomes.push({ userId, outcome: 'signed-out' });
      else if (response.status === 404) outcomes.push({ userId, outcome: 'already-gone' });
      else outcomes.push({ userId, outcome: 'failed', reason: describeRefusal(response.status, body) });
    } catch (error) {
      outcomes.push({ userId, outcome: 'failed', reason: describeFetchError(error) });
    }
  }
  return outcomes;
}
