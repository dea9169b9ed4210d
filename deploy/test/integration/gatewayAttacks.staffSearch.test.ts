// Needs the real local stack: trust-a and trust-b, each a Synapse behind its policy gateway. Attacks on the staff
// directory (POST /_bleep/staff/search): no token, a token of a session no enrolled desktop holds (the clinician's
// password at Synapse directly, under an enrolled desktop's device id), the desktop's credential missing, empty,
// wrong, another desktop's, in the body or the query, a trust B clinician's own session at trust A, under every
// spelling of the path and any method. Judged by outcome: no answer carries anything of the directory (no seed
// member's user id, name, role or department), and every refusal is honest (a Matrix error, a rule, no 5xx). The
// enrolled desktop's own session with its credential finds its colleagues (the control).
import fc from 'fast-check';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { seedStaffByTrust } from '../../local/src/seedStaff.ts';
import { signInAtEnrolledDesktop, type StaffSession } from './clinicianClient.ts';
import { enrolDesktop, type EnrolledDesktop } from './enrolledDesktop.ts';
import { dishonestAnswers, sendAttacks, type Attack } from './gatewayRefusal.ts';
import { anyMethod, attackSeed } from './pathSpellings.ts';
import { trustNamed } from './stackInfo.ts';

const seed = attackSeed(20261128);
const trustA = trustNamed(inject('stack'), 'trust-a');
const trustB = trustNamed(inject('stack'), 'trust-b');

const spellings = [
  '/_bleep/staff/search',
  '/_bleep/staff/search/',
  '/_bleep/Staff/Search',
  '/_bleep/STAFF/SEARCH',
  '/_BLEEP/staff/search',
  '/_bleep//staff/search',
  '/_bleep/staff//search',
  '/_bleep/./staff/search',
  '/_bleep/staff/./search',
  '/_bleep/x/../staff/search',
  '/_bleep/staff/search/..',
  '/_bleep/staff%2Fsearch',
  '/_bleep/staff%2fsearch',
  '/_bleep%2Fstaff/search',
  '/_bleep/%73taff/search',
  '/_bleep/staff/searc%68',
  '/_bleep/staff/search?term=cardiology',
  '/_bleep/staff/search%00',
  '/_bleep/staff/search;x',
  '/_bleep/staff/search%20',
  '//_bleep/staff/search',
  '/_matrix/client/v3/../../_bleep/staff/search',
];

const placements = ['none', 'empty', 'wrong', 'other-desktop', 'in-body', 'in-query'] as const;
type Placement = (typeof placements)[number];

/** Every word a seed member of trust A is known by in the directory: none may appear in a refused attack's answer. */
const directoryWords = (seedStaffByTrust['trust-a'] ?? []).flatMap((member) => [
  member.username,
  member.displayName,
  member.role,
  member.department,
]);

function leaked(text: string): string[] {
  return directoryWords.filter((word) => text.includes(word));
}

