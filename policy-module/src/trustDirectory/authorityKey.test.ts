import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { authorityPrivateKey, authorityPublicKey } from './authorityKey.ts';
import { signDirectory } from './signDirectory.ts';
import { directoryDocument } from './directoryContext.testkit.ts';

const authority = generateKeyPairSync('ed25519');
const publicPem = authority.publicKey.export({ format: 'pem', type: 'spki' }).toString();
const privatePem = authority.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();

describe("the directory authority's keys", () => {
  it('accepts Ed25519 keys as KeyObjects or PEM, reducing a private key to its public half for verifying', () => {
    expect(authorityPublicKey(publicPem).equals(authority.publicKey)).toBe(true);
    expect(authorityPublicKey(authority.privateKey).equals(authority.publicKey)).toBe(true);
    expect(authorityPrivateKey(privatePem).equals(authority.privateKey)).toBe(true);
  });

  it('signs the same directory identically from a KeyObject or from PEM', () => {
    expect(signDirectory(directoryDocument(), privatePem, 'k')).toEqual(
      signDirectory(directoryDocument(), authority.privateKey, 'k'),
    );
  });

  it('refuses RSA and EC keys, and a public key for signing', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expect(() => authorityPublicKey(rsa.publicKey)).toThrow(/must be Ed25519, not rsa/);
    expect(() => authorityPrivateKey(ec.privateKey)).toThrow(/must be Ed25519, not ec/);
    expect(() => authorityPrivateKey(authority.publicKey)).toThrow(/needs a private key/);
    expect(() => signDirectory(directoryDocument(), rsa.privateKey, 'k')).toThrow(TypeError);
  });

  it('refuses text that is not a key', () => {
    expect(() => authorityPublicKey('not a key')).toThrow();
  });
});
