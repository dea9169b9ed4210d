// A SecretStore in one file, encrypted under a passphrase: for the core running headless under Node (integration
// tests, the benchmark). The desktop uses Electron safeStorage instead. The key is derived with scrypt from the
// passphrase and a random salt kept in the file; each entry is sealed with AES-256-GCM under a fresh 96-bit nonce,
// its name bound in as associated data so that entries cannot be swapped. A check entry lets a wrong passphrase be
// told at open, not at the first read. The file is replaced whole (write, then rename), readable by its owner only.
import { createCipheriv, createDecipheriv, randomBytes, scrypt } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { SecretStoreLockedError } from '../core/errors/clientErrors.ts';
import type { SecretName, SecretStore } from '../core/secrets/secretStore.ts';

const format = 'bleep-secrets/1';
const checkText = 'bleep secret store';

type Sealed = { iv: string; data: string; tag: string };
type SecretFile = {
  format: typeof format;
  kdf: { name: 'scrypt'; salt: string; N: number; r: number; p: number };
  check: Sealed;
  entries: Partial<Record<SecretName, Sealed>>;
};

export type PassphraseSecretStoreOptions = Readonly<{
  path: string;
  passphrase: string;
  /** scrypt's cost (N); the default, 2^15, takes about 0.1 s. Only a new file uses it: an existing one keeps its own. */
  cost?: number;
}>;

function deriveKey(passphrase: string, kdf: SecretFile['kdf']): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(
      passphrase.normalize('NFC'),
      Buffer.from(kdf.salt, 'base64'),
      32,
      { N: kdf.N, r: kdf.r, p: kdf.p, maxmem: 256 * kdf.N * kdf.r },
      (error, key) => {
        if (error) reject(error);
        else resolve(key);
      },
    );
  });
}

function seal(key: Buffer, name: string, plaintext: Uint8Array): Sealed {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(`${format}:${name}`));
  const data = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return {
    iv: iv.toString('base64'),
    data: data.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
  };
}

function open(key: Buffer, name: string, sealed: Sealed): Uint8Array {
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'));
    decipher.setAAD(Buffer.from(`${format}:${name}`));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    return new Uint8Array(
      Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]),
    );
  } catch {
    // GCM refused it: a wrong key, or bytes changed or moved in the file. Either way nothing is returned.
    throw new SecretStoreLockedError(
      `The secret "${name}" failed to decrypt: wrong passphrase or a damaged file.`,
    );
  }
}

async function readSecretFile(path: string): Promise<SecretFile | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const file = JSON.parse(text) as { format?: unknown };
  if (file.format !== format) throw new SecretStoreLockedError(`${path} is not a Bleep secret store.`);
  return file as SecretFile;
}

/** Opens the store at `path`, creating it if there is none; a wrong passphrase is refused here. */
export async function openPassphraseSecretStore(options: PassphraseSecretStoreOptions): Promise<SecretStore> {
  const existing = await readSecretFile(options.path);
  const kdf = existing?.kdf ?? {
    name: 'scrypt' as const,
    salt: randomBytes(16).toString('base64'),
    N: options.cost ?? 2 ** 15,
    r: 8,
    p: 1,
  };
  const key = await deriveKey(options.passphrase, kdf);
  let file: SecretFile;
  if (existing) {
    if (new TextDecoder().decode(open(key, 'check', existing.check)) !== checkText) {
      throw new SecretStoreLockedError();
    }
    file = existing;
  } else {
    file = { format, kdf, check: seal(key, 'check', new TextEncoder().encode(checkText)), entries: {} };
  }

  // Writes are queued so two updates never interleave their read-modify-write of the one file.
  let queue: Promise<void> = existing ? Promise.resolve() : persist();
  function persist(): Promise<void> {
    const temporary = `${options.path}.${randomBytes(4).toString('hex')}.tmp`;
    return writeFile(temporary, JSON.stringify(file), { mode: 0o600 }).then(() =>
      rename(temporary, options.path),
    );
  }
  function update(change: () => void): Promise<void> {
    // A failed write is reported to its caller and does not block the writes after it.
    const next = queue
      .catch(() => undefined)
      .then(() => {
        change();
        return persist();
      });
    queue = next;
    return next;
  }
  await queue;

  return {
    read: async (name) => {
      await queue.catch(() => undefined);
      const sealed = file.entries[name];
      return sealed === undefined ? undefined : open(key, name, sealed);
    },
    write: (name, value) =>
      update(() => {
        file.entries = { ...file.entries, [name]: seal(key, name, value) };
      }),
    delete: (name) =>
      update(() => {
        const { [name]: _removed, ...rest } = file.entries;
        file.entries = rest;
      }),
  };
}
