// Needs the real local stack: trust-a, a Synapse behind its policy gateway, and Bleep's audit trail. Attacks with
// bad input (rule well-formed-json): JSON nested 20,000 deep, NUL in a device ID at sign-in and enrolment, lone
// surrogates, bytes that are not UTF-8, oversized and chunked bodies, at the routes that read a body. Every answer
// is a 4xx with a Matrix errcode and the rule, never a 5xx; refused sign-ins and enrolments are in the audit trail;
// and no message is lost: valid messages sent alongside, and one sent in chunks that split a character, arrive.
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { signInAtEnrolledDesktop, type StaffSession } from './clinicianClient.ts';
import { dishonestAnswers, sendAttacks, type Attack } from './gatewayRefusal.ts';
import { attackSeed } from './pathSpellings.ts';
import { bearer, clientCall, rawRequest } from './rawRequest.ts';
import { stackCommand } from './stackCli.ts';
import { trustNamed } from './stackInfo.ts';
import { synapseRoomEvents } from './synapseHoldings.ts';

const seed = attackSeed(20260523);
const trustA = trustNamed(inject('stack'), 'trust-a');
const v3 = '/_matrix/client/v3';
const depth = 20_000;

/**
 * Bodies no reader agrees on, each as raw bytes: `valid` is a good body for the route, to be spoiled. Nesting is
 * 20,000 deep, or as deep as fits a route with a smaller size limit (enrolment: 4 KiB; a body over a limit is the
 * other test's case), which is still far past the gateway's 64 levels.
 */
const spoilers: Readonly<Record<string, (valid: string, maxBytes: number) => Buffer>> = {
  'arrays 20,000 deep': (_, maxBytes) => {
    const levels = Math.min(depth, Math.floor(maxBytes / 2) - 1);
    return Buffer.from(`${'['.repeat(levels)}${']'.repeat(levels)}`);
  },
  'objects 20,000 deep': (_, maxBytes) => {
    const levels = Math.min(depth, Math.floor(maxBytes / 6) - 1);
    return Buffer.from(`${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`);
  },
  'deep inside a valid body': (valid, maxBytes) => {
    const levels = Math.min(depth, Math.floor((maxBytes - valid.length) / 2) - 8);
    return Buffer.from(`${valid.slice(0, -1)},"x":${'['.repeat(levels)}${']'.repeat(levels)}}`);
  },
  'escaped NUL': (valid) => Buffer.from(valid.replace('"', '"\\u0000')),
  // At sign-in and enrolment, inside the device ID (elsewhere, the first string).
  'NUL in the device ID': (valid) =>
    Buffer.from(
      valid.includes('"device_id":"')
        ? valid.replace('"device_id":"', '"device_id":"A\\u0000')
        : valid.replace('"', '"\\u0000'),
    ),
  'raw NUL': (valid) =>
    Buffer.concat([Buffer.from(valid.slice(0, 2)), Buffer.from([0]), Buffer.from(valid.slice(2))]),
  'lone high surrogate': (valid) => Buffer.from(valid.replace('"', '"\\ud800')),
  'lone low surrogate': (valid) => Buffer.from(valid.replace('"', '"\\udfff')),
  'byte 0xff': (valid) =>
    Buffer.concat([Buffer.from(valid.slice(0, 2)), Buffer.from([0xff]), Buffer.from(valid.slice(2))]),
  'overlong slash': (valid) =>
    Buffer.concat([Buffer.from(valid.slice(0, 2)), Buffer.from([0xc0, 0xaf]), Buffer.from(valid.slice(2))]),
  'cut multi-byte character': (valid) =>
    Buffer.concat([Buffer.from(valid.slice(0, 2)), Buffer.from([0xe2, 0x82]), Buffer.from(valid.slice(2))]),
  'UTF-16': (valid) => Buffer.from(valid, 'utf16le'),
  'cut short': (valid) => Buffer.from(valid.slice(0, -2)),
  'trailing garbage': (valid) => Buffer.from(`${valid}}{`),
  NaN: () => Buffer.from('{"a":NaN}'),
};

/** A body past the gateway's limits (4 KiB for an enrolment, 1 MiB elsewhere), otherwise valid. */
function oversized(valid: string): Buffer {
  return Buffer.from(`${valid.slice(0, -1)},"x":"${'a'.repeat(1_100_000)}"}`);
}

type Route = Readonly<{
  name: string;
  method: string;
  target: string;
  valid: string;
  session: boolean;
  /** The gateway's body size limit on this route. */
  maxBytes: number;
}>;

