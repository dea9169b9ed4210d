import { generateKeyPairSync } from 'node:crypto';
import { chmod, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AuthorityKeyFileError,
  authorityKeyId,
  generateAuthorityKeyFiles,
  readAuthorityPrivateKey,
  readAuthorityPublicKey,
} from './authorityKeyFiles.ts';

describe("the directory authority's key files", () => {
  let dir = '';
  let paths = { privateKeyPath: '', publicKeyPath: '' };
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bleep-authority-'));
    paths = { privateKeyPath: join(dir, 'authority.key'), publicKeyPath: join(dir, 'authority.pub') };
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the private key owner-only, and a public key that is its other half', async () => {
    const { keyId } = await generateAuthorityKeyFiles(paths);
    expect((await stat(paths.privateKeyPath)).mode & 0o777).toBe(0o600);
    const privateKey = await readAuthorityPrivateKey(paths.privateKeyPath);
    const publicKey = await readAuthorityPublicKey(paths.publicKeyPath);
    expect(authorityKeyId(privateKey)).toBe(authorityKeyId(publicKey));
    expect(keyId).toBe(authorityKeyId(publicKey));
    expect(keyId).toMatch(/^ed25519:[0-9a-f]{16}$/);
    expect(await readFile(paths.publicKeyPath, 'utf8')).not.toContain('PRIVATE');
  });

  it('never replaces an existing private key, nor writes through a planted symlink', async () => {
    await generateAuthorityKeyFiles(paths);
    const before = await readFile(paths.privateKeyPath, 'utf8');
    await expect(generateAuthorityKeyFiles(paths)).rejects.toThrow(/already exists/);
    expect(await readFile(paths.privateKeyPath, 'utf8')).toBe(before);
    const elsewhere = join(dir, 'elsewhere');
    await symlink(elsewhere, join(dir, 'planted.key'));
    await expect(
      generateAuthorityKeyFiles({
        privateKeyPath: join(dir, 'planted.key'),
        publicKeyPath: join(dir, 'p.pub'),
      }),
    ).rejects.toThrow(AuthorityKeyFileError);
    await expect(stat(elsewhere)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses one path for both halves', async () => {
    await expect(
      generateAuthorityKeyFiles({
        privateKeyPath: paths.privateKeyPath,
        publicKeyPath: paths.privateKeyPath,
      }),
    ).rejects.toThrow(/two different files/);
  });

  it('refuses to sign with a private key others can read', async () => {
    await generateAuthorityKeyFiles(paths);
    await chmod(paths.privateKeyPath, 0o640);
    await expect(readAuthorityPrivateKey(paths.privateKeyPath)).rejects.toThrow(
      /can be read by others \(mode 0640\)/,
    );
  });

  it('names a key file that is not an Ed25519 key, without quoting it', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    await writeFile(paths.publicKeyPath, rsa.publicKey.export({ format: 'pem', type: 'spki' }));
    await expect(readAuthorityPublicKey(paths.publicKeyPath)).rejects.toThrow(
      `${paths.publicKeyPath} is not an Ed25519 public key in PEM form`,
    );
    await writeFile(paths.privateKeyPath, 'not a key', { mode: 0o600 });
    await expect(readAuthorityPrivateKey(paths.privateKeyPath)).rejects.toThrow(
      `${paths.privateKeyPath} is not an Ed25519 private key in PEM form`,
    );
  });
});
