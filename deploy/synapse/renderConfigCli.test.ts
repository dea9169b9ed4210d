// Runs the production renderer (docker-compose's synapse-config step) as its container does, on temporary files: a
// production policy, the template, and a trust directory signed by a throwaway authority key.
import { execFile } from 'node:child_process';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { signDirectory } from '@bleep/policy-module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const run = promisify(execFile);
const cli = fileURLToPath(new URL('./renderConfigCli.ts', import.meta.url));
const template = fileURLToPath(new URL('./homeserver.yaml', import.meta.url));
const policy = fileURLToPath(
  new URL('../../policy-module/policies/production/trust-a.json', import.meta.url),
);
const authority = generateKeyPairSync('ed25519');
const impostor = generateKeyPairSync('ed25519');

const day = 86_400_000;
const trusts = {
  northgate: { odsCode: 'RXA', name: 'Northgate', serverName: 'matrix.northgate.nhs.uk' },
  southmere: { odsCode: 'RXB', name: 'Southmere', serverName: 'matrix.southmere.nhs.uk' },
};

describe('renderConfigCli, the production renderer', () => {
  let dir = '';

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bleep-render-'));
    await writeFile(join(dir, 'authority.pub'), authority.publicKey.export({ format: 'pem', type: 'spki' }));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function render(
    listed: readonly (keyof typeof trusts)[],
    signer: KeyObject = authority.privateKey,
    trustSettings?: string,
  ) {
    const now = Date.now();
    const signed = signDirectory(
      {
        version: 1,
        issuedAt: new Date(now - day).toISOString(),
        expiresAt: new Date(now + 30 * day).toISOString(),
        trusts: listed.map((name) => trusts[name]),
      },
      signer,
      'test-authority',
    );
    await writeFile(join(dir, 'trust-directory.json'), JSON.stringify(signed));
    const out = join(dir, 'homeserver.yaml');
    await rm(out, { force: true });
    const settingsPath = join(dir, 'trust.yaml');
    if (trustSettings !== undefined) await writeFile(settingsPath, trustSettings);
    // Only what the container gets: no inherited environment beyond PATH.
    await run(
      process.execPath,
      [
        cli,
        ...['--policy', policy, '--template', template, '--out', out],
        ...['--directory', join(dir, 'trust-directory.json'), '--directory-key', join(dir, 'authority.pub')],
        ...(trustSettings === undefined ? [] : ['--trust-settings', settingsPath]),
      ],
      {
        env: {
          PATH: process.env.PATH ?? '',
          PUBLIC_BASEURL: 'https://matrix.northgate.nhs.uk/',
          SYNAPSE_DB_PASSWORD: 'pw',
          SYNAPSE_INTERNAL_ADDRESS: '172.30.1.10',
        },
      },
    );
    return parse(await readFile(out, 'utf8')) as Record<string, unknown>;
  }

  it('allows the policy’s partner while the signed directory vouches for it', async () => {
    expect((await render(['northgate', 'southmere'])).federation_domain_whitelist).toEqual([
      'matrix.southmere.nhs.uk',
    ]);
  });

  it('leaves it out once the directory no longer lists it: Synapse then refuses it in and out', async () => {
    expect((await render(['northgate'])).federation_domain_whitelist).toEqual([]);
  });

  it('renders nothing from a directory the authority did not sign', async () => {
    await expect(render(['northgate', 'southmere'], impostor.privateKey)).rejects.toMatchObject({
      stderr: expect.stringContaining('DIRECTORY_BAD_SIGNATURE') as string,
    });
  });

  it('binds every listener to the internal address, metrics to it alone', async () => {
    const listeners = (await render(['northgate', 'southmere'])).listeners as {
      type: string;
      bind_addresses: string[];
    }[];
    expect(listeners.map((listener) => [listener.type, listener.bind_addresses])).toEqual([
      ['http', ['172.30.1.10', '127.0.0.1']],
      ['http', ['172.30.1.10', '127.0.0.1']],
      ['http', ['172.30.1.10', '127.0.0.1']],
      ['metrics', ['172.30.1.10']],
    ]);
  });

  it("merges the trust's own settings, which may tighten the hardening but not loosen it", async () => {
    const tightened = await render(
      ['northgate', 'southmere'],
      authority.privateKey,
      '# Northgate: shorter sessions\nsession_lifetime: 8h\nrefresh_token_lifetime: 8h\n',
    );
    expect(tightened).toMatchObject({ session_lifetime: '8h', presence: { enabled: false } });
    expect(await render(['northgate', 'southmere'], authority.privateKey, '# nothing yet\n')).toMatchObject({
      session_lifetime: '12h',
    });
    await expect(
      render(['northgate', 'southmere'], authority.privateKey, 'presence: { enabled: true }\n'),
    ).rejects.toMatchObject({
      stderr: expect.stringContaining("loosens Bleep's hardening: presence.enabled must be false") as string,
    });
  });
});
