// The directory authority's key pair on disk, as `bleep-policy directory` keeps it: the private half made once,
// written owner-only and never printed or overwritten; read back for signing only while nobody else can read it
// (as ssh refuses a private key others can read). The public half is what every trust's gateway is given.
import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { chmod, open, readFile, stat, writeFile } from 'node:fs/promises';
import { authorityPrivateKey, authorityPublicKey } from './authorityKey.ts';

export type AuthorityKeyPaths = Readonly<{ privateKeyPath: string; publicKeyPath: string }>;

/** A key file that is missing, unreadable as an Ed25519 key, or readable by others than its owner. */
export class AuthorityKeyFileError extends Error {
  override readonly name = 'AuthorityKeyFileError';
  readonly code = 'AUTHORITY_KEY_FILE';
}

/** A short, stable name for a public key (SHA-256 of its DER form), so operators can tell keys apart. */
export function authorityKeyId(key: KeyObject): string {
  const der = authorityPublicKey(key).export({ format: 'der', type: 'spki' });
  return `ed25519:${createHash('sha256').update(der).digest('hex').slice(0, 16)}`;
}

/** Makes a new key pair; refuses to replace an existing private key (that would orphan every signed directory). */
export async function generateAuthorityKeyFiles(paths: AuthorityKeyPaths): Promise<{ keyId: string }> {
  if (paths.privateKeyPath === paths.publicKeyPath) {
    throw new AuthorityKeyFileError('the private and public key files must be two different files');
  }
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  let file;
  try {
    // O_EXCL: never over an existing key, nor through a symlink someone planted at that path.
    file = await open(paths.privateKeyPath, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new AuthorityKeyFileError(
        `${paths.privateKeyPath} already exists: keygen never replaces a directory authority's key`,
      );
    }
    throw error;
  }
  try {
    // The umask may only have narrowed 0600; chmod makes it exactly owner read/write whatever it was.
    await file.chmod(0o600);
    await file.writeFile(privateKey.export({ format: 'pem', type: 'pkcs8' }));
  } finally {
    await file.close();
  }
  await writeFile(paths.publicKeyPath, publicKey.export({ format: 'pem', type: 'spki' }));
  await chmod(paths.publicKeyPath, 0o644);
  return { keyId: authorityKeyId(publicKey) };
}

/** The authority's private key, for signing; refused if the file is open to group or others. */
export async function readAuthorityPrivateKey(path: string): Promise<KeyObject> {
  const mode = (await stat(path)).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new AuthorityKeyFileError(
      `${path} can be read by others (mode ${mode.toString(8).padStart(4, '0')}): chmod 600 it, ` +
        'and treat the key as exposed if anyone else could have read it',
    );
  }
  try {
    return authorityPrivateKey(await readFile(path, 'utf8'));
  } catch {
    // The error text of a failed PEM decode says nothing useful, and must not quote the file.
    throw new AuthorityKeyFileError(`${path} is not an Ed25519 private key in PEM form`);
  }
}

/** The authority's public key, for verifying (a trust's copy of authority.pub). */
export async function readAuthorityPublicKey(path: string): Promise<KeyObject> {
  const text = await readFile(path, 'utf8');
  try {
    return authorityPublicKey(text);
  } catch {
    throw new AuthorityKeyFileError(`${path} is not an Ed25519 public key in PEM form`);
  }
}
