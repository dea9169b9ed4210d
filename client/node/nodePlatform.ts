// The platform for the client core running headless under Node: integration tests and the benchmark. Node's fetch,
// WebCrypto's random bytes, the system clock unless a test injects one, the archive in a directory of sealed files
// (fileArchiveStorage.ts), and a logger that prints warnings and errors only (the SDK's chatter stays out of test
// output). Rust crypto persists only if an IndexedDB exists: in
// Node that is fake-indexeddb, which lives as long as the process, so a "restart" here is a new core in the same
// process; persistence across real restarts is proved where the core really runs (the desktop's Chromium).
import type { Clock, CoreLogger, CryptoStoreKind, Platform } from '../core/platform.ts';
import type { SecretStore } from '../core/secrets/secretStore.ts';
import { createFileArchiveStorage } from './fileArchiveStorage.ts';

const levels = ['debug', 'info', 'warn', 'error'] as const;
type Level = (typeof levels)[number];

export function consoleLogger(name: string, minimum: Level = 'warn'): CoreLogger {
  const emit = (level: Level) => (message: string, fields?: Readonly<Record<string, unknown>>) => {
    if (levels.indexOf(level) < levels.indexOf(minimum)) return;
    const line = JSON.stringify({ level, name, message, ...fields });
    if (level === 'error' || level === 'warn') console.error(line);
    else console.log(line);
  };
  return {
    debug: emit('debug'),
    info: emit('info'),
    warn: emit('warn'),
    error: emit('error'),
    child: (child) => consoleLogger(`${name}.${child}`, minimum),
  };
}

export type NodePlatformOptions = Readonly<{
  secrets: SecretStore;
  /** The directory the message archive's sealed records are kept in (made on first write, owner only). */
  archiveDirectory: string;
  /** Default 'indexeddb', which needs a global indexedDB (import 'fake-indexeddb/auto' first). */
  cryptoStore?: CryptoStoreKind;
  fetch?: typeof globalThis.fetch;
  clock?: Clock;
  logger?: CoreLogger;
}>;

export function createNodePlatform(options: NodePlatformOptions): Platform {
  const cryptoStore = options.cryptoStore ?? 'indexeddb';
  if (cryptoStore === 'indexeddb' && !('indexedDB' in globalThis)) {
    throw new Error(
      "rust crypto's IndexedDB store needs a global indexedDB: import 'fake-indexeddb/auto' first",
    );
  }
  return {
    fetch: options.fetch ?? globalThis.fetch,
    secrets: options.secrets,
    archive: createFileArchiveStorage(options.archiveDirectory),
    clock: options.clock ?? { now: () => Date.now() },
    logger: options.logger ?? consoleLogger('bleep'),
    randomBytes: (length) => crypto.getRandomValues(new Uint8Array(length)),
    cryptoStore,
  };
}
