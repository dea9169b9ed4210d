// Signs one access token out at Synapse: used when a sign-in finished after its desktop's enrolment was revoked,
// so the token Synapse issued is not left behind (the gateway refuses it anyway; this removes it from Synapse too).
import type { Logger } from 'pino';

export async function discardToken(synapseUrl: string, accessToken: string, log: Logger): Promise<void> {
  try {
    const response = await fetch(new URL('/_matrix/client/v3/logout', synapseUrl), {
      method: 'POST',
      headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
      body: '{}',
      signal: AbortSignal.timeout(5000),
    });
    if (!response.ok)
      log.warn({ status: response.status }, "could not sign out a revoked desktop's new token");
  } catch (error) {
    // The gateway still refuses every request with it (rules/enrolledSession.ts); trust IT sees this line.
    log.warn(
      { err: { message: (error as Error).message } },
      "could not sign out a revoked desktop's new token",
    );
  }
}
