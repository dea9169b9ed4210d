// The three key requests the trust's identity service makes to Synapse, as the clinician (with their own access
// token, on Synapse's internal listener): read the clinician's published keys and one device's keys, publish the
// cross-signing identity, and upload the self-signing key's signature of a device.
import type { CrossSigningUpload } from './crossSigningIdentity.ts';

export type OwnKeys = Readonly<{
  /** The master key Synapse holds for the clinician, if any (its one public key). */
  masterKey: string | undefined;
  /** The device's keys object as the device uploaded it, if Synapse has them. */
  deviceKeys: Readonly<Record<string, unknown>> | undefined;
}>;

export interface SynapseKeys {
  queryOwnKeys(accessToken: string, userId: string, deviceId: string): Promise<OwnKeys>;
  /**
   * 'exists': Synapse already holds other keys and asks for interactive auth to replace them, which it is given only
   * when the clinician's password is (Synapse without delegated auth always asks, whatever trust IT allowed);
   * 'wrong-password': it was given and refused.
   */
  publishIdentity(
    accessToken: string,
    upload: CrossSigningUpload,
    password?: Readonly<{ userId: string; password: string }>,
  ): Promise<'published' | 'exists' | 'wrong-password'>;
  /** Throws unless Synapse stored the signature. */
  uploadSignature(
    accessToken: string,
    userId: string,
    deviceId: string,
    signed: Record<string, unknown>,
  ): Promise<void>;
}

/** Synapse did not answer, or answered something that is not what the client-server API promises. */
export class SynapseKeysError extends Error {
  override readonly name = 'SynapseKeysError';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The single public key of a cross-signing key object, or undefined when it is not one. */
export function singlePublicKey(key: unknown): string | undefined {
  if (!isRecord(key) || !isRecord(key.keys)) return undefined;
  const values = Object.values(key.keys);
  return values.length === 1 && typeof values[0] === 'string' ? values[0] : undefined;
}

export function createSynapseKeys(synapseUrl: string, timeoutMs = 10_000): SynapseKeys {
  async function post(
    accessToken: string,
    path: string,
    body: unknown,
  ): Promise<{ status: number; json: unknown }> {
    let response: Response;
    try {
      response = await fetch(new URL(path, synapseUrl), {
        method: 'POST',
        headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new SynapseKeysError(`Synapse did not answer ${path}: ${(error as Error).name}`);
    }
    const json: unknown = await response.json().catch(() => undefined);
    return { status: response.status, json };
  }

  return {
    async queryOwnKeys(accessToken, userId, deviceId) {
      const { status, json } = await post(accessToken, '/_matrix/client/v3/keys/query', {
        device_keys: { [userId]: [deviceId] },
      });
      if (status !== 200 || !isRecord(json)) throw new SynapseKeysError(`keys/query answered ${status}`);
      const masters = isRecord(json.master_keys) ? json.master_keys : {};
      const devices =
        isRecord(json.device_keys) && isRecord(json.device_keys[userId]) ? json.device_keys[userId] : {};
      const device = devices[deviceId];
      return {
        masterKey: singlePublicKey(masters[userId]),
        deviceKeys: isRecord(device) ? device : undefined,
      };
    },
    async publishIdentity(accessToken, upload, password) {
      const path = '/_matrix/client/v3/keys/device_signing/upload';
      const first = await post(accessToken, path, upload);
      if (first.status === 200) return 'published';
      if (first.status !== 401)
        throw new SynapseKeysError(`keys/device_signing/upload answered ${first.status}`);
      const session =
        isRecord(first.json) && typeof first.json.session === 'string' ? first.json.session : undefined;
      if (!password || !session) return 'exists';
      const auth = {
        type: 'm.login.password',
        identifier: { type: 'm.id.user', user: password.userId },
        password: password.password,
        session,
      };
      const second = await post(accessToken, path, { ...upload, auth });
      if (second.status === 200) return 'published';
      if (second.status === 401) return 'wrong-password';
      throw new SynapseKeysError(`keys/device_signing/upload with auth answered ${second.status}`);
    },
    async uploadSignature(accessToken, userId, deviceId, signed) {
      const { status, json } = await post(accessToken, '/_matrix/client/v3/keys/signatures/upload', {
        [userId]: { [deviceId]: signed },
      });
      if (status !== 200 || !isRecord(json))
        throw new SynapseKeysError(`keys/signatures/upload answered ${status}`);
      if (isRecord(json.failures) && Object.keys(json.failures).length > 0) {
        throw new SynapseKeysError(
          `Synapse refused the signature: ${JSON.stringify(json.failures).slice(0, 300)}`,
        );
      }
    },
  };
}
