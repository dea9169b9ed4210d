// The directory authority's keys, given as a KeyObject or as PEM text (as read from a config file). Only Ed25519 is
// accepted: node's sign and verify with a null algorithm would silently use RSA or ECDSA for a key of that type,
// and a directory signed that way is not the format the authority publishes.
import { createPrivateKey, createPublicKey, KeyObject } from 'node:crypto';

export type AuthorityKeyInput = KeyObject | string;

function requireEd25519(key: KeyObject, role: string): KeyObject {
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new TypeError(
      `the directory authority's ${role} key must be Ed25519, not ${key.asymmetricKeyType ?? key.type}`,
    );
  }
  return key;
}

/** The public key that verifies directories; a private key is accepted and reduced to its public half. */
export function authorityPublicKey(key: AuthorityKeyInput): KeyObject {
  const keyObject = key instanceof KeyObject ? key : createPublicKey(key);
  return requireEd25519(keyObject.type === 'private' ? createPublicKey(keyObject) : keyObject, 'public');
}

/** The private key that signs directories (the authority's own tooling and the local stack only). */
export function authorityPrivateKey(key: AuthorityKeyInput): KeyObject {
  const keyObject = key instanceof KeyObject ? key : createPrivateKey(key);
  if (keyObject.type !== 'private') throw new TypeError('signing a trust directory needs a private key');
  return requireEd25519(keyObject, 'private');
}
