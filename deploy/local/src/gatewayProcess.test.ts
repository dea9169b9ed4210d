import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gatewayCodeVersion } from './gatewayProcess.ts';

describe('gatewayCodeVersion', () => {
  let root: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'gateway-code-'));
    await mkdir(join(root, 'policy-module', 'src', 'gateway'), { recursive: true });
    await mkdir(join(root, 'policy-module', 'policies', 'local'), { recursive: true });
    await writeFile(join(root, 'package-lock.json'), '{}');
    await writeFile(join(root, 'policy-module', 'src', 'gateway', 'main.ts'), 'export {};');
    await writeFile(join(root, 'policy-module', 'src', 'gateway', 'main.test.ts'), 'test 1');
    await writeFile(join(root, 'policy-module', 'policies', 'local', 'trust-a.json'), '{"a":1}');
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('names the checkout and stays the same while nothing changes', async () => {
    const version = await gatewayCodeVersion(root);
    expect(version).toMatch(new RegExp(`^${root} [0-9a-f]{12}$`));
    await expect(gatewayCodeVersion(root)).resolves.toBe(version);
  });

  it('ignores tests but changes with the gateway source, a policy or the lock file', async () => {
    const before = await gatewayCodeVersion(root);
    await writeFile(join(root, 'policy-module', 'src', 'gateway', 'main.test.ts'), 'test 2');
    await expect(gatewayCodeVersion(root)).resolves.toBe(before);

    await writeFile(join(root, 'policy-module', 'src', 'gateway', 'main.ts'), 'export const x = 1;');
    const afterSource = await gatewayCodeVersion(root);
    expect(afterSource).not.toBe(before);

    await writeFile(join(root, 'policy-module', 'policies', 'local', 'trust-a.json'), '{"a":2}');
    const afterPolicy = await gatewayCodeVersion(root);
    expect(afterPolicy).not.toBe(afterSource);

    await writeFile(join(root, 'package-lock.json'), '{"lockfileVersion":3}');
    await expect(gatewayCodeVersion(root)).resolves.not.toBe(afterPolicy);
  });
});
