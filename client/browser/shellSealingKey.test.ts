import { describe, expect, it } from 'vitest';
import type { DesktopBridge } from '../core/desktop/desktopBridge.ts';
import type { KeyValueDatabase } from './keyValueDatabase.ts';
import { shellSealingKey } from './shellSealingKey.ts';

const randomKey = () => crypto.getRandomValues(new Uint8Array(32));

// The shell's key ignores the secrets database (nothing of it is stored there); a stand-in that fails if touched.
const untouchedDatabase = new Proxy({} as KeyValueDatabase, {
  get() {
    throw new Error('the shell sealing key must not use the secrets database');
  },
});

function bridge(
  answers: (() => Promise<Uint8Array>)[],
): DesktopBridge & { asked: number; given: Uint8Array[] } {
  const given: Uint8Array[] = [];
  return {
    asked: 0,
    given,
    async secretSealingKey() {
      const answer = answers[this.asked] ?? answers.at(-1);
      this.asked += 1;
      if (answer === undefined) throw new Error('no answer');
      const bytes = await answer();
      given.push(bytes);
      return bytes;
    },
    onLockNow: () => () => undefined,
  };
}

describe('the sealing key from the shell', () => {
  it('imports the 32 bytes as a non-extractable AES-GCM key and zeroes the array', async () => {
    const raw = randomKey();
    const shell = bridge([() => Promise.resolve(new Uint8Array(raw))]);
    const key = await shellSealingKey(shell)(untouchedDatabase).get();
    expect(key.algorithm).toMatchObject({ name: 'AES-GCM', length: 256 });
    expect(key.extractable).toBe(false);
    expect(key.usages.sort()).toEqual(['decrypt', 'encrypt']);
    expect(shell.given[0]).toEqual(new Uint8Array(32));
    await expect(crypto.subtle.exportKey('raw', key)).rejects.toThrow();

    // It is the shell's key: what it seals opens with the same bytes imported elsewhere.
    const iv = new Uint8Array(12);
    const sealed = await crypto.subtle.encrypt(
      { name: 'AES-GCM', iv },
      key,
      new TextEncoder().encode('secret'),
    );
    const same = await crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['decrypt']);
    expect(new TextDecoder().decode(await crypto.subtle.decrypt({ name: 'AES-GCM', iv }, same, sealed))).toBe(
      'secret',
    );
  });

  it('asks the shell once however often the key is wanted, also by a platform made again', async () => {
    const shell = bridge([() => Promise.resolve(randomKey())]);
    const sealingKey = shellSealingKey(shell)(untouchedDatabase);
    const [first, second] = await Promise.all([sealingKey.get(), sealingKey.get()]);
    expect(await sealingKey.get()).toBe(first);
    expect(second).toBe(first);
    expect(await shellSealingKey(shell)(untouchedDatabase).get()).toBe(first);
    expect(shell.asked).toBe(1);
  });

  it('refuses a key that is not 32 bytes, zeroing it too', async () => {
    const short = new Uint8Array(16).fill(5);
    const shell = bridge([() => Promise.resolve(short)]);
    await expect(shellSealingKey(shell)(untouchedDatabase).get()).rejects.toThrow(/32 bytes/);
    expect(short).toEqual(new Uint8Array(16));
  });

  it('asks again after a failure instead of keeping it', async () => {
    const shell = bridge([() => Promise.reject(new Error('ipc failed')), () => Promise.resolve(randomKey())]);
    const sealingKey = shellSealingKey(shell)(untouchedDatabase);
    await expect(sealingKey.get()).rejects.toThrow('ipc failed');
    expect((await sealingKey.get()).extractable).toBe(false);
    expect(shell.asked).toBe(2);
  });
});