describe('gateway attacks: the staff directory for anyone but an enrolled desktop of the trust', () => {
  let session: StaffSession;
  let otherDesktop: EnrolledDesktop;
  let passwordOnlyToken = '';
  let partnerSession: StaffSession;

  beforeAll(async () => {
    session = await signInAtEnrolledDesktop(trustA, 'attack-staff');
    otherDesktop = await enrolDesktop(trustA, 'attack-staff-other');
    partnerSession = await signInAtEnrolledDesktop(trustB, 'attack-staff-partner');
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

  function ask(target: string, method: string, placement: Placement, token: string | undefined): Attack {
    const headers: [string, string][] = [['content-type', 'application/json']];
    if (token !== undefined) headers.push(['authorization', `Bearer ${token}`]);
    const body: Record<string, unknown> = { term: 'cardiology' };
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
      label: `${method} ${target}${query} token=${token === undefined ? 'none' : token.slice(0, 8)} credential=${placement}`,
      request: { method, target: `${target}${query}`, headers, body: JSON.stringify(body) },
    };
  }

  /** With the desktop's own token and credential, under a spelling: only the canonical one may answer. */
  function asDesktop(target: string, method: string, token: string, credential: string): Attack {
    return {
      label: `${method} ${target} as the desktop`,
      request: {
        method,
        target,
        headers: [
          ['content-type', 'application/json'],
          ['authorization', `Bearer ${token}`],
          ['x-bleep-device-credential', credential],
        ],
        body: JSON.stringify({ term: 'cardiology' }),
      },
    };
  }

  it('answers nothing of the directory without an enrolled desktop of the trust, under any spelling or method', async () => {
    const samples = fc.sample(
      fc.record({
        target: fc.constantFrom(...spellings),
        method: fc.oneof({ weight: 3, arbitrary: fc.constant('POST') }, { weight: 1, arbitrary: anyMethod }),
        placement: fc.constantFrom(...placements),
        token: fc.constantFrom<'none' | 'password-only' | 'desktop-without-credential'>(
          'none',
          'password-only',
          'desktop-without-credential',
        ),
      }),
      { seed, numRuns: 80 },
    );
    const tokenOf = (which: 'none' | 'password-only' | 'desktop-without-credential') =>
      which === 'none' ? undefined : which === 'password-only' ? passwordOnlyToken : session.accessToken;
    const attacks = [
      // Every spelling with every credential placement, under the password-only session and no token at all.
      ...spellings.flatMap((target) =>
        placements.flatMap((placement) => [
          ask(target, 'POST', placement, passwordOnlyToken),
          ask(target, 'POST', placement, undefined),
        ]),
      ),
      // The desktop's own session without its real credential.
      ...placements.map((placement) => ask('/_bleep/staff/search', 'POST', placement, session.accessToken)),
      // The desktop's own token and credential under every other spelling and method: only the table's one answers.
      // (A query string is no other spelling of the path: the route ignores it, as Synapse's do.)
      ...spellings
        .filter((target) => target.split('?')[0] !== '/_bleep/staff/search')
        .map((target) => asDesktop(target, 'POST', session.accessToken, session.desktop.credential)),
      ...['GET', 'PUT', 'DELETE', 'PATCH'].map((method) =>
        asDesktop('/_bleep/staff/search', method, session.accessToken, session.desktop.credential),
      ),
      // Trust B's clinician with their own enrolled desktop's token and credential, at trust A's gateway.
      asDesktop(
        '/_bleep/staff/search',
        'POST',
        partnerSession.accessToken,
        partnerSession.desktop.credential,
      ),
      ...samples.map(({ target, method, placement, token }) =>
        ask(target, method, placement, tokenOf(token)),
      ),
    ];
    const results = await sendAttacks(trustA.clientUrl, attacks, { tokenErrors: true });

    expect(dishonestAnswers(results), `seed ${seed}`).toEqual([]);
    expect(
      results.filter(({ answer }) => leaked(answer.text).length > 0).map(({ attack }) => attack.label),
      `seed ${seed}`,
    ).toEqual([]);
    // Nothing was answered as a search: every attack was refused (a preflight's empty 204 aside).
    expect(
      results
        .filter(({ read, attack }) => read.outcome === 'passed' && attack.request.method !== 'OPTIONS')
        .map(({ attack, answer }) => `${attack.label}: ${String(answer.status)}`),
      `seed ${seed}`,
    ).toEqual([]);

    // Control: the enrolled desktop's own session with its credential finds its colleagues.
    const [own] = await sendAttacks(trustA.clientUrl, [
      asDesktop('/_bleep/staff/search', 'POST', session.accessToken, session.desktop.credential),
    ]);
    expect(own?.answer.status).toBe(200);
    expect(leaked(own?.answer.text ?? '')).toEqual(
      expect.arrayContaining(['amelia.hart', 'Dr Amelia Hart', 'Cardiology']),
    );
  });
});
