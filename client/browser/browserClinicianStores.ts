/// <reference lib="dom" />
// Where each clinician's stores live on a shared ward desktop in the renderer (the browser twin of
// node/nodeClinicianStores.ts): two IndexedDB databases per clinician, named by a hash of the sign-in name so the
// database names do not list who uses the desktop, one for their sealed secrets and one for their archive.
//
// Their secrets are sealed under a key that needs both their PIN and this desktop: PBKDF2 over the PIN, with a salt
// that is kept sealed under the desktop's own sealing key (Electron safeStorage through the shell, in the app). A PIN
// is short; someone holding a copy of the profile directory without the machine's keychain cannot even start
// guessing it, and a colleague at the same desktop (who has the keychain) still needs the PIN. A check value sealed
// under the PIN's key tells a wrong PIN at open, as the Node store does.
import type { ClinicianStores } from '../core/desktop/sharedDesktop.ts';
import { SecretStoreLockedError } from '../core/errors/clientErrors.ts';
import { createIndexedDbArchiveStorage } from './indexedDbArchiveStorage.ts';
import { openKeyValueDatabase } from './keyValueDatabase.ts';
import { createSealedSecretStore, secretEntriesStore } from './sealedSecretStore.ts';
import type { SecretSealingKey } from './secretSealingKey.ts';

/** OWASP's 2023 floor for PBKDF2-HMAC-SHA256; about half a second in Chromium on a ward desktop. */
export const pinIterations = 600_000;

const pinStore = 'pin';
const pinRecordKey = 'pbkdf2-sha256';
const checkText = 'bleep clinician secrets';

type PinRecord = Readonly<{
  iterations: number;
  /** The salt, sealed under the desktop's sealing key. */
  salt: Sealed;
  /** checkText, sealed under the PIN's key. */
  check: Sealed;
}>;

type Sealed = Readonly<{ nonce: Uint8Array; sealed: Uint8Array }>;

export type BrowserClinicianStoresOptions = Readonly<{
  /** The desktop platform's database prefix (default 'bleep'): clinicians' databases are named under it. */
  databasePrefix?: string;
  /** The desktop's own sealing key, the one its secrets are sealed with. */
  desktopSealingKey: SecretSealingKey;
  /** Tests lower it; a record keeps the count it was made with. */
  iterations?: number;
  indexedDB?: IDBFactory;
}>;

/** The clinician's tag in database names: 24 hex digits of SHA-256 over the sign-in name. */
export async function clinicianTag(clinician: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(clinician));
  return [...new Uint8Array(digest).slice(0, 12)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

async function seal(key: CryptoKey, value: Uint8Array, label: string): Promise<Sealed> {
  const nonce = crypto.getRandomValues(new Uint8Array(12));
  const sealed = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv: nonce, additionalData: new TextEncoder().encode(label) },
    key,
    new Uint8Array(value),
  );
  return { nonce, sealed: new Uint8Array(sealed) };
}

/** The sealed bytes, or undefined when they do not open under this key (another key, or changed bytes). */
async function open(key: CryptoKey, value: Sealed, label: string): Promise<Uint8Array | undefined> {
  try {
    const opened = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: new Uint8Array(value.nonce), additionalData: new TextEncoder().encode(label) },
      key,
      new Uint8Array(value.sealed),
    );
    return new Uint8Array(opened);
  } catch {
    return undefined;
  }
}

function isSealed(value: unknown): value is Sealed {
  if (typeof value !== 'object' || value === null) return false;
  const { nonce, sealed } = value as Record<string, unknown>;
  return nonce instanceof Uint8Array && sealed instanceof Uint8Array;
}

function isPinRecord(value: unknown): value is PinRecord {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return (
    typeof record.iterations === 'number' &&
    Number.isInteger(record.iterations) &&
    record.iterations > 0 &&
    isSealed(record.salt) &&
    isSealed(record.check)
  );
}

async function pinKey(pin: string, salt: Uint8Array, iterations: number): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey('raw', new TextEncoder().encode(pin), 'PBKDF2', false, [
    'deriveKey',
  ]);
  return crypto.subtle.deriveKey(
    { name: 'PBKDF2', hash: 'SHA-256', salt: new Uint8Array(salt), iterations },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

/** A new clinician's PIN record and the key it checks, the salt sealed under the desktop's key. */
async function newPinRecord(
  pin: string,
  desktopKey: CryptoKey,
  base: string,
  iterations: number,
): Promise<{ record: PinRecord; key: CryptoKey }> {
  const salt = crypto.getRandomValues(new Uint8Array(32));
  const key = await pinKey(pin, salt, iterations);
  const record: PinRecord = {
    iterations,
    salt: await seal(desktopKey, salt, `${base}/salt`),
    check: await seal(key, new TextEncoder().encode(checkText), `${base}/check`),
  };
  return { record, key };
}

/** The key a kept record checks, from this PIN; SecretStoreLockedError for a wrong PIN or another desktop. */
async function keyFromRecord(
  record: unknown,
  pin: string,
  desktopKey: CryptoKey,
  base: string,
): Promise<CryptoKey> {
  if (!isPinRecord(record)) throw new SecretStoreLockedError();
  // Without this desktop's key the salt does not open: a profile copied elsewhere, or a keychain reset.
  const salt = await open(desktopKey, record.salt, `${base}/salt`);
  if (!salt) throw new SecretStoreLockedError();
  const key = await pinKey(pin, salt, record.iterations);
  const check = await open(key, record.check, `${base}/check`);
  if (!check || new TextDecoder().decode(check) !== checkText) throw new SecretStoreLockedError();
  return key;
}

export function browserClinicianStores(
  options: BrowserClinicianStoresOptions,
): (clinician: string, pin: string) => Promise<ClinicianStores> {
  const factory = options.indexedDB ?? indexedDB;
  const prefix = options.databasePrefix ?? 'bleep';
  return async (clinician, pin) => {
    const base = `${prefix}-clinician-${await clinicianTag(clinician)}`;
    const database = await openKeyValueDatabase(factory, `${base}-secrets`, [secretEntriesStore, pinStore]);
    let key: CryptoKey;
    try {
      const desktopKey = await options.desktopSealingKey.get();
      const kept = await database.get(pinStore, pinRecordKey);
      if (kept === undefined) {
        const made = await newPinRecord(pin, desktopKey, base, options.iterations ?? pinIterations);
        // Two windows opening the same clinician at once: the first record kept wins, and the other PIN is checked.
        const winner = await database.getOrPut(pinStore, pinRecordKey, made.record);
        key = winner === made.record ? made.key : await keyFromRecord(winner, pin, desktopKey, base);
      } else {
        key = await keyFromRecord(kept, pin, desktopKey, base);
      }
    } catch (error) {
      database.close();
      throw error;
    }
    return {
      secrets: createSealedSecretStore({ database, sealingKey: { get: () => Promise.resolve(key) } }),
      archive: createIndexedDbArchiveStorage({ databaseName: `${base}-archive`, indexedDB: factory }),
    };
  };
}
