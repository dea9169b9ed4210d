// Trust IT resets a clinician's signing identity (their keys were exposed, or the homeserver holds one the trust did
// not make): the trust forgets the identity it held, and Synapse is told to let the next one replace the current
// one without interactive auth for a while (its admin API; ten minutes in Synapse 1.160). The next sign-in of the
// clinician on an enrolled desktop makes and publishes the new identity (deviceSigning.ts); every partner's desktop
// then shows the change until the partner acknowledges it.
import type { Pool } from 'pg';
import type { SynapseAdminApi } from '../enrolment/signOutDevice.ts';
import { describeFetchError, describeRefusal } from '../synapseAdmin/synapseAdminFailure.ts';

export type IdentityReset =
  | Readonly<{ outcome: 'reset'; heldIdentity: boolean; replaceableUntil: Date | null }>
  | Readonly<{ outcome: 'failed'; reason: string }>;

/** Allows the replacement at Synapse first: if that fails, the trust keeps the identity it holds. */
export async function resetIdentity(
  deps: Readonly<{ pool: Pool; synapse: SynapseAdminApi }>,
  userId: string,
): Promise<IdentityReset> {
  const { synapse } = deps;
  const base = synapse.synapseAdminUrl.replace(/\/+$/, '');
  const url = `${base}/_synapse/admin/v1/users/${encodeURIComponent(userId)}/_allow_cross_signing_replacement_without_uia`;
  let replaceableUntil: Date | null = null;
  try {
    const response = await synapse.fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${synapse.adminToken}`, 'content-type': 'application/json' },
      body: '{}',
      signal: AbortSignal.timeout(synapse.timeoutMs ?? 10_000),
    });
    const body = await response.text();
    if (response.ok) {
      const until = (JSON.parse(body) as { updatable_without_uia_before_ms?: unknown })
        .updatable_without_uia_before_ms;
      replaceableUntil = typeof until === 'number' ? new Date(until) : null;
    } else if (!(response.status === 404 && body.includes('no master cross-signing key'))) {
      // A clinician with no identity at Synapse yet has nothing to replace; anything else stops the reset.
      return { outcome: 'failed', reason: describeRefusal(response.status, body) };
    }
  } catch (error) {
    return { outcome: 'failed', reason: describeFetchError(error) };
  }
  const { rowCount } = await deps.pool.query('DELETE FROM bleep_clinician_identity WHERE user_id = $1', [
    userId,
  ]);
  return { outcome: 'reset', heldIdentity: (rowCount ?? 0) > 0, replaceableUntil };
}
