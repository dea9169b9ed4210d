// Needs the real local stack: trust-a, a Synapse behind its policy gateway. Attacks on the session renewal (rule
// device-enrolment): a refresh token copied off an enrolled desktop, presented under every spelling of the refresh
// path and method, with the desktop's credential missing, wrong, misplaced or a revoked desktop's, renews nothing.
// Judged by what came back (never an access token) and by what Synapse holds (its refresh_tokens rows for the account
// do not change); the desktop itself, with its credential, renews, so the check can see a renewal.
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { signInAtEnrolledDesktop, type StaffSession } from './clinicianClient.ts';
import { enrolDesktop, type EnrolledDesktop } from './enrolledDesktop.ts';
import { dishonestAnswers, sendAttacks, type Attack } from './gatewayRefusal.ts';
import { attackSeed, canonicalClientPath, methodMostly, spelledClientPath } from './pathSpellings.ts';
import { stackCommand } from './stackCli.ts';
import { querySynapseDatabase } from './synapseHoldings.ts';
import { trustNamed } from './stackInfo.ts';

const seed = attackSeed(20261128);
const trustA = trustNamed(inject('stack'), 'trust-a');

const credentialPlacements = [
  'none',
  'empty',
  'wrong',
  'revoked-desktop',
  'in-body',
  'in-query',
  'authorization',
] as const;

type Placement = (typeof credentialPlacements)[number];

describe('gateway attacks: renewing a copied refresh token without its desktop', () => {
  let session: StaffSession;
  let refreshToken = '';
  let revoked: EnrolledDesktop;

  beforeAll(async () => {
    session = await signInAtEnrolledDesktop(trustA, 'attack-refresh');
    const login = await fetch(`${trustA.clientUrl}/_matrix/client/v3/login`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-bleep-device-credential': session.desktop.credential,
      },
      body: JSON.stringify({
        type: 'm.login.password',
        identifier: { type: 'm.id.user', user: session.username },
        password: session.password,
        device_id: session.desktop.deviceId,
        refresh_token: true,
      }),
    });
    refreshToken = ((await login.json()) as { refresh_token: string }).refresh_token;
    revoked = await enrolDesktop(trustA, 'attack-revoked');
    await stackCommand(['policy', 'trust-a', 'revoke-device', '--device-id', revoked.deviceId]);
  });

  async function refreshRows(): Promise<string[]> {
    const rows = await querySynapseDatabase<{ token: string }>(
      trustA,
      'SELECT token FROM refresh_tokens WHERE user_id = $1 ORDER BY id',
      [session.userId],
    );
    return rows.map((row) => row.token);
  }

  function renewal(target: string, method: string, placement: Placement): Attack {
    const headers: [string, string][] = [['content-type', 'application/json']];
    const body: Record<string, unknown> = { refresh_token: refreshToken };
    let query = '';
    switch (placement) {
      case 'none':
        break;
      case 'empty':
        headers.push(['x-bleep-device-credential', '']);
        break;
      case 'wrong':
        headers.push(['x-bleep-device-credential', randomBytes(32).toString('base64url')]);
        break;
      case 'revoked-desktop':
        headers.push(['x-bleep-device-credential', revoked.credential]);
        break;
      case 'in-body':
        body['x-bleep-device-credential'] = session.desktop.credential;
        break;
      case 'in-query':
        query = `${target.includes('?') ? '&' : '?'}x-bleep-device-credential=${session.desktop.credential}`;
        break;
      case 'authorization':
        headers.push(['authorization', `Bearer ${session.desktop.credential}`]);
        break;
    }
    return {
      label: `${method} ${target}${query} credential=${placement}`,
      request: { method, target: `${target}${query}`, headers, body: JSON.stringify(body) },
    };
  }

  it('renews nothing for a copied refresh token without the desktop’s credential, under any spelling', async () => {
    const before = await refreshRows();
    expect(before.length).toBeGreaterThan(0);
    const samples = fc.sample(
      fc.record({
        target: spelledClientPath(['refresh'], { versions: ['v1', 'r0', 'v3/', 'unstable'], v3Weight: 2 }),
        method: methodMostly('POST'),
        placement: fc.constantFrom(...credentialPlacements),
      }),
      { seed, numRuns: 80 },
    );
    const canonical = canonicalClientPath(['refresh']);
    const attacks = [
      ...credentialPlacements.map((placement) => renewal(canonical, 'POST', placement)),
      ...samples.map(({ target, method, placement }) => renewal(target, method, placement)),
    ];
    const results = await sendAttacks(trustA.clientUrl, attacks);

    expect(dishonestAnswers(results), `seed ${seed}`).toEqual([]);
    // Only a preflight (OPTIONS) may be answered without a refusal: it renews nothing.
    const passed = results.filter(({ read }) => read.outcome === 'passed');
    expect(
      passed.filter(({ attack }) => attack.request.method !== 'OPTIONS').map(({ attack }) => attack.label),
      `seed ${seed}`,
    ).toEqual([]);
    expect(results.filter(({ read }) => read.outcome === 'refused').length).toBeGreaterThan(40);
    // What Synapse holds: the account's refresh tokens are the ones it had; nothing was renewed.
    expect(await refreshRows(), `seed ${seed}`).toEqual(before);

    // Control: the desktop itself, with its credential, renews, and Synapse then holds a new refresh token.
    const own = await fetch(`${trustA.clientUrl}/_matrix/client/v3/refresh`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-bleep-device-credential': session.desktop.credential,
      },
      body: JSON.stringify({ refresh_token: refreshToken }),
    });
    expect(own.status).toBe(200);
    expect(await own.json()).toMatchObject({ access_token: expect.any(String) as unknown });
    expect((await refreshRows()).length).toBeGreaterThan(before.length);
  });
});
