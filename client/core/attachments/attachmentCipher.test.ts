import { describe, expect, it } from 'vitest';
import {
  AttachmentRefusedError,
  decryptAttachment,
  encryptAttachment,
  type AttachmentKey,
} from './attachmentCipher.ts';

const randomBytes = (length: number) => crypto.getRandomValues(new Uint8Array(length));
const text = (value: string) => new TextEncoder().encode(value);
const letter = 'Discharge letter: Mrs Edith Crawley, NHS 943 476 5919, bed 4. Continue co-amoxiclav 5 days.';
const fromBase64 = (value: string) => new Uint8Array(Buffer.from(value, 'base64'));

// Made with OpenSSL, independently of this code: `openssl enc -aes-256-ctr -K 000102...1f -iv f0e1d2c3b4a59687
// 0000000000000000` over the letter, and `openssl dgst -sha256 -binary | base64` over the ciphertext.
const openSslVector = {
  ciphertext:
    'jFhRbbGJWiMzIZSTWKKVbe/NiaPkpx8expos1RxE72QA/DZG5oaQDt0+BOH6usbyHtdvgRIo0n95bzBasQyY+URyegMfmRikQd7ADw/xlsFNJcFj1NCa9jsL2g==',
  file: {
    key: {
      kty: 'oct',
      key_ops: ['encrypt', 'decrypt'],
      alg: 'A256CTR',
      k: 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8',
      ext: true,
    },
    iv: '8OHSw7SllocAAAAAAAAAAA',
    hashes: { sha256: 'evK49ums880v+Gp3zpeAnohDYSE3SmjQhK//m7wdHjM' },
    v: 'v2',
  } satisfies AttachmentKey,
};

describe('encrypted attachments (AES-256-CTR, SHA-256 of the ciphertext)', () => {
  it('decrypts a file OpenSSL encrypted by the spec algorithm', async () => {
    const plaintext = await decryptAttachment(fromBase64(openSslVector.ciphertext), openSslVector.file);
    expect(new TextDecoder().decode(plaintext)).toBe(letter);
  });

  it('encrypts what it decrypts, in the spec shape: a JWK, a counter with its low 64 bits zero, the hash', async () => {
    const { ciphertext, key } = await encryptAttachment(text(letter), randomBytes);
    expect(key.v).toBe('v2');
    expect(key.key).toMatchObject({ kty: 'oct', alg: 'A256CTR', ext: true, key_ops: ['encrypt', 'decrypt'] });
    expect(key.key.k).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(key.iv).toMatch(/^[A-Za-z0-9+/]{22}$/);
    expect([...fromBase64(key.iv).subarray(8)]).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new Uint8Array(ciphertext)));
    expect(key.hashes.sha256).toBe(Buffer.from(digest).toString('base64').replace(/=+$/, ''));
    expect(new TextDecoder().decode(await decryptAttachment(ciphertext, key))).toBe(letter);
  });

  it('holds nothing of the file in its ciphertext, and encrypts the same file differently each time', async () => {
    const first = await encryptAttachment(text(letter), randomBytes);
    const second = await encryptAttachment(text(letter), randomBytes);
    expect(Buffer.from(first.ciphertext).includes(Buffer.from('Crawley'))).toBe(false);
    expect(Buffer.from(first.ciphertext).includes(Buffer.from('943 476 5919'))).toBe(false);
    expect(Buffer.from(first.ciphertext).equals(Buffer.from(second.ciphertext))).toBe(false);
  });

  it('round-trips a file of several megabytes (the counter runs over many blocks)', async () => {
    const big = new Uint8Array(3 * 1024 * 1024 + 17);
    for (let at = 0; at < big.length; at += 65_536)
      big.set(randomBytes(Math.min(65_536, big.length - at)), at);
    const { ciphertext, key } = await encryptAttachment(big, randomBytes);
    expect(Buffer.from(await decryptAttachment(ciphertext, key)).equals(Buffer.from(big))).toBe(true);
  });

  it('refuses a ciphertext with one bit changed, before decrypting it', async () => {
    const { ciphertext, key } = await encryptAttachment(text(letter), randomBytes);
    const tampered = ciphertext.slice();
    tampered[5] = (tampered[5] ?? 0) ^ 1;
    await expect(decryptAttachment(tampered, key)).rejects.toMatchObject({
      name: 'AttachmentRefusedError',
      reason: 'hash-mismatch',
    });
    await expect(decryptAttachment(ciphertext.subarray(1), key)).rejects.toBeInstanceOf(
      AttachmentRefusedError,
    );
  });

  it('refuses a key that is not of the spec (another version, algorithm or length)', async () => {
    const { ciphertext, key } = await encryptAttachment(text(letter), randomBytes);
    const variants: AttachmentKey[] = [
      { ...key, v: 'v1' },
      { ...key, key: { ...key.key, alg: 'A128CTR' } },
      { ...key, key: { ...key.key, k: key.key.k.slice(0, 20) } },
      { ...key, iv: 'AAAA' },
      { ...key, hashes: {} },
    ];
    for (const variant of variants) {
      await expect(decryptAttachment(ciphertext, variant)).rejects.toMatchObject({ reason: 'malformed-key' });
    }
  });
});