const jsonLimit = 1024 * 1024;

/** Sends `body` whole, or chunked at a few places (the gateway must read it the same either way). */
function withBody(
  request: Omit<Attack['request'], 'body' | 'chunks'>,
  body: Buffer,
  cuts: readonly number[] | null,
) {
  if (cuts === null) return { ...request, body };
  const points = [...new Set(cuts.map((cut) => cut % Math.max(1, body.length)))].sort((a, b) => a - b);
  const chunks = [0, ...points].map((start, index) => body.subarray(start, points[index] ?? body.length));
  return { ...request, chunks: chunks.filter((chunk) => chunk.length > 0) };
}

describe('gateway attacks: bad input', () => {
  let session: StaffSession;
  let roomId = '';
  let reactTo = '';

  beforeAll(async () => {
    session = await signInAtEnrolledDesktop(trustA, 'attack-input');
    const created = await clientCall(trustA.clientUrl, session.accessToken, 'POST', `${v3}/createRoom`, {});
    roomId = String(created.json?.room_id);
    reactTo = (await synapseRoomEvents(trustA, session.accessToken, roomId)).at(-1)?.event_id ?? '';
  });

  function routes(): readonly Route[] {
    const room = `${v3}/rooms/${encodeURIComponent(roomId)}`;
    const login = {
      type: 'm.login.password',
      identifier: { type: 'm.id.user', user: session.username },
      password: session.password,
      device_id: session.desktop.deviceId,
    };
    return [
      {
        name: 'login',
        method: 'POST',
        target: `${v3}/login`,
        valid: JSON.stringify(login),
        session: false,
        maxBytes: jsonLimit,
      },
      {
        name: 'enrol',
        method: 'POST',
        target: '/_bleep/enrol',
        valid: JSON.stringify({ device_id: 'WARD-PC', code: 'x' }),
        session: false,
        maxBytes: 4096,
      },
      {
        name: 'createRoom',
        method: 'POST',
        target: `${v3}/createRoom`,
        valid: '{"name":"Ward"}',
        session: true,
        maxBytes: jsonLimit,
      },
      {
        name: 'room name',
        method: 'PUT',
        target: `${room}/state/m.room.name/`,
        valid: '{"name":"Ward"}',
        session: true,
        maxBytes: jsonLimit,
      },
      {
        name: 'send',
        method: 'PUT',
        target: `${room}/send/m.reaction/TXN`,
        valid: JSON.stringify({ 'm.relates_to': { rel_type: 'm.annotation', event_id: reactTo, key: 'k' } }),
        session: true,
        maxBytes: jsonLimit,
      },
    ];
  }

  it('answers every bad body with a 4xx that names the rule, audits refused sign-ins and enrolments, and loses no message', async () => {
    const from = new Date(Date.now() - 1000);
    const run = randomBytes(4).toString('hex');
    const samples = fc.sample(
      fc.record({
        route: fc.constantFrom(...routes()),
        spoiler: fc.constantFrom(...Object.keys(spoilers)),
        cuts: fc.option(fc.array(fc.nat(), { minLength: 1, maxLength: 4 }), { nil: null }),
      }),
      { seed, numRuns: 80 },
    );
    const every = routes().flatMap((route) =>
      Object.keys(spoilers).map((spoiler) => ({ route, spoiler, cuts: null })),
    );
    const attacks: Attack[] = [...every, ...samples].map(({ route, spoiler, cuts }, index) => {
      const spoil = spoilers[spoiler] ?? ((valid: string) => Buffer.from(valid));
      const body = spoil(route.valid, route.maxBytes);
      const target = route.target.replace('TXN', `bad-${run}-${index}`);
      const headers = route.session
        ? bearer(session.accessToken)
        : [['content-type', 'application/json'] as const];
      return {
        label: `${route.name} ${spoiler}${cuts ? ` chunked at ${cuts.join(',')}` : ''}`,
        request: withBody({ method: route.method, target, headers }, body, cuts),
      };
    });
    // Valid messages, some chunked with a character split across chunks, sent alongside the bad input.
    const good = Array.from({ length: 12 }, (_, index) => {
      const key = `ok-${run}-${index} ✓ — ok`;
      const body = Buffer.from(
        JSON.stringify({ 'm.relates_to': { rel_type: 'm.annotation', event_id: reactTo, key } }),
      );
      const request = {
        method: 'PUT',
        target: `${v3}/rooms/${encodeURIComponent(roomId)}/send/m.reaction/ok-${run}-${index}`,
        headers: bearer(session.accessToken),
      };
      return rawRequest(
        trustA.clientUrl,
        withBody(request, body, index % 2 ? [body.indexOf('✓') + 1] : null),
      );
    });
    const [results, goodAnswers] = await Promise.all([
      sendAttacks(trustA.clientUrl, attacks),
      Promise.all(good),
    ]);

    expect(dishonestAnswers(results), `seed ${seed}`).toEqual([]);
    expect(
      results
        .filter(({ answer }) => answer.status < 400 || answer.status >= 500)
        .map(({ attack }) => attack.label),
      `seed ${seed}`,
    ).toEqual([]);
    expect(goodAnswers.map((answer) => answer.status)).toEqual(goodAnswers.map(() => 200));
    const events = await synapseRoomEvents(trustA, session.accessToken, roomId);
    const keys = events.map((event) => (event.content['m.relates_to'] as { key?: string } | undefined)?.key);
    for (let index = 0; index < good.length; index += 1) expect(keys).toContain(`ok-${run}-${index} ✓ — ok`);

    // The audit trail holds each refused sign-in and enrolment (others may be testing too: at least ours).
    const audit = JSON.parse(
      await stackCommand([
        'policy',
        'trust-a',
        'audit',
        'export',
        '--format',
        'json',
        '--from',
        from.toISOString(),
      ]),
    ) as { action: string; result: string }[];
    const sent = (name: string) => results.filter(({ attack }) => attack.label.startsWith(`${name} `)).length;
    const refusedLogins = audit.filter((row) => row.action === 'refuse:login').length;
    const refusedEnrolments = audit.filter(
      (row) => row.action === 'enrol' && row.result.startsWith('refused'),
    ).length;
    expect(refusedLogins).toBeGreaterThanOrEqual(sent('login'));
    expect(refusedEnrolments).toBeGreaterThanOrEqual(sent('enrol'));
  });
  it('refuses an oversized body, whole or chunked, with a 413 that names the rule', async () => {
    const run = randomBytes(4).toString('hex');
    const attacks: Attack[] = routes().flatMap((route, index) =>
      [null, [4096, 65_536, 1_048_000]].map((cuts) => ({
        label: `${route.name} over the limit${cuts ? ' chunked' : ''}`,
        request: withBody(
          {
            method: route.method,
            target: route.target.replace('TXN', `big-${run}-${index}-${cuts ? 'c' : 'w'}`),
            headers: route.session
              ? bearer(session.accessToken)
              : [['content-type', 'application/json'] as const],
          },
          oversized(route.valid),
          cuts,
        ),
      })),
    );
    const results = await sendAttacks(trustA.clientUrl, attacks);
    expect(results.map(({ answer }) => answer.status)).toEqual(results.map(() => 413));
    expect(dishonestAnswers(results)).toEqual([]);
  });
  it('answers a malformed access token with a 401, never a 5xx', async () => {
    // Characters a token never holds: control characters, DEL, and anything that is not ASCII.
    const samples = fc.sample(
      fc.record({
        bad: fc.constantFrom(
          '\r',
          '\n',
          '\u0000',
          '\u0001',
          '\u007f',
          '\u00e9',
          '\u00ff',
          '\u2713',
          '\ud83d\ude00',
        ),
        at: fc.nat(20),
        inHeader: fc.boolean(),
      }),
      { seed, numRuns: 30 },
    );
    const attacks: Attack[] = samples
      // A header carries no control character and nothing past U+00FF (Node refuses to send them).
      .filter(({ bad, inHeader }) => !inHeader || /^[\u00e9\u00ff]$/.test(bad))
      .map(({ bad, at, inHeader }) => {
        const token = `${session.accessToken.slice(0, at)}${bad}${session.accessToken.slice(at)}`;
        return {
          label: `${inHeader ? 'header' : 'query'} token with ${JSON.stringify(bad)} at ${at}`,
          request: inHeader
            ? {
                method: 'GET',
                target: `${v3}/account/whoami`,
                headers: [['authorization', `Bearer ${token}`] as const],
              }
            : { method: 'GET', target: `${v3}/account/whoami?access_token=${encodeURIComponent(token)}` },
        };
      });
    const results = await sendAttacks(trustA.clientUrl, attacks, { tokenErrors: true });
    expect(
      results
        .filter(({ answer }) => answer.status !== 401)
        .map(({ attack, answer }) => `${attack.label}: ${answer.status} ${answer.text}`),
      `seed ${seed}`,
    ).toEqual([]);
    expect(dishonestAnswers(results), `seed ${seed}`).toEqual([]);
  });
});
