// Needs the real local stack: trust-a, a Synapse behind its policy gateway, and Synapse's PostgreSQL database.
// Attacks on rule no-patient-identifiers: a valid NHS number (fresh each run), written as people write it (grouped,
// zero-width spaces, full-width digits, dots, hyphens) into every plaintext place a client can reach
// (plaintextFields.ts). Judged by what Synapse holds afterwards: what Synapse's APIs show (room state and events,
// profile, devices, tags, account data, presence, pushers) and every row of every table of its database, searched
// for the number however it was written. The same request with harmless text is stored (its control).
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { registerUser } from '@bleep/policy-module';
import { signInAtEnrolledDesktop, type StaffSession } from './clinicianClient.ts';
import { dishonestAnswers, sendAttacks, type Attack } from './gatewayRefusal.ts';
import { freshNhsNumber, holdsNhsNumber, spelledNhsNumber, waysToWrite } from './nhsNumberSpellings.ts';
import { attackSeed, encodeEveryByte } from './pathSpellings.ts';
import { plaintextFields, type FieldContext } from './plaintextFields.ts';
import { clientCall, rawRequest } from './rawRequest.ts';
import { trustNamed } from './stackInfo.ts';
import {
  askSynapse,
  everySynapseRow,
  synapseAdminToken,
  synapseJoinedRooms,
  synapseRoomEvents,
} from './synapseHoldings.ts';

const seed = attackSeed(20260521);
const trustA = trustNamed(inject('stack'), 'trust-a');
const v3 = '/_matrix/client/v3';

const encodings: readonly ((value: string) => string)[] = [
  encodeURIComponent,
  (value) => encodeEveryByte(value),
  (value) => encodeEveryByte(value, true),
];

/** What Synapse's own APIs show the user, as one text (read from Synapse directly). */
async function apiHoldings(session: StaffSession, roomId: string): Promise<string> {
  const read = async (path: string) =>
    JSON.stringify((await askSynapse(trustA, session.accessToken, 'GET', path)).body);
  const user = `${v3}/user/${encodeURIComponent(session.userId)}`;
  const rooms = await synapseJoinedRooms(trustA, session.accessToken);
  const perRoom = await Promise.all(
    rooms.map(async (room) => [
      await read(`${v3}/rooms/${encodeURIComponent(room)}/state`),
      JSON.stringify(await synapseRoomEvents(trustA, session.accessToken, room)),
    ]),
  );
  return [
    ...perRoom.flat(),
    await read(`${v3}/profile/${encodeURIComponent(session.userId)}`),
    await read(`${v3}/devices`),
    await read(`${user}/rooms/${encodeURIComponent(roomId)}/tags`),
    await read(`${user}/account_data/m.direct`),
    await read(`${user}/rooms/${encodeURIComponent(roomId)}/account_data/m.marked_unread`),
    await read(`${v3}/presence/${encodeURIComponent(session.userId)}/status`),
    await read(`${v3}/pushers`),
  ].join('\n');
}

/** Where Synapse holds the number: database tables (by name) and "api" when its APIs show it. */
async function whereHeld(session: StaffSession, roomId: string, digits: string): Promise<string[]> {
  const rows = await everySynapseRow(trustA);
  const tables = new Set(rows.filter((row) => holdsNhsNumber(row.text, digits)).map((row) => row.table));
  return [...tables, ...(holdsNhsNumber(await apiHoldings(session, roomId), digits) ? ['api'] : [])].sort();
}

