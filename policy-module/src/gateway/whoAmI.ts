// Finds who is behind an access token: the user and the device, so that every session can be held to the
// device's enrolment and every refusal audited with a name. Asks Synapse (/account/whoami) and remembers the answer
// briefly (a token's user and device never change, and a token Synapse has deleted is refused by Synapse itself),
// so a desktop's steady stream of /sync requests costs one lookup a minute, not one each.
import { createHash } from 'node:crypto';

export type Identity = Readonly<{ userId: string; deviceId: string | null }>;

export type TokenOwner =
  | Readonly<{ outcome: 'identity'; identity: Identity }>
  /**
   * Synapse does not know the token (never issued, signed out, or malformed), or it has expired: then Synapse says
   * `soft_logout` (the device is kept; the client renews or signs in again, and must not erase anything).
   */
  | Readonly<{ outcome: 'unknown-token'; softLogout: boolean }>
  /** Synapse did not answer: nothing is known, and nothing is remembered. */
  | Readonly<{ outcome: 'unavailable' }>;

export type WhoAmI = (accessToken: string) => Promise<TokenOwner>;

export type WhoAmIOptions = Readonly<{
  ttlMs?: number;
  maxEntries?: number;
  now?: () => number;
  /** Called when Synapse did not answer (for the metrics and the log): the session check then fails closed. */
  onUnavailable?: (reason: string) => void;
}>;

export function createWhoAmI(synapseUrl: string, options: WhoAmIOptions = {}): WhoAmI {
  const { ttlMs = 60_000, maxEntries = 10_000, now = Date.now } = options;
  const onUnavailable = options.onUnavailable ?? (() => undefined);
  const whoAmIUrl = new URL('/_matrix/client/v3/account/whoami', synapseUrl);
  // Keyed by a hash: the cache never holds access tokens themselves.
  const cache = new Map<string, { owner: TokenOwner; expires: number }>();

  async function ask(accessToken: string): Promise<TokenOwner> {
    let response: Response;
    try {
      response = await fetch(whoAmIUrl, {
        headers: { authorization: `Bearer ${accessToken}` },
        signal: AbortSignal.timeout(5000),
      });
    } catch {
      return { outcome: 'unavailable' };
    }
    if (response.status === 401) {
      const refusal = (await response.json().catch(() => ({}))) as { soft_logout?: unknown };
      return { outcome: 'unknown-token', softLogout: refusal.soft_logout === true };
    }
    if (!response.ok) return { outcome: 'unavailable' };
    const body = (await response.json().catch(() => ({}))) as { user_id?: unknown; device_id?: unknown };
    if (typeof body.user_id !== 'string') return { outcome: 'unavailable' };
    return {
      outcome: 'identity',
      identity: {
        userId: body.user_id,
        deviceId: typeof body.device_id === 'string' ? body.device_id : null,
      },
    };
  }

  return async (accessToken) => {
    const key = createHash('sha256').update(accessToken).digest('base64url');
    const cached = cache.get(key);
    if (cached && cached.expires > now()) return cached.owner;
    const owner = await ask(accessToken);
    if (owner.outcome === 'unavailable') {
      onUnavailable('Synapse did not answer /account/whoami');
      return owner;
    }
    if (cache.size >= maxEntries) cache.clear();
    cache.set(key, { owner, expires: now() + ttlMs });
    return owner;
  };
}
