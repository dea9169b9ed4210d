import { describe, expect, it } from 'vitest';
import {
  ed25519PublicKey,
  newEd25519Seed,
  signObject,
  unpaddedBase64,
  verifyObjectSignature,
} from './ed25519Keys.ts';

describe('Ed25519 keys as Matrix writes them', () => {
  // Expected values computed independently with python-signedjson (Synapse's own signing library, in the stack's
  // Synapse root) from the seed of 32 zero bytes.
  it("signs as Synapse's signing library does", () => {
    const seed = new Uint8Array(32);
    expect(ed25519PublicKey(seed)).toBe('O2onvM62pC1io6jQKm8Nc2UyFXcd4kOmOsBIoYtZ2ik');
    expect(signObject(seed, {})).toBe(
      'tKXJTrpxiFnz7slgFYI1sH9tRbIOsmRcvYcYh6/FNvdn9eQK63t+Nv72W9zUAPb0b2JZT2Dsu0kiuUCY+8X2CA',
    );
    expect(signObject(seed, { one: 1, two: 'Two' })).toBe(
      'b+AK/2/qooYTNIDxDYKMNdYdRdCQWHb+1jOHuDoiySI8Tgkdt2GEFV5G2KSfNSJjtzEzmrZObNgpO+AqvsifBQ',
    );
    expect(signObject(seed, { '\u{1F600}': 1, '\uFF5E': 2, a: '日本' })).toBe(
      'RAuUlqEop7Gm+rMPfL1IseoFl+44UvQu2n7Z7miKgmB6W1ffb2jgoV9ULBUof5GnU3gbxzczn+/4FjfqBqPiBw',
    );
  });

  it('verifies its own signatures, ignoring signatures and unsigned, and refuses changed objects', () => {
    const seed = newEd25519Seed();
    const key = ed25519PublicKey(seed);
    const object = { user_id: '@amelia:trust-a', keys: { 'ed25519:X': 'abc' } };
    const signature = signObject(seed, object);
    expect(verifyObjectSignature(key, signature, { ...object, signatures: {}, unsigned: { a: 1 } })).toBe(
      true,
    );
    expect(verifyObjectSignature(key, signature, { ...object, user_id: '@mallory:trust-a' })).toBe(false);
    expect(verifyObjectSignature(ed25519PublicKey(newEd25519Seed()), signature, object)).toBe(false);
  });

  it('says false, not throws, for malformed keys and signatures', () => {
    expect(verifyObjectSignature('not base64!', 'x', {})).toBe(false);
    expect(
      verifyObjectSignature(unpaddedBase64(new Uint8Array(31)), unpaddedBase64(new Uint8Array(64)), {}),
    ).toBe(false);
    const seed = newEd25519Seed();
    expect(verifyObjectSignature(ed25519PublicKey(seed), unpaddedBase64(new Uint8Array(63)), {})).toBe(false);
  });
});
