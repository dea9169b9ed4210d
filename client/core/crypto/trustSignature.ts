// Asks the trust to vouch for this desktop (POST /_bleep/device-signature): the gateway signs this device's keys
// with the clinician's self-signing key, which the trust holds, so other clinicians' clients (sharing room keys
// only with devices their owner signed) send this desktop room keys from its first sign-in on it. The request
// carries the desktop's enrolment credential: only the enrolled desktop itself can ask. The device's keys reach
// the homeserver through the SDK shortly after start; until they have, the gateway answers 404 and this retries.
import { BleepClientError, ServerDownError, UnexpectedAnswerError } from '../errors/clientErrors.ts';
import type { Platform } from '../platform.ts';
import { requestTrustJson } from '../trust/trustRequest.ts';

export type TrustSignatureRequest = Readonly<{
  serverUrl: string;
  accessToken: string;
  deviceCredential: string;
  /** This device's own Ed25519 key, as its crypto store holds it. */
  ed25519: string;
  /** Only when the gateway asked for it (trust IT reset the clinician's identity): the password just signed in with. */
  password?: string;
}>;

export type TrustSignatureRetry = Readonly<{
  attempts: number;
  firstDelayMs: number;
  maxDelayMs: number;
  wait: (ms: number) => Promise<void>;
}>;

const defaultRetry: TrustSignatureRetry = {
  attempts: 8,
  firstDelayMs: 250,
  maxDelayMs: 8_000,
  wait: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Whether an attempt failed in a way the next one may not: keys not uploaded yet, or the server briefly away. */
function worthRetrying(error: unknown): boolean {
  if (error instanceof ServerDownError) return true;
  return error instanceof UnexpectedAnswerError && error.status === 404 && error.errcode === 'M_NOT_FOUND';
}

/** Resolves with the clinician's master key once the trust has signed this device; throws its last failure. */
export async function requestTrustSignature(
  platform: Pick<Platform, 'fetch'>,
  request: TrustSignatureRequest,
  retry: TrustSignatureRetry = defaultRetry,
): Promise<string> {
  let delayMs = retry.firstDelayMs;
  for (let attempt = 1; ; attempt += 1) {
    try {
      const answer = (await requestTrustJson(platform, {
        serverUrl: request.serverUrl,
        method: 'POST',
        path: '/_bleep/device-signature',
        purpose: 'session',
        headers: {
          authorization: `Bearer ${request.accessToken}`,
          'x-bleep-device-credential': request.deviceCredential,
        },
        body: {
          ed25519: request.ed25519,
          ...(request.password === undefined ? {} : { password: request.password }),
        },
      })) as { master_key?: unknown };
      if (typeof answer.master_key !== 'string') throw new UnexpectedAnswerError(200, undefined);
      return answer.master_key;
    } catch (error) {
      if (attempt >= retry.attempts || !worthRetrying(error)) {
        throw error instanceof BleepClientError ? error : new UnexpectedAnswerError(0, undefined);
      }
    }
    await retry.wait(delayMs);
    delayMs = Math.min(delayMs * 2, retry.maxDelayMs);
  }
}
