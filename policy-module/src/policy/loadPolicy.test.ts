import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPolicy, parsePolicy, PolicyError } from './loadPolicy.ts';

const minimal = {
  version: 1,
  trust: { name: 'Test Trust', odsCode: 'RXT', serverName: 'trust.example:8448' },
  federation: { partners: [] },
};

function problemsOf(value: unknown): readonly string[] {
  try {
    parsePolicy(value, 'inline');
  } catch (error) {
    if (error instanceof PolicyError) return error.problems;
    throw error;
  }
  throw new Error('expected the policy to be refused');
}

describe('trust policy loader', () => {
  it('fills the safe defaults: 72 h on the server, 90 days on clients, E2EE required, no notification content', () => {
    const policy = parsePolicy(minimal, 'inline');
    expect(policy.retention).toEqual({
      serverHours: 72,
      clientDays: 90,
      expiryReportHours: 24,
      expiryGraceHours: 24,
    });
    expect(policy.encryption.required).toBe(true);
    expect(policy.devices.enrolmentRequired).toBe(true);
    expect(policy.notifications.content).toBe('none');
    expect(policy.notifications.pushGateways).toEqual([]);
  });

  it('takes push gateways only as https URLs on a domain name', () => {
    const gateway = 'https://push.trust.example/_matrix/push/v1/notify';
    const policy = parsePolicy({ ...minimal, notifications: { pushGateways: [gateway] } }, 'inline');
    expect(policy.notifications.pushGateways).toEqual([gateway]);
    for (const url of ['http://push.trust.example/notify', 'https://10.0.0.5/notify', 'push.trust.example']) {
      expect(problemsOf({ ...minimal, notifications: { pushGateways: [url] } }), url).toEqual([
        expect.stringMatching(/^notifications\.pushGateways\.0: /),
      ]);
    }
  });

  it('returns a frozen policy that nobody can loosen at run time', () => {
    const policy = parsePolicy(minimal, 'inline');
    expect(Object.isFrozen(policy.federation.partners)).toBe(true);
    expect(() => {
      policy.federation.partners.push('evil.example');
    }).toThrow();
  });

  it('names the field that is wrong', () => {
    const problems = problemsOf({ ...minimal, trust: { ...minimal.trust, odsCode: 'not an ods code' } });
    expect(problems).toEqual([expect.stringMatching(/^trust\.odsCode: must be an ODS code/)]);
  });

  it('refuses unknown fields instead of silently ignoring a misspelt rule', () => {
    const problems = problemsOf({ ...minimal, federation: { partners: [], allowAll: true } });
    expect(problems.join()).toMatch(/federation/);
  });

  it('refuses a trust listing itself as a partner', () => {
    const problems = problemsOf({ ...minimal, federation: { partners: ['trust.example:8448'] } });
    expect(problems).toEqual(['federation.partners: a trust cannot list itself as a partner']);
  });

  it('reports unreadable files and malformed JSON with the file path', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bleep-policy-'));
    const broken = join(dir, 'broken.json');
    await writeFile(broken, '{ "version": 1,');
    await expect(loadPolicy(broken)).rejects.toThrow(/broken\.json[\s\S]*not valid JSON/);
    await expect(loadPolicy(join(dir, 'missing.json'))).rejects.toThrow(/missing\.json[\s\S]*ENOENT/);
  });

  it('loads every local trust policy shipped in the repository', async () => {
    for (const name of ['trust-a', 'trust-b', 'outsider']) {
      const policy = await loadPolicy(new URL(`../../policies/local/${name}.json`, import.meta.url).pathname);
      expect(policy.trust.serverName).toMatch(new RegExp(`^${name}\\.`));
    }
  });
});
