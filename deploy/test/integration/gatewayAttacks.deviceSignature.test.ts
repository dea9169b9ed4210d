// Needs the real local stack: trust-a, a Synapse behind its policy gateway. Attacks on the trust's device signature
// (POST /_bleep/device-signature, rule trust-held-identity): someone with a clinician's password signs in at Synapse
// directly under an enrolled desktop's device id (what a compromised homeserver could do) and asks the gateway to
// vouch for that session, under every spelling of the route and method, with the desktop's credential missing,
// wrong, misplaced or another desktop's. Judged by what the trust and Synapse end up holding: no identity made for the
// clinician, no cross-signing signature at Synapse. The enrolled desktop's own session, with its credential, gets its
// identity made (the control).
import fc from 'fast-check';
import pg from 'pg';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { signInAtEnrolledDesktop, type StaffSession } from './clinicianClient.ts';
import { enrolDesktop, type EnrolledDesktop } from './enrolledDesktop.ts';
import { dishonestAnswers, sendAttacks, type Attack } from './gatewayRefusal.ts';
import { attackSeed, methodMostly } from './pathSpellings.ts';
import { querySynapseDatabase } from './synapseHoldings.ts';
import { trustNamed } from './stackInfo.ts';

const seed = attackSeed(20261129);
const trustA = trustNamed(inject('stack'), 'trust-a');

const spellings = [
  '/_bleep/device-signature',
  '/_bleep/device-signature/',
  '/_bleep/Device-Signature',
  '/_bleep/DEVICE-SIGNATURE',
  '/_bleep//device-signature',
  '/_bleep/./device-signature',
  '/_bleep/x/../device-signature',
  '/_bleep/device%2Dsignature',
  '/_bleep/device-signature?via=query',
  '/_bleep/device-signature%00',
  '/_bleep/device-signature;x',
  '/_bleep%2Fdevice-signature',
  '//_bleep/device-signature',
];

const placements = ['none', 'empty', 'wrong', 'other-desktop', 'in-body', 'in-query'] as const;
type Placement = (typeof placements)[number];

describe("gateway attacks: the trust's signature for a session no enrolled desktop holds", () => {
  let session: StaffSession;
  let otherDesktop: EnrolledDesktop;
  let passwordOnlyToken = '';

  beforeAll(async () => {
    session = await signInAtEnrolledDesktop(trustA, 'attack-signature');
    otherDesktop = await enrolDesktop(trustA, 'attack-sig-other');
    // The clinician's password at Synapse's own listener, naming the enrolled desktop's id: no credential involved.
    const login = await fetch(`${trustA.synapseUrl}/_matrix/client/v3/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'm.login.password',
        identifier: { type: 'm.id.user', user: session.username },
        password: session.password,
        device_id: session.desktop.deviceId,
      }),
    });
    passwordOnlyToken = ((await login.json()) as { access_token: string }).access_token;
  });

  async function heldIdentities(): Promise<number> {
    const client = new pg.Client({ connectionString: trustA.policyDatabaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ count: string }>(
        'SELECT count(*) FROM bleep_clinician_identity WHERE user_id = $1',
        [session.userId],
      );
      return Number(rows[0]?.count ?? 0);
    } finally {
      await client.end();
    }
  }

  async function synapseSignatures(): Promise<number> {
    const rows = await querySynapseDatabase<{ count: string }>(
      trustA,
      'SELECT count(*) FROM e2e_cross_signing_signatures WHERE user_id = $1',
      [session.userId],
    );
    return Number(rows[0]?.count ?? 0);
  }

  function ask(target: string, method: string, placement: Placement, token: string): Attack {
    const headers: [string, string][] = [
      ['content-type', 'application/json'],
      ['authorization', `Bearer ${token}`],
    ];
    const body: Record<string, unknown> = { ed25519: 'A'.repeat(43) };
    let query = '';
    switch (placement) {
      case 'none':
        break;
      case 'empty':
        headers.push(['x-bleep-device-credential', '']);
        break;
      case 'wrong':
        headers.push(['x-bleep-device-credential', 'not-a-credential']);
        break;
      case 'other-desktop':
        headers.push(['x-bleep-device-credential', otherDesktop.credential]);
        break;
      case 'in-body':
        body['x-bleep-device-credential'] = session.desktop.credential;
        break;
      case 'in-query':
        query = `${target.includes('?') ? '&' : '?'}x-bleep-device-credential=${session.desktop.credential}`;
        break;
    }
    return {
      label: `${method} ${target}${query} credential=${placement}`,
      request: { method, target: `${target}${query}`, headers, body: JSON.stringify(body) },
    };
  }

  it('vouches for nothing without the enrolled desktop’s credential, under any spelling', async () => {
    expect(await heldIdentities()).toBe(0);
    const signaturesBefore = await synapseSignatures();
    const samples = fc.sample(
      fc.record({
        target: fc.constantFrom(...spellings),
        method: methodMostly('POST'),
        placement: fc.constantFrom(...placements),
      }),
      { seed, numRuns: 60 },
    );
    const attacks = [
      ...spellings.flatMap((target) =>
        placements.map((placement) => ask(target, 'POST', placement, passwordOnlyToken)),
      ),
      ...samples.map(({ target, method, placement }) => ask(target, method, placement, passwordOnlyToken)),
    ];
    const results = await sendAttacks(trustA.clientUrl, attacks, { tokenErrors: true });

    expect(dishonestAnswers(results), `seed ${seed}`).toEqual([]);
    const passed = results.filter(({ read }) => read.outcome === 'passed');
    expect(
      passed.filter(({ attack }) => attack.request.method !== 'OPTIONS').map(({ attack }) => attack.label),
      `seed ${seed}`,
    ).toEqual([]);
    // What the trust and Synapse hold: no identity made for the clinician, no signature.
    expect(await heldIdentities(), `seed ${seed}`).toBe(0);
    expect(await synapseSignatures(), `seed ${seed}`).toBe(signaturesBefore);

    // Control: the enrolled desktop's own session with its credential gets the clinician's identity made (its device
    // keys are not uploaded, so the answer is "try again shortly", but the trust has acted).
    const own = await sendAttacks(trustA.clientUrl, [
      {
        label: 'control',
        request: {
          method: 'POST',
          target: '/_bleep/device-signature',
          headers: [
            ['content-type', 'application/json'],
            ['authorization', `Bearer ${session.accessToken}`],
            ['x-bleep-device-credential', session.desktop.credential],
          ],
          body: JSON.stringify({ ed25519: 'A'.repeat(43) }),
        },
      },
    ]);
    expect(own[0]?.answer.status).toBe(404);
    expect(await heldIdentities()).toBe(1);
  });
});
