import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runBleepPolicy } from './bleepPolicyProcess.ts';
import { ensureLocalTrustDirectory, locallyVouchedPartners } from './localDirectory.ts';
import { loadLocalTrust } from './localTrusts.ts';
import { StepError } from './progress.ts';

describe("the local directory and Synapse's allow-list", () => {
  let dir = '';
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bleep-directory-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("allows a trust's policy partners while the signed directory lists them", async () => {
    const directory = await ensureLocalTrustDirectory(dir, ['trust-a', 'trust-b', 'outsider']);
    const trustA = await loadLocalTrust('trust-a');
    const outsider = await loadLocalTrust('outsider');
    expect(await locallyVouchedPartners(trustA.policy, directory)).toEqual(['trust-b.localhost:8449']);
    expect(await locallyVouchedPartners(outsider.policy, directory)).toEqual(['trust-a.localhost:8448']);
  });

  it('is made by bleep-policy directory keygen and sign, keeping one authority key across ups', async () => {
    const first = await ensureLocalTrustDirectory(dir, ['trust-a', 'trust-b']);
    expect((await stat(join(dir, 'authority.key'))).mode & 0o777).toBe(0o600);
    const publicKey = await readFile(first.publicKeyPath, 'utf8');
    const again = await ensureLocalTrustDirectory(dir, ['trust-a', 'trust-b', 'outsider']);
    expect(await readFile(again.publicKeyPath, 'utf8')).toBe(publicKey);
    const signed = JSON.parse(await readFile(again.directoryPath, 'utf8')) as { keyId: string };
    expect(signed.keyId).toBe('bleep-local-authority');
    const shown = await runBleepPolicy([
      'directory',
      'show',
      '--directory',
      again.directoryPath,
      '--public-key',
      again.publicKeyPath,
    ]);
    expect(shown).toMatch(/trust-a\.localhost:8448[\s\S]*trust-b\.localhost:8449[\s\S]*outsider/);
  });

  it('leaves out a partner the directory does not list, though the policy does', async () => {
    const directory = await ensureLocalTrustDirectory(dir, ['trust-a', 'outsider']);
    expect(await locallyVouchedPartners((await loadLocalTrust('trust-a')).policy, directory)).toEqual([]);
  });

  it('stops at a directory that does not verify', async () => {
    const directory = await ensureLocalTrustDirectory(dir, ['trust-a', 'trust-b']);
    const text = await readFile(directory.directoryPath, 'utf8');
    await writeFile(
      directory.directoryPath,
      text.replace('trust-b.localhost:8449', 'trust-c.localhost:8449'),
    );
    await expect(locallyVouchedPartners((await loadLocalTrust('trust-a')).policy, directory)).rejects.toThrow(
      StepError,
    );
  });
});
