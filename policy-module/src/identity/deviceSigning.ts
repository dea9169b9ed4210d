// Signing one enrolled desktop's device keys with its clinician's self-signing key. The caller has already checked
// that the request comes from the enrolled desktop itself (its access token, its device credential); this decides
// what gets signed. Only keys that are (a) the ones the desktop itself says it has, (b) what Synapse holds for that
// device and (c) signed by themselves are signed: a homeserver that swapped a desktop's keys gets no signature.
import { policyRefusal, type MatrixError } from '../gateway/matrixError.ts';
import { crossSigningUpload, keyId, selfSigningSignature } from './crossSigningIdentity.ts';
import { verifyObjectSignature } from './ed25519Keys.ts';
import type { IdentityStore } from './identityStore.ts';
import type { SynapseKeys } from './synapseKeys.ts';

export const deviceSigningRule = 'trust-held-identity';

export type DeviceSigningRequest = Readonly<{
  accessToken: string;
  userId: string;
  deviceId: string;
  /** The desktop's own Ed25519 device key, as its crypto store holds it. */
  claimedEd25519: string;
  /**
   * The clinician's password, sent only when the gateway asked for it: Synapse takes an identity that replaces one it
   * holds (after trust IT reset it) only with interactive auth.
   */
  password?: string;
}>;

export type DeviceSigningOutcome =
  | Readonly<{ outcome: 'signed' | 'already-signed'; masterKey: string; published: boolean }>
  | Readonly<{ outcome: 'refused'; error: MatrixError; reason: string }>;

function refused(
  reason: string,
  message: string,
  status = 403,
  errcode = 'M_FORBIDDEN',
): DeviceSigningOutcome {
  return { outcome: 'refused', reason, error: policyRefusal(deviceSigningRule, message, status, errcode) };
}

function record(value: unknown): Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function signatureBy(
  deviceKeys: Readonly<Record<string, unknown>>,
  userId: string,
  key: string,
): string | undefined {
  const signature = record(record(deviceKeys.signatures)[userId])[key];
  return typeof signature === 'string' ? signature : undefined;
}

export async function signEnrolledDevice(
  request: DeviceSigningRequest,
  deps: Readonly<{ identities: IdentityStore; synapseKeys: SynapseKeys }>,
): Promise<DeviceSigningOutcome> {
  const { accessToken, userId, deviceId, claimedEd25519 } = request;
  const identity = await deps.identities.findOrCreate(userId);
  let keys = await deps.synapseKeys.queryOwnKeys(accessToken, userId, deviceId);
  let published = false;
  if (
    keys.masterKey === undefined ||
    (identity.publishedAt === null && keys.masterKey !== identity.masterKey)
  ) {
    // First time for this clinician: Synapse takes a first identity without interactive auth (MSC3967). An identity
    // the trust has not published yet where Synapse holds another is one trust IT reset (identityReset.ts): Synapse
    // replaces its copy only with interactive auth, so the clinician's password is asked for.
    const result = await deps.synapseKeys.publishIdentity(
      accessToken,
      crossSigningUpload(userId, identity.seeds),
      request.password === undefined ? undefined : { userId, password: request.password },
    );
    if (result === 'wrong-password') {
      return refused(
        'wrong-password',
        'That password is not right: your new signing identity was not published',
      );
    }
    if (result === 'published') published = true;
    else keys = await deps.synapseKeys.queryOwnKeys(accessToken, userId, deviceId);
  }
  if (!published && keys.masterKey !== identity.masterKey) {
    return identity.publishedAt === null && keys.masterKey !== undefined
      ? refused(
          'password-needed',
          'Your signing identity was reset by trust IT: sign in with your password to publish the new one',
          401,
          'M_FORBIDDEN',
        )
      : refused(
          'identity-elsewhere',
          "This clinician's signing identity at the homeserver is not the one the trust holds: ask trust IT to reset it",
          409,
        );
  }
  await deps.identities.markPublished(userId);

  const deviceKeys = keys.deviceKeys;
  if (!deviceKeys) {
    return refused(
      'no-device-keys',
      "This desktop's keys have not reached the homeserver yet: try again shortly",
      404,
      'M_NOT_FOUND',
    );
  }
  const ownKeyId = `ed25519:${deviceId}`;
  const heldEd25519 = record(deviceKeys.keys)[ownKeyId];
  const selfSignature = signatureBy(deviceKeys, userId, ownKeyId);
  if (
    deviceKeys.user_id !== userId ||
    deviceKeys.device_id !== deviceId ||
    heldEd25519 !== claimedEd25519 ||
    selfSignature === undefined ||
    !verifyObjectSignature(claimedEd25519, selfSignature, deviceKeys)
  ) {
    // Either the desktop's keys changed between its upload and this request, or the homeserver holds keys the
    // desktop never made: the trust vouches for neither.
    return refused(
      'device-keys-mismatch',
      "The homeserver's copy of this desktop's keys is not the desktop's own: the trust will not sign it",
      409,
    );
  }
  const sskId = keyId(identity.selfSigningKey);
  const existing = signatureBy(deviceKeys, userId, sskId);
  if (existing !== undefined && verifyObjectSignature(identity.selfSigningKey, existing, deviceKeys)) {
    return { outcome: 'already-signed', masterKey: identity.masterKey, published };
  }
  await deps.synapseKeys.uploadSignature(
    accessToken,
    userId,
    deviceId,
    selfSigningSignature(userId, identity.seeds, deviceKeys),
  );
  return { outcome: 'signed', masterKey: identity.masterKey, published };
}
