// Needs the real local stack: trust-a, a Synapse behind its policy gateway. Attacks on the sign-in (rule
// device-enrolment): whatever the spelling of the login path, the method, the device ID and where the device
// credential is put, the right password without the desktop's credential gets no session. Judged by what came back
// (never an access token) and by what Synapse holds (its admin API lists no device for the account); the enrolled
// desktop, with its credential, signs in and its device appears, so the check can see a sign-in.
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { registerUser } from '@bleep/policy-module';
import { enrolDesktop, passwordLogin, type EnrolledDesktop } from './enrolledDesktop.ts';
import { dishonestAnswers, sendAttacks, type Attack } from './gatewayRefusal.ts';
import { attackSeed, canonicalClientPath, methodMostly, spelledClientPath } from './pathSpellings.ts';
import { askSynapse, synapseDeviceIds } from './synapseHoldings.ts';
import { trustNamed } from './stackInfo.ts';

const seed = attackSeed(20260517);
const trustA = trustNamed(inject('stack'), 'trust-a');

/** Where an attacker puts a device credential, none of them the enrolled desktop's own credential in its header. */
const credentialPlacements = [
  'none',
  'empty',
  'wrong',
  'other-desktop',
  'in-body',
  'in-query',
  'header-twice',
  'lowercase-device',
] as const;

type Placement = (typeof credentialPlacements)[number];

describe('gateway attacks: signing in without the device credential', () => {
  const username = `attack-login-${randomBytes(4).toString('hex')}`;
  const password = randomBytes(16).toString('hex');
  let userId = '';
  let desktop: EnrolledDesktop;
  let otherDesktop: EnrolledDesktop;

  beforeAll(async () => {
    const registered = await registerUser({
      synapseUrl: trustA.synapseUrl,
      sharedSecret: trustA.registrationSharedSecret,
      username,
      password,
    });
    userId = registered.userId;
    // The registration's own device is trust IT's: gone before the attacks, so any device afterwards is theirs.
    await askSynapse(trustA, registered.accessToken, 'POST', '/_matrix/client/v3/logout', {});
    desktop = await enrolDesktop(trustA, 'attack-login');
    otherDesktop = await enrolDesktop(trustA, 'attack-other');
  });

  /** A password login naming `deviceId`, with a credential placed as `placement` says. */
  function login(target: string, method: string, deviceId: string | undefined, placement: Placement): Attack {
    const headers: [string, string][] = [['content-type', 'application/json']];
    const body: Record<string, unknown> = {
      type: 'm.login.password',
      identifier: { type: 'm.id.user', user: username },
      password,
      initial_device_display_name: 'Not a trust desktop',
    };
    let named = deviceId;
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
      case 'other-desktop':
        headers.push(['x-bleep-device-credential', otherDesktop.credential]);
        break;
      case 'in-body':
        body.credential = desktop.credential;
        body['x-bleep-device-credential'] = desktop.credential;
        break;
      case 'in-query':
        query = `${target.includes('?') ? '&' : '?'}x-bleep-device-credential=${desktop.credential}`;
        break;
      case 'header-twice':
        headers.push(['x-bleep-device-credential', desktop.credential]);
        headers.push(['x-bleep-device-credential', desktop.credential]);
        break;
      case 'lowercase-device':
        // The right credential, for the desktop's ID in another case (Synapse's device IDs are case-sensitive).
        headers.push(['x-bleep-device-credential', desktop.credential]);
        named = desktop.deviceId.toLowerCase();
        break;
    }
    if (named !== undefined) body.device_id = named;
    return {
      label: `${method} ${target}${query} device=${named ?? '(none)'} credential=${placement}`,
      request: { method, target: `${target}${query}`, headers, body: JSON.stringify(body) },
    };
  }

  it('gives no session to the right password without its desktop credential, under any login spelling', async () => {
    const neverEnrolled = `ATTACK-${randomBytes(4).toString('hex').toUpperCase()}`;
    const deviceIds = [
      neverEnrolled,
      desktop.deviceId,
      `${desktop.deviceId} `,
      `${desktop.deviceId}\u200b`,
      undefined,
    ];
    const samples = fc.sample(
      fc.record({
        target: spelledClientPath(['login'], { versions: ['api/v1', 'r0', 'v3/', 'unstable'], v3Weight: 2 }),
        method: methodMostly('POST'),
        deviceId: fc.constantFrom(...deviceIds),
        placement: fc.constantFrom(...credentialPlacements),
      }),
      { seed, numRuns: 80 },
    );
    const canonical = canonicalClientPath(['login']);
    const attacks = [
      ...credentialPlacements.map((placement) => login(canonical, 'POST', desktop.deviceId, placement)),
      ...['/_matrix/client/api/v1/login', '/_matrix/client/r0/login', '/_matrix/client/v3/login/'].map(
        (target) => login(target, 'POST', neverEnrolled, 'none'),
      ),
      ...samples.map(({ target, method, deviceId, placement }) => login(target, method, deviceId, placement)),
    ];
    const results = await sendAttacks(trustA.clientUrl, attacks);

    expect(dishonestAnswers(results), `seed ${seed}`).toEqual([]);
    // Only a preflight (OPTIONS) or the flows (GET /login) may be answered without a refusal: neither signs in.
    const passed = results.filter(({ read }) => read.outcome === 'passed');
    expect(
      passed
        .filter(({ attack }) => !['OPTIONS', 'GET'].includes(attack.request.method))
        .map(({ attack }) => attack.label),
      `seed ${seed}`,
    ).toEqual([]);
    const refusedPosts = results.filter(
      ({ attack, read }) => read.outcome === 'refused' && attack.request.method === 'POST',
    );
    expect(refusedPosts.length).toBeGreaterThan(20);
    // What Synapse holds: not one device for the account, under any of the IDs tried or one Synapse made up.
    expect(await synapseDeviceIds(trustA, userId), `seed ${seed}`).toEqual([]);

    // Control: the enrolled desktop with its credential signs in, and Synapse then holds its device.
    const enrolled = await passwordLogin(trustA, username, password, desktop);
    expect(enrolled.status).toBe(200);
    expect(await enrolled.json()).toMatchObject({
      device_id: desktop.deviceId,
      access_token: expect.any(String) as unknown,
    });
    expect(await synapseDeviceIds(trustA, userId)).toEqual([desktop.deviceId]);
  });
});
