import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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