describe('gateway attacks: NHS numbers in plaintext', () => {
  let session: StaffSession;
  let context: FieldContext;

  beforeAll(async () => {
    session = await signInAtEnrolledDesktop(trustA, 'attack-identifiers');
    const member = await signInAtEnrolledDesktop(trustA, 'attack-member');
    const outsider = await registerUser({
      synapseUrl: trustA.synapseUrl,
      sharedSecret: trustA.registrationSharedSecret,
      username: `attack-invitee-${randomBytes(4).toString('hex')}`,
      password: randomBytes(16).toString('hex'),
    });
    const created = await clientCall(trustA.clientUrl, session.accessToken, 'POST', `${v3}/createRoom`, {
      name: 'Identifier drill',
      invite: [member.userId],
    });
    const roomId = String(created.json?.room_id);
    await clientCall(
      trustA.clientUrl,
      member.accessToken,
      'POST',
      `${v3}/join/${encodeURIComponent(roomId)}`,
      {},
    );
    const reaction = await clientCall(
      trustA.clientUrl,
      session.accessToken,
      'PUT',
      `${v3}/rooms/${encodeURIComponent(roomId)}/send/m.reaction/${randomBytes(6).toString('hex')}`,
      {
        'm.relates_to': {
          rel_type: 'm.annotation',
          event_id: (await synapseRoomEvents(trustA, session.accessToken, roomId)).at(-1)?.event_id,
          key: '✓',
        },
      },
    );
    context = {
      token: session.accessToken,
      userId: session.userId,
      deviceId: session.deviceId,
      serverName: trustA.serverName,
      roomId,
      eventId: String(reaction.json?.event_id),
      memberId: member.userId,
      outsiderId: outsider.userId,
    };
  });

  /** Media uploaded here (mxc URIs), deleted at the end. */
  const uploads: string[] = [];

  afterAll(async () => {
    // Purged, not just left: a test stack keeps no patient-shaped numbers it does not need.
    const admin = await synapseAdminToken(trustA);
    await askSynapse(
      trustA,
      admin,
      'DELETE',
      `/_synapse/admin/v2/rooms/${encodeURIComponent(context.roomId)}`,
      {
        purge: true,
      },
    );
    for (const uri of uploads) {
      await askSynapse(trustA, admin, 'DELETE', `/_synapse/admin/v1/media/${uri.slice('mxc://'.length)}`);
    }
  });

  it('finds a number Synapse holds, however it was written (the search can see a leak)', async () => {
    // Plaintext sent past the gateway, on Synapse's internal listener, each way with a number of its own.
    const made = await askSynapse(trustA, session.accessToken, 'POST', `${v3}/createRoom`, {
      name: 'Search check',
    });
    const roomId = String(made.body.room_id);
    const written = waysToWrite(freshNhsNumber()).map((way) => ({ ...way, digits: freshNhsNumber() }));
    try {
      for (const [index, way] of written.entries()) {
        const text = waysToWrite(way.digits).find((other) => other.how === way.how)?.text ?? '';
        const sent = await askSynapse(
          trustA,
          session.accessToken,
          'PUT',
          `${v3}/rooms/${encodeURIComponent(roomId)}/send/m.room.message/search-${index}`,
          { msgtype: 'm.text', body: `Bed 4 ${text}` },
        );
        expect(sent.status).toBe(200);
      }
      const found = await Promise.all(
        written.map(async (way) => ({ how: way.how, where: await whereHeld(session, roomId, way.digits) })),
      );
      expect(found).toEqual(
        written.map((way) => ({
          how: way.how,
          where: expect.arrayContaining(['api', 'event_json']) as unknown,
        })),
      );
    } finally {
      // Purged, not just left: a test stack keeps no patient-shaped numbers it does not need.
      await askSynapse(
        trustA,
        await synapseAdminToken(trustA),
        'DELETE',
        `/_synapse/admin/v2/rooms/${encodeURIComponent(roomId)}`,
        {
          purge: true,
        },
      );
    }
  });

  it('keeps a valid NHS number, however written, out of every plaintext field Synapse stores', async () => {
    const digits = freshNhsNumber();
    const fields = plaintextFields(context);
    const attacks = fields.flatMap((field) =>
      fc
        .sample(fc.record({ spelling: spelledNhsNumber(digits), encoding: fc.nat(encodings.length - 1) }), {
          seed: seed + field.name.length,
          numRuns: 4,
        })
        .map(({ spelling, encoding }) => ({
          field,
          label: `${field.name}: ${spelling.how} ${JSON.stringify(spelling.text)}`,
          request: field.request(spelling.text, encodings[encoding] ?? encodeURIComponent),
        })),
    );
    const results = await sendAttacks(trustA.clientUrl, attacks);
    expect(dishonestAnswers(results), `seed ${seed}, number ${digits}`).toEqual([]);
    const wrongRule = results.flatMap(({ attack, read }) => {
      const expected = attack.field.routed ? 'no-patient-identifiers' : 'default-deny';
      return read.outcome === 'refused' && read.rule === expected
        ? []
        : [`${attack.label}: ${JSON.stringify(read)}`];
    });
    expect(wrongRule, `seed ${seed}, number ${digits}`).toEqual([]);

    // Controls: each routed request with harmless text is stored, where the search below looks.
    const run = randomBytes(3).toString('hex');
    const controls: Attack[] = fields
      .filter((field) => field.routed)
      .map((field, index) => ({
        label: field.name,
        request: field.request(`ctl${run}x${index}`, encodeURIComponent),
      }));
    // One at a time: they depend on each other (the invitee is invited before being banned).
    const stored = await sendAttacks(trustA.clientUrl, controls, { parallel: 1 });
    expect(
      stored
        .filter(({ answer }) => answer.status !== 200)
        .map(({ attack, answer }) => `${attack.label}: ${answer.text}`),
    ).toEqual([]);
    const api = await apiHoldings(session, context.roomId);
    const rows = (await everySynapseRow(trustA)).map((row) => row.text).join('\n');
    const unseen = controls.filter(
      (_, index) => !api.includes(`ctl${run}x${index}`) && !rows.includes(`ctl${run}x${index}`),
    );
    expect(unseen.map(({ label }) => label)).toEqual([]);

    // What Synapse holds: the number nowhere, in its APIs or any table.
    expect(await whereHeld(session, context.roomId, digits), `seed ${seed}, number ${digits}`).toEqual([]);
  });
  it('keeps an NHS number out of an uploaded file name and media type', async () => {
    const digits = freshNhsNumber();
    const upload = async (fileName: string, mediaType: string) => {
      const answer = await rawRequest(trustA.clientUrl, {
        method: 'POST',
        target: `/_matrix/media/v3/upload?filename=${encodeURIComponent(fileName)}`,
        headers: [
          ['authorization', `Bearer ${session.accessToken}`],
          ['content-type', mediaType],
        ],
        body: randomBytes(64),
      });
      if (typeof answer.json?.content_uri === 'string') uploads.push(answer.json.content_uri);
      return answer;
    };
    // Control: a harmless name is stored.
    const control = `ecg-${randomBytes(3).toString('hex')}.bin`;
    expect((await upload(control, 'application/octet-stream')).status).toBe(200);
    expect((await everySynapseRow(trustA)).some((row) => row.text.includes(control))).toBe(true);

    const answers = [
      await upload(`${digits} discharge letter.pdf`, 'application/pdf'),
      await upload(
        'discharge.pdf',
        `application/pdf; name="${digits.slice(0, 3)} ${digits.slice(3, 6)} ${digits.slice(6)}"`,
      ),
    ];
    for (const answer of answers) {
      expect(answer.status).toBeLessThan(500);
      if (answer.status >= 400)
        expect(answer.json).toMatchObject({ 'uk.nhs.bleep.rule': 'no-patient-identifiers' });
    }
    expect(await whereHeld(session, context.roomId, digits), `number ${digits}`).toEqual([]);
  });
  it('keeps an NHS number written as HTML character references out of an HTML topic', async () => {
    const digits = freshNhsNumber();
    const references = Array.from(digits)
      .map((digit) => `&#${digit.charCodeAt(0)};`)
      .join('');
    const topic = (html: string) =>
      clientCall(
        trustA.clientUrl,
        session.accessToken,
        'PUT',
        `${v3}/rooms/${encodeURIComponent(context.roomId)}/state/m.room.topic/`,
        { topic: 'Ward round', 'm.topic': { 'm.text': [{ mimetype: 'text/html', body: html }] } },
      );
    // Control: the HTML topic itself is stored.
    expect((await topic('<b>Ward round</b>')).status).toBe(200);
    const answer = await topic(`<b>Bed 4</b> ${references}`);
    expect(answer.status).toBeLessThan(500);
    if (answer.status >= 400)
      expect(answer.json).toMatchObject({ 'uk.nhs.bleep.rule': 'no-patient-identifiers' });
    expect(await whereHeld(session, context.roomId, digits), `number ${digits}`).toEqual([]);
  });
});
