import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadSealingKey, type KeyWrapper, type WrappedKeyFile } from './sealingKeyVault.ts';

// A stand-in for safeStorage: reversible, clearly not the plain text, and it can be made to fail like a keychain
// that changed.
function fakeKeychain(): KeyWrapper & { broken: boolean } {
  return {
    broken: false,
    encryptString: (plainText) => Buffer.from(`wrapped:${Buffer.from(plainText).reverse().toString('hex')}`),
    decryptString(encrypted) {
      if (this.broken)
        throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
      const text = encrypted.toString();
      if (!text.startsWith('wrapped:')) throw new Error('not ours');
      return Buffer.from(text.slice('wrapped:'.length), 'hex').reverse().toString();
    },
  };
}

function memoryFile(): WrappedKeyFile & { bytes: Buffer | undefined; writes: number } {
  return {
    path: '/profile/secret-sealing-key.safestorage',
    bytes: undefined,
    writes: 0,
    read() {
      return Promise.resolve(this.bytes);
    },
    write(wrapped) {
      this.writes += 1;
      this.bytes = wrapped;
      return Promise.resolve();
    },
  };
}

const random = (length: number) => new Uint8Array(randomBytes(length));

describe('the sealing key', () => {
  it('is made on first run, kept only wrapped, and the same on every later start', async () => {
    const wrapper = fakeKeychain();
    const file = memoryFile();
    const first = await loadSealingKey({ wrapper, file, randomBytes: random });
    expect(first).toBeInstanceOf(Uint8Array);
    expect(first).toHaveLength(32);
    expect(file.writes).toBe(1);
    const kept = file.bytes ?? Buffer.alloc(0);
    expect(kept.includes(Buffer.from(first))).toBe(false);
    expect(kept.toString()).not.toContain(Buffer.from(first).toString('base64'));

    const again = await loadSealingKey({ wrapper, file, randomBytes: () => new Uint8Array(32).fill(7) });
    expect(again).toEqual(first);
    expect(file.writes).toBe(1);
  });

  it('refuses to start, and makes no new key, when the keychain cannot open the kept one', async () => {
    const wrapper = fakeKeychain();
    const file = memoryFile();
    await loadSealingKey({ wrapper, file, randomBytes: random });
    const kept = file.bytes;
    wrapper.broken = true;
    await expect(loadSealingKey({ wrapper, file, randomBytes: random })).rejects.toMatchObject({
      name: 'StartupRefusal',
      code: 'sealing-key-unreadable',
      detail: file.path,
    });
    expect(file.bytes).toBe(kept);
    expect(file.writes).toBe(1);
  });

  it('refuses a kept key that does not unwrap to exactly 32 bytes', async () => {
    const wrapper = fakeKeychain();
    for (const plain of [Buffer.alloc(16, 1).toString('base64'), 'not base64 at all!', '']) {
      const file = memoryFile();
      file.bytes = wrapper.encryptString(plain);
      await expect(loadSealingKey({ wrapper, file, randomBytes: random })).rejects.toMatchObject({
        code: 'sealing-key-unreadable',
      });
    }
  });

  it('keeps nothing when the random source is short', async () => {
    const file = memoryFile();
    await expect(
      loadSealingKey({ wrapper: fakeKeychain(), file, randomBytes: () => new Uint8Array(16) }),
    ).rejects.toThrow(/random/);
    expect(file.writes).toBe(0);
  });
});
