// bleep-policy directory keygen | sign | verify | show, run through the dispatcher against files in a temporary
// folder, with the clock moved instead of waiting for a directory to expire.
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exitCodes } from './cliCommand.ts';
import { cliTestContext } from './cliContext.testkit.ts';
import { runCli } from './runCli.ts';

const now = new Date('2026-11-28T12:00:00Z');
const day = 86_400_000;
const trusts = {
  trusts: [
    { odsCode: 'RXA', name: 'Northgate', serverName: 'matrix.northgate.nhs.uk' },
    { odsCode: 'RXB', name: 'Southmere', serverName: 'matrix.southmere.nhs.uk:8448' },
  ],
};

describe('bleep-policy directory', () => {
  let dir = '';
  let files: Record<'key' | 'pub' | 'trusts' | 'signed' | 'otherKey' | 'otherPub', string>;

  async function cli(argv: string[], at: Date = now) {
    const captured = cliTestContext({ now: at });
    const code = await runCli(argv, captured.context);
    return { code, out: captured.out.join('\n'), err: captured.err.join('\n') };
  }
  const keygen = (key = files.key, pub = files.pub) =>
    cli(['directory', 'keygen', '--private-key', key, '--public-key', pub]);
  const sign = (...extra: string[]) =>
    cli([
      'directory',
      'sign',
      '--trusts',
      files.trusts,
      '--private-key',
      files.key,
      '--out',
      files.signed,
      ...extra,
    ]);
  const verify = (at?: Date, pub = files.pub) =>
    cli(['directory', 'verify', '--directory', files.signed, '--public-key', pub], at);

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bleep-directory-cli-'));
    files = {
      key: join(dir, 'authority.key'),
      pub: join(dir, 'authority.pub'),
      trusts: join(dir, 'trusts.json'),
      signed: join(dir, 'trust-directory.json'),
      otherKey: join(dir, 'other.key'),
      otherPub: join(dir, 'other.pub'),
    };
    await writeFile(files.trusts, JSON.stringify(trusts));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keygen writes the private key 0600 and never prints it', async () => {
    const made = await keygen();
    expect(made.code).toBe(exitCodes.ok);
    expect((await stat(files.key)).mode & 0o777).toBe(0o600);
    const privatePem = await readFile(files.key, 'utf8');
    const body = privatePem.split('\n')[1] ?? 'missing';
    expect(`${made.out}${made.err}`).not.toContain(body);
    expect(made.out).toMatch(/key ed25519:[0-9a-f]{16}/);
    const again = await keygen();
    expect(again.code).toBe(exitCodes.failed);
    expect(again.err).toContain('already exists');
  });

  it('signs a listing that verify accepts and show lists, with its expiry', async () => {
    await keygen();
    const signed = await sign('--valid-days', '30');
    expect(signed).toMatchObject({ code: exitCodes.ok, err: '' });
    expect(signed.out).toContain('Signed 2 trusts');
    expect(signed.out).toContain('expires 2026-12-28 12:00 UTC');
    expect((await stat(files.signed)).mode & 0o777).toBe(0o644);

    const verified = await verify();
    expect(verified).toMatchObject({ code: exitCodes.ok, err: '' });
    expect(verified.out).toMatch(
      /verifies with key ed25519:[0-9a-f]{16}: 2 trusts.*expires 2026-12-28 12:00 UTC \(in 30 days\)/,
    );

    const shown = await cli(['directory', 'show', '--directory', files.signed, '--public-key', files.pub]);
    expect(shown.code).toBe(exitCodes.ok);
    expect(shown.out.split('\n')).toEqual([
      'ODS  SERVER NAME                   NAME',
      'RXA  matrix.northgate.nhs.uk       Northgate',
      'RXB  matrix.southmere.nhs.uk:8448  Southmere',
      '',
      expect.stringMatching(/^Signed by key ed25519:[0-9a-f]{16}$/),
      'Issued  2026-11-28 12:00 UTC',
      'Expires 2026-12-28 12:00 UTC',
    ]);
  });

  it('refuses a directory with a tampered entry, naming the signature', async () => {
    await keygen();
    await sign('--valid-days', '30');
    const text = await readFile(files.signed, 'utf8');
    await writeFile(
      files.signed,
      text.replace('matrix.southmere.nhs.uk:8448', 'matrix.attacker.example:8448'),
    );
    const refused = await verify();
    expect(refused.code).toBe(exitCodes.failed);
    expect(refused.out).toBe('');
    expect(refused.err).toContain(
      "is REFUSED (DIRECTORY_BAD_SIGNATURE): the trust directory's signature does not match the directory authority's key",
    );
    const shown = await cli(['directory', 'show', '--directory', files.signed, '--public-key', files.pub]);
    expect(shown.code).toBe(exitCodes.failed);
    expect(shown.out).not.toContain('attacker');
  });

  it("refuses a directory checked with another authority's key", async () => {
    await keygen();
    await keygen(files.otherKey, files.otherPub);
    await sign('--valid-days', '30');
    const refused = await verify(now, files.otherPub);
    expect(refused.code).toBe(exitCodes.failed);
    expect(refused.err).toContain('(DIRECTORY_BAD_SIGNATURE)');
  });

  it('refuses an expired directory, and warns of one expiring within a week', async () => {
    await keygen();
    await sign('--expires-at', '2026-12-05T00:00:00Z');
    // Six and a half days left: read as 7, and warned of all the same.
    const soon = await verify();
    expect(soon.code).toBe(exitCodes.ok);
    expect(soon.out).toContain('(in 7 days)');
    expect(soon.err).toContain('expires within 7 days');
    const expired = await verify(new Date('2026-12-05T00:00:00Z'));
    expect(expired.code).toBe(exitCodes.failed);
    expect(expired.err).toContain(
      '(DIRECTORY_EXPIRED): the trust directory expired at 2026-12-05T00:00:00.000Z',
    );
  });

  it('refuses a malformed or unsigned file, and a public key that is not one', async () => {
    await keygen();
    await writeFile(files.signed, '{"directory": ');
    expect((await verify()).err).toContain('(DIRECTORY_MALFORMED): the trust directory is not valid JSON');
    await sign('--valid-days', '30');
    const signed = JSON.parse(await readFile(files.signed, 'utf8')) as Record<string, unknown>;
    await writeFile(files.signed, JSON.stringify({ ...signed, signature: '' }));
    expect((await verify()).err).toContain('(DIRECTORY_UNSIGNED)');
    await writeFile(files.signed, JSON.stringify({ ...signed, note: 'x' }));
    expect((await verify()).err).toContain('(DIRECTORY_MALFORMED)');
    const notAKey = await verify(now, files.trusts);
    expect(notAKey.code).toBe(exitCodes.failed);
    expect(notAKey.err).toContain(`${files.trusts} is not an Ed25519 public key in PEM form`);
  });

  it('refuses to sign a malformed listing, or with a key others can read, writing nothing', async () => {
    await keygen();
    await writeFile(files.trusts, JSON.stringify({ trusts: [{ odsCode: 'RXA', name: 'Northgate' }] }));
    const malformed = await sign('--valid-days', '30');
    expect(malformed.code).toBe(exitCodes.failed);
    expect(malformed.err).toContain('is not a list of trusts at trusts.0.serverName');
    await writeFile(files.trusts, JSON.stringify(trusts));
    await chmod(files.key, 0o644);
    const exposed = await sign('--valid-days', '30');
    expect(exposed.code).toBe(exitCodes.failed);
    expect(exposed.err).toContain('can be read by others (mode 0644)');
    await expect(stat(files.signed)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('takes exactly one expiry, within a year', async () => {
    await keygen();
    for (const extra of [
      [],
      ['--valid-days', '30', '--expires-at', '2027-01-01T00:00:00Z'],
      ['--valid-days', '400'],
      ['--expires-at', 'soon'],
    ]) {
      const refused = await sign(...extra);
      expect(refused.code, extra.join(' ')).toBe(exitCodes.usage);
    }
    const tooLong = await sign('--expires-at', new Date(now.getTime() + 400 * day).toISOString());
    expect(tooLong.code).toBe(exitCodes.failed);
    expect(tooLong.err).toContain('366 days at most');
  });
});
