// Finds who is behind an access token, for audit entries of refused requests. Asks Synapse (/account/whoami) and
// remembers the answer briefly, so a client retrying a refused request does not cost a lookup each time.
import { createHash } from 'node:crypto';

export type Identity = Readonly<{ userId: string; deviceId: string | null }>;
export type WhoAmI = (authorization: string | undefined) => Promise<Identity | undefined>;

export function createWhoAmI(
  synapseUrl: string,
  ttlMs = 60_000,
  maxEntries = 10_000,
  now: () => number = Date.now,
): WhoAmI {
  // Keyed by a hash: the cache never holds access tokens themselves.
  const cache = new Map<string, { identity: Identity | undefined; expires: number }>();
  return async (authorization) => {
    if (!authorization?.startsWith('Bearer ')) return undefined;
    const key = createHash('sha256').update(authorization).digest('base64url');
    const cached = cache.get(key);
    if (cached && cached.expires > now()) return cached.identity;
    let identity: Identity | undefined;
    try {
      const response = await fetch(new URL('/_matrix/client/v3/account/whoami', synapseUrl), {
        headers: { authorization },
        signal: AbortSignal.timeout(5000),
      });
      if (response.ok) {
        const body = (await response.json()) as { user_id?: unknown; device_id?: unknown };
        if (typeof body.user_id === 'string') {
          identity = {
            userId: body.user_id,
            deviceId: typeof body.device_id === 'string' ? body.device_id : null,
          };
        }
      }
    } catch {
      // Synapse unreachable: the refusal is still audited, without a name.
      identity = undefined;
    }
    if (cache.size >= maxEntries) cache.clear();
    cache.set(key, { identity, expires: now() + ttlMs });
    return identity;
  };
}
