/// <reference lib="dom" />
// The platform for the client core in a browser page: the desktop app's renderer (Chromium, inside Electron) and the
// Chromium test. The page's fetch, WebCrypto's random bytes, the system clock, the archive and the secrets in
// IndexedDB, and rust crypto's store in IndexedDB too (the SDK opens it itself; the core encrypts it with a key from
// the secrets). Everything it keeps is in the page's origin, so the desktop must always load from the same origin.
import type { Clock, CoreLogger, Platform } from '../core/platform.ts';
import { consoleLogger } from './consoleLogger.ts';
import { createIndexedDbArchiveStorage } from './indexedDbArchiveStorage.ts';
import { openKeyValueDatabase, type KeyValueDatabase } from './keyValueDatabase.ts';
import { createSealedSecretStore, secretEntriesStore } from './sealedSecretStore.ts';
import { indexedDbSealingKey, sealingKeyStore, type SecretSealingKey } from './secretSealingKey.ts';

export type BrowserPlatformOptions = Readonly<{
  /** Prefix of the platform's IndexedDB databases ('<prefix>-secrets', '<prefix>-archive'); default 'bleep'. */
  databasePrefix?: string;
  /**
   * Where the secrets' sealing key comes from. Default: a non-extractable key kept in the secrets database. The
   * desktop app passes one unwrapped through the shell with Electron safeStorage (see secretSealingKey.ts).
   */
  sealingKey?: (secretsDatabase: KeyValueDatabase) => SecretSealingKey;
  fetch?: typeof globalThis.fetch;
  clock?: Clock;
  logger?: CoreLogger;
}>;

export async function createBrowserPlatform(options: BrowserPlatformOptions = {}): Promise<Platform> {
  // Rust crypto opens the global indexedDB itself: without it the device's keys would not outlive the page.
  if (!('indexedDB' in globalThis)) throw new Error('the browser platform needs IndexedDB');
  const prefix = options.databasePrefix ?? 'bleep';
  const secretsDatabase = await openKeyValueDatabase(indexedDB, `${prefix}-secrets`, [
    secretEntriesStore,
    sealingKeyStore,
  ]);
  const sealingKey = (options.sealingKey ?? indexedDbSealingKey)(secretsDatabase);
  return {
    // Bound: the core calls platform.fetch(...), and a browser's fetch refuses any `this` but the window.
    fetch: options.fetch ?? globalThis.fetch.bind(globalThis),
    secrets: createSealedSecretStore({ database: secretsDatabase, sealingKey }),
    archive: createIndexedDbArchiveStorage({ databaseName: `${prefix}-archive`, indexedDB }),
    clock: options.clock ?? { now: () => Date.now() },
    logger: options.logger ?? consoleLogger('bleep'),
    randomBytes: (length) => crypto.getRandomValues(new Uint8Array(length)),
    cryptoStore: 'indexeddb',
  };
}
