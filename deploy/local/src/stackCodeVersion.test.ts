import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stackCodeVersion } from './stackCodeVersion.ts';

describe('stackCodeVersion', () => {
  let root: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'gateway-code-'));
    await mkdir(join(root, 'policy-module', 'src', 'gateway'), { recursive: true });
    await mkdir(join(root, 'policy-module', 'policies', 'local'), { recursive: true });
    await mkdir(join(root, 'retention-service', 'src'), { recursive: true });
    await mkdir(join(root, 'deploy', 'local', 'src'), { recursive: true });
    await mkdir(join(root, 'deploy', 'synapse'), { recursive: true });
    await writeFile(join(root, 'deploy', 'synapse', 'homeserver.yaml'), 'a: 1');
    await writeFile(join(root, 'package-lock.json'), '{}');
    await writeFile(join(root, 'policy-module', 'src', 'gateway', 'main.ts'), 'export {};');
    await writeFile(join(root, 'policy-module', 'src', 'gateway', 'main.test.ts'), 'test 1');
    await writeFile(join(root, 'policy-module', 'policies', 'local', 'trust-a.json'), '{"a":1}');
    await writeFile(join(root, 'retention-service', 'src', 'main.ts'), 'export {};');
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('names the checkout and stays the same while nothing changes', async () => {
    const version = await stackCodeVersion(root);
    expect(version).toMatch(new RegExp(`^${root} [0-9a-f]{12}$`));
    await expect(stackCodeVersion(root)).resolves.toBe(version);
  });

  it('ignores tests but changes with the gateway source, a policy, the retention service, a Synapse template or the lock file', async () => {
    const before = await stackCodeVersion(root);
    await writeFile(join(root, 'policy-module', 'src', 'gateway', 'main.test.ts'), 'test 2');
    await expect(stackCodeVersion(root)).resolves.toBe(before);

    await writeFile(join(root, 'policy-module', 'src', 'gateway', 'main.ts'), 'export const x = 1;');
    const afterSource = await stackCodeVersion(root);
    expect(afterSource).not.toBe(before);

    await writeFile(join(root, 'policy-module', 'policies', 'local', 'trust-a.json'), '{"a":2}');
    const afterPolicy = await stackCodeVersion(root);
    expect(afterPolicy).not.toBe(afterSource);

    await writeFile(join(root, 'retention-service', 'src', 'main.ts'), 'export const purge = true;');
    const afterRetention = await stackCodeVersion(root);
    expect(afterRetention).not.toBe(afterPolicy);

    await writeFile(join(root, 'deploy', 'synapse', 'homeserver.yaml'), 'a: 2');
    const afterTemplate = await stackCodeVersion(root);
    expect(afterTemplate).not.toBe(afterRetention);

    await writeFile(join(root, 'package-lock.json'), '{"lockfileVersion":3}');
    await expect(stackCodeVersion(root)).resolves.not.toBe(afterTemplate);
  });
});
