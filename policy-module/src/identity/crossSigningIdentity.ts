// A clinician's cross-signing identity as the trust holds it: three Ed25519 keys (master, self-signing,
// user-signing), the Matrix upload that publishes their public halves, and the self-signing key's signature over
// an enrolled desktop's device keys. Holding the self-signing key lets the trust vouch for each desktop it enrolled,
// so a clinician's first sign-in on another ward PC receives room keys without another device of theirs at hand
// (threat model: client/README.md, "Who signs an enrolled desktop").
import { ed25519PublicKey, newEd25519Seed, signObject, type Ed25519Seed } from './ed25519Keys.ts';

export type CrossSigningSeeds = Readonly<{
  master: Ed25519Seed;
  selfSigning: Ed25519Seed;
  userSigning: Ed25519Seed;
}>;

export type CrossSigningKey = Readonly<{
  user_id: string;
  usage: readonly string[];
  keys: Readonly<Record<string, string>>;
  signatures?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}>;

/** The body of POST /keys/device_signing/upload. */
export type CrossSigningUpload = Readonly<{
  master_key: CrossSigningKey;
  self_signing_key: CrossSigningKey;
  user_signing_key: CrossSigningKey;
}>;

export function newCrossSigningSeeds(): CrossSigningSeeds {
  return { master: newEd25519Seed(), selfSigning: newEd25519Seed(), userSigning: newEd25519Seed() };
}

/** The Matrix key id of a public key: "ed25519:" and the key itself. */
export function keyId(publicKey: string): string {
  return `ed25519:${publicKey}`;
}

function publicKey(userId: string, usage: string, seed: Ed25519Seed): CrossSigningKey {
  const key = ed25519PublicKey(seed);
  return { user_id: userId, usage: [usage], keys: { [keyId(key)]: key } };
}

function signedBy(userId: string, seed: Ed25519Seed, key: CrossSigningKey): CrossSigningKey {
  return { ...key, signatures: { [userId]: { [keyId(ed25519PublicKey(seed))]: signObject(seed, key) } } };
}

/** The three public keys, the self-signing and user-signing ones signed by the master key, as Synapse takes them. */
export function crossSigningUpload(userId: string, seeds: CrossSigningSeeds): CrossSigningUpload {
  return {
    master_key: publicKey(userId, 'master', seeds.master),
    self_signing_key: signedBy(userId, seeds.master, publicKey(userId, 'self_signing', seeds.selfSigning)),
    user_signing_key: signedBy(userId, seeds.master, publicKey(userId, 'user_signing', seeds.userSigning)),
  };
}

/** The device keys object with the self-signing key's signature only, as POST /keys/signatures/upload takes it. */
export function selfSigningSignature(
  userId: string,
  seeds: CrossSigningSeeds,
  deviceKeys: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const { signatures: _signatures, unsigned: _unsigned, ...signed } = deviceKeys;
  return {
    ...signed,
    signatures: {
      [userId]: { [keyId(ed25519PublicKey(seeds.selfSigning))]: signObject(seeds.selfSigning, signed) },
    },
  };
}
