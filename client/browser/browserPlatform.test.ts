import { indexedDB } from 'fake-indexeddb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createBrowserPlatform } from './browserPlatform.ts';

// The page's globals, as in Chromium: fake-indexeddb's factory stands in for the page's IndexedDB.
afterEach(() => {
  vi.unstubAllGlobals();
});

describe('the browser platform', () => {
  it('refuses to start without IndexedDB, where the device keys would not outlive the page', async () => {
    await expect(createBrowserPlatform()).rejects.toThrow(/IndexedDB/);
  });

  it("keeps rust crypto's store, the archive and the secrets in IndexedDB, each under the prefix", async () => {
    vi.stubGlobal('indexedDB', indexedDB);
    const platform = await createBrowserPlatform({ databasePrefix: 'bleep-test-names' });
    expect(platform.cryptoStore).toBe('indexeddb');
    await platform.secrets.write('session', new Uint8Array([1]));
    await platform.archive.write('m.one', new Uint8Array([2]));
    const names = (await indexedDB.databases()).map((database) => database.name);
    expect(names).toEqual(expect.arrayContaining(['bleep-test-names-secrets', 'bleep-test-names-archive']));
  });

  it('calls the global fetch with the global as `this`, as a browser requires', async () => {
    vi.stubGlobal('indexedDB', indexedDB);
    const seen: unknown[] = [];
    vi.stubGlobal('fetch', function (this: unknown) {
      seen.push(this);
      return Promise.resolve(new Response('{}'));
    });
    const platform = await createBrowserPlatform({ databasePrefix: 'bleep-test-fetch' });
    await platform.fetch('http://gateway.invalid/_bleep/policy');
    expect(seen).toEqual([globalThis]);
  });

  it('gives random bytes of the length asked, different each time', async () => {
    vi.stubGlobal('indexedDB', indexedDB);
    const platform = await createBrowserPlatform({ databasePrefix: 'bleep-test-random' });
    const first = platform.randomBytes(32);
    expect(first).toHaveLength(32);
    expect(platform.randomBytes(32)).not.toEqual(first);
  });

  it('seals the secrets with the key the seam supplies (the shell, in the desktop app)', async () => {
    vi.stubGlobal('indexedDB', indexedDB);
    const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, [
      'encrypt',
      'decrypt',
    ]);
    const asked: string[] = [];
    const platform = await createBrowserPlatform({
      databasePrefix: 'bleep-test-seam',
      sealingKey: () => ({
        get: () => {
          asked.push('key');
          return Promise.resolve(key);
        },
      }),
    });
    await platform.secrets.write('archive-key', new Uint8Array([7]));
    expect(await platform.secrets.read('archive-key')).toEqual(new Uint8Array([7]));
    expect(asked.length).toBeGreaterThan(0);
  });
});
