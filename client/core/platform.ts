// What the client core needs from where it runs, passed in as one object (hydrogen-web's "platform"): the desktop
// renderer, a worker or a Node test each build one. The core imports none of these itself, so it runs anywhere.
import type { ArchiveStorage } from './archive/archiveStorage.ts';
import type { SecretStore } from './secrets/secretStore.ts';

/** Milliseconds since the epoch, injected so that expiry and lock rules can be tested by moving time. */
export interface Clock {
  now(): number;
}

/** Structured log lines: never message content, patient data, passwords, tokens or credentials. */
export interface CoreLogger {
  debug(message: string, fields?: Readonly<Record<string, unknown>>): void;
  info(message: string, fields?: Readonly<Record<string, unknown>>): void;
  warn(message: string, fields?: Readonly<Record<string, unknown>>): void;
  error(message: string, fields?: Readonly<Record<string, unknown>>): void;
  child(name: string): CoreLogger;
}

/**
 * Where rust crypto keeps its state: 'indexeddb' when the runtime has IndexedDB (the renderer; Node tests with
 * fake-indexeddb), encrypted with the storage key from the SecretStore; 'memory' loses the device's keys when the
 * process ends, so a session kept that way cannot be restored (see createBleepSession's restore).
 */
export type CryptoStoreKind = 'indexeddb' | 'memory';

export type Platform = Readonly<{
  fetch: typeof globalThis.fetch;
  secrets: SecretStore;
  /** Where the message archive's sealed records are kept (files under Node; IndexedDB in the renderer, to come). */
  archive: ArchiveStorage;
  clock: Clock;
  logger: CoreLogger;
  /** Cryptographically secure random bytes (WebCrypto's getRandomValues in every runtime the core supports). */
  randomBytes: (length: number) => Uint8Array;
  cryptoStore: CryptoStoreKind;
}>;
