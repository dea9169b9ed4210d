import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clientAppCodeVersion, stackCodeVersion } from './stackCodeVersion.ts';

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
    for (const dir of ['renderer', 'core', 'browser', 'serve'])
      await mkdir(join(root, 'client', dir), { recursive: true });
    await mkdir(join(root, 'policy-module', 'src', 'nhsNumber'), { recursive: true });
    await mkdir(join(root, 'policy-module', 'src', 'enrolment'), { recursive: true });
    await writeFile(join(root, 'client', 'renderer', 'App.tsx'), 'export {};');
    await writeFile(join(root, 'client', 'renderer', 'App.test.tsx'), 'test 1');
    await writeFile(join(root, 'client', 'core', 'session.ts'), 'export {};');
    await writeFile(join(root, 'client', 'browser', 'platform.ts'), 'export {};');
    await writeFile(join(root, 'client', 'serve', 'rendererServer.ts'), 'export {};');
    await writeFile(join(root, 'policy-module', 'src', 'nhsNumber', 'nhsNumber.ts'), 'export {};');
    await writeFile(join(root, 'policy-module', 'src', 'enrolment', 'deviceId.ts'), 'export {};');
    await writeFile(join(root, 'policy-module', 'src', 'enrolment', 'enrolmentStore.ts'), 'export {};');
    await writeFile(join(root, 'deploy', 'local', 'src', 'clientAppProcess.ts'), 'export {};');
    await writeFile(join(root, 'deploy', 'local', 'src', 'stackUp.ts'), 'export {};');
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

  it("keeps the trusts' version when only the client changes, so a client edit never restarts a homeserver", async () => {
    const before = await stackCodeVersion(root);
    await writeFile(join(root, 'client', 'renderer', 'App.tsx'), 'export const x = 1;');
    await writeFile(join(root, 'client', 'core', 'session.ts'), 'export const y = 1;');
    await expect(stackCodeVersion(root)).resolves.toBe(before);
  });

  it("changes the client app's version with the renderer, core, browser platform, serve scripts, the policy module's page-safe files, how the runner starts it, or the lock file", async () => {
    const edits: [string[], string][] = [
      [['client', 'renderer', 'App.tsx'], 'export const a = 1;'],
      [['client', 'core', 'session.ts'], 'export const b = 1;'],
      [['client', 'browser', 'platform.ts'], 'export const c = 1;'],
      [['client', 'serve', 'rendererServer.ts'], 'export const d = 1;'],
      [['policy-module', 'src', 'nhsNumber', 'nhsNumber.ts'], 'export const e = 1;'],
      [['policy-module', 'src', 'enrolment', 'deviceId.ts'], 'export const f = 1;'],
      [['deploy', 'local', 'src', 'clientAppProcess.ts'], 'export const g = 1;'],
      [['package-lock.json'], '{"lockfileVersion":3}'],
    ];
    let previous = await clientAppCodeVersion(root);
    expect(previous).toMatch(new RegExp(`^${root} [0-9a-f]{12}$`));
    for (const [path, text] of edits) {
      await writeFile(join(root, ...path), text);
      const next = await clientAppCodeVersion(root);
      expect(next, path.join('/')).not.toBe(previous);
      previous = next;
    }
  });

  it("keeps the client app's version when only the trusts' code, the rest of the runner or a renderer test changes", async () => {
    const before = await clientAppCodeVersion(root);
    await writeFile(join(root, 'policy-module', 'src', 'gateway', 'main.ts'), 'export const x = 2;');
    await writeFile(
      join(root, 'policy-module', 'src', 'enrolment', 'enrolmentStore.ts'),
      'export const x = 2;',
    );
    await writeFile(join(root, 'retention-service', 'src', 'main.ts'), 'export const x = 2;');
    await writeFile(join(root, 'deploy', 'local', 'src', 'stackUp.ts'), 'export const x = 2;');
    await writeFile(join(root, 'client', 'renderer', 'App.test.tsx'), 'test 2');
    await expect(clientAppCodeVersion(root)).resolves.toBe(before);
  });
});
