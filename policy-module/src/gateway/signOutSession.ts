// Signs a desktop out of Synapse with its own access token (POST /logout): Synapse then deletes the device and
// every token it holds, exactly as the admin API's device deletion does (both call delete_devices). The gateway
// needs no admin token for it, so a compromised gateway holds no more power over Synapse than its clients do.
export type SessionSignOut =
  | Readonly<{ outcome: 'signed-out' }>
  /** Synapse no longer knows the token: the device is signed out already. */
  | Readonly<{ outcome: 'already-gone' }>
  | Readonly<{ outcome: 'failed'; reason: string }>;

export type SignOutSession = (accessToken: string) => Promise<SessionSignOut>;

export function createSignOutSession(synapseUrl: string, timeoutMs = 5000): SignOutSession {
  const logoutUrl = new URL('/_matrix/client/v3/logout', synapseUrl);
  return async (accessToken) => {
    try {
      const response = await fetch(logoutUrl, {
        method: 'POST',
        headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
        body: '{}',
        signal: AbortSignal.timeout(timeoutMs),
      });
      await response.body?.cancel();
      if (response.ok) return { outcome: 'signed-out' };
      if (response.status === 401) return { outcome: 'already-gone' };
      return { outcome: 'failed', reason: `Synapse answered ${response.status}` };
    } catch (error) {
      return {
        outcome: 'failed',
        reason:
          (error as Error).name === 'TimeoutError'
            ? 'Synapse did not answer in time'
            : 'cannot reach Synapse',
      };
    }
  };
}
