// This desktop's standing with its clinician's identity: signed by the trust, and trusting the identity the trust
// named. Asked for after the first sync and again whenever the clinician's own keys change at the server (a reset):
// one request at a time, never throwing; its outcome is kept for the status.
import type { MatrixClient } from 'matrix-js-sdk';
import type { CryptoApi } from 'matrix-js-sdk/lib/crypto-api/index.js';
import { BleepClientError, UnexpectedAnswerError } from '../errors/clientErrors.ts';
import type { Platform } from '../platform.ts';
import type { OwnIdentityStanding } from './cryptoStatus.ts';
import { trustOwnIdentity } from './ownIdentityTrust.ts';
import { requestTrustSignature, type TrustSignatureRetry } from './trustSignature.ts';

export type DeviceTrustOptions = Readonly<{
  userId: string;
  deviceId: string;
  deviceCredential: string;
  /**
   * At a password sign-in: the password, sent to the gateway only if it asks (trust IT reset the identity, which
   * Synapse replaces only with it), and forgotten once the first request has settled.
   */
  password?: string;
  signatureRetry?: TrustSignatureRetry;
}>;

export interface DeviceTrust {
  /** Asks the trust to sign this device unless a request is in flight; resolves when it has settled. */
  ensureSigned(): Promise<void>;
  /** What the last request found ('unconfirmed' before any, or while one is in flight). */
  standing(): OwnIdentityStanding;
}

export function createDeviceTrust(
  client: MatrixClient,
  crypto: CryptoApi,
  platform: Pick<Platform, 'fetch' | 'logger'>,
  options: DeviceTrustOptions,
): DeviceTrust {
  const log = platform.logger.child('device-trust');
  let standing: OwnIdentityStanding = 'unconfirmed';
  let inFlight: Promise<void> | undefined;

  let password = options.password;

  async function askTheTrust(): Promise<OwnIdentityStanding> {
    const own = await crypto.getOwnDeviceKeys();
    const accessToken = client.getAccessToken();
    if (!accessToken) throw new Error('no access token to ask for a signature with');
    const request = {
      serverUrl: client.baseUrl,
      accessToken,
      deviceCredential: options.deviceCredential,
      ed25519: own.ed25519,
    };
    let masterKey: string;
    try {
      masterKey = await requestTrustSignature(platform, request, options.signatureRetry);
    } catch (error) {
      if (!(error instanceof UnexpectedAnswerError)) throw error;
      // The gateway's 409: the homeserver holds an identity (or a copy of this device's keys) the trust never made.
      if (error.status === 409) return 'not-the-trusts';
      // Its 401 M_FORBIDDEN: trust IT reset the identity, and Synapse takes the new one only with the password.
      if (error.status !== 401 || error.errcode !== 'M_FORBIDDEN') throw error;
      if (password === undefined) return 'needs-password';
      masterKey = await requestTrustSignature(platform, { ...request, password }, options.signatureRetry);
    }
    return (await trustOwnIdentity(client, options.userId, masterKey)) === 'trusted'
      ? 'the-trusts'
      : 'not-the-trusts';
  }

  return {
    ensureSigned() {
      inFlight ??= askTheTrust()
        .then(
          (found) => {
            standing = found;
            if (found === 'not-the-trusts') {
              log.error(
                "the homeserver serves a signing identity for this clinician that is not the trust's",
                {
                  deviceId: options.deviceId,
                },
              );
            } else {
              log.info('the trust signed this device', { deviceId: options.deviceId });
            }
          },
          (error: unknown) => {
            log.error('the trust did not sign this device: partners will not share room keys with it', {
              error: error instanceof BleepClientError ? error.code : String(error),
            });
          },
        )
        .finally(() => {
          inFlight = undefined;
          password = undefined;
        });
      return inFlight;
    },
    standing: () => standing,
  };
}
