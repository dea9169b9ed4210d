import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SecretStoreLockedError } from '../core/errors/clientErrors.ts';
import { openPassphraseSecretStore } from './passphraseSecretStore.ts';

// A low scrypt cost keeps the tests fast; the default is checked once, below.
const cost = 2 ** 10;
let dir: string;
let path: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bleep-secrets-'));
  path = join(dir, 'secrets.json');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const bytes = (text: string) => new TextEncoder().encode(text);

describe('passphrase secret store', () => {
  it('keeps an entry across a reopen with the same passphrase', async () => {
    const store = await openPassphraseSecretStore({ path, passphrase: 'correct horse', cost });
    await store.write('desktop-enrolment', bytes('credential-123'));
    const reopened = await openPassphraseSecretStore({ path, passphrase: 'correct horse', cost });
    expect(new TextDecoder().decode(await reopened.read('desktop-enrolment'))).toBe('credential-123');
    expect(await reopened.read('session')).toBeUndefined();
  });

  it('never writes an entry in the clear, and the file is readable by its owner only', async () => {
    const store = await openPassphraseSecretStore({ path, passphrase: 'correct horse', cost });
    await store.write('session', bytes('syt_secret_access_token'));
    const text = await readFile(path, 'utf8');
    expect(text).not.toContain('syt_secret_access_token');
    expect(text).not.toContain(Buffer.from('syt_secret_access_token').toString('base64'));
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('refuses a wrong passphrase at open', async () => {
    await openPassphraseSecretStore({ path, passphrase: 'correct horse', cost });
    await expect(openPassphraseSecretStore({ path, passphrase: 'wrong horse', cost })).rejects.toBeInstanceOf(
      SecretStoreLockedError,
    );
  });

  it('refuses an entry whose ciphertext was changed', async () => {
    const store = await openPassphraseSecretStore({ path, passphrase: 'p', cost });
    await store.write('session', bytes('token'));
    const file = JSON.parse(await readFile(path, 'utf8')) as { entries: { session: { data: string } } };
    const data = Buffer.from(file.entries.session.data, 'base64');
    data[0] = (data[0] ?? 0) ^ 1;
    file.entries.session.data = data.toString('base64');
    await writeFile(path, JSON.stringify(file));
    const reopened = await openPassphraseSecretStore({ path, passphrase: 'p', cost });
    await expect(reopened.read('session')).rejects.toBeInstanceOf(SecretStoreLockedError);
  });

  it('refuses an entry moved under another name (the name is authenticated with it)', async () => {
    const store = await openPassphraseSecretStore({ path, passphrase: 'p', cost });
    await store.write('session', bytes('token'));
    const file = JSON.parse(await readFile(path, 'utf8')) as { entries: Record<string, unknown> };
    file.entries['crypto-storage-key'] = file.entries.session;
    await writeFile(path, JSON.stringify(file));
    const reopened = await openPassphraseSecretStore({ path, passphrase: 'p', cost });
    await expect(reopened.read('crypto-storage-key')).rejects.toBeInstanceOf(SecretStoreLockedError);
  });

  it('forgets a deleted entry, on disk too', async () => {
    const store = await openPassphraseSecretStore({ path, passphrase: 'p', cost });
    await store.write('session', bytes('token'));
    await store.delete('session');
    expect(await store.read('session')).toBeUndefined();
    const reopened = await openPassphraseSecretStore({ path, passphrase: 'p', cost });
    expect(await reopened.read('session')).toBeUndefined();
  });

  it('keeps every one of several writes made at once', async () => {
    const store = await openPassphraseSecretStore({ path, passphrase: 'p', cost });
    await Promise.all([
      store.write('session', bytes('a')),
      store.write('desktop-enrolment', bytes('b')),
      store.write('crypto-storage-key', bytes('c')),
    ]);
    const reopened = await openPassphraseSecretStore({ path, passphrase: 'p', cost });
    expect(new TextDecoder().decode(await reopened.read('crypto-storage-key'))).toBe('c');
    expect(new TextDecoder().decode(await reopened.read('desktop-enrolment'))).toBe('b');
  });

  it('derives its key with scrypt at cost 2^15 by default', async () => {
    await openPassphraseSecretStore({ path, passphrase: 'p' });
    const file = JSON.parse(await readFile(path, 'utf8')) as { kdf: { name: string; N: number } };
    expect(file.kdf).toMatchObject({ name: 'scrypt', N: 2 ** 15 });
  });
});
