// Needs the real local stack: trust-a, a Synapse behind its policy gateway. Attacks on end-to-end encryption
// (rule e2ee-only): a plaintext message, under any spelling of the send endpoint (any prefix, with or without a
// transaction ID, POST or PUT, the event type percent-encoded), or labelled m.room.encrypted without being Megolm
// ciphertext, never reaches the room. Judged by the room's events as Synapse holds them (read from Synapse itself);
// a reaction, which the policy lets through in plaintext, arrives, so the check can see an event.
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { signInAtEnrolledDesktop, type StaffSession } from './clinicianClient.ts';
import { dishonestAnswers, sendAttacks, type Attack } from './gatewayRefusal.ts';
import {
  attackSeed,
  canonicalClientPath,
  methodMostly,
  param,
  spelledClientPath,
  type PathPart,
} from './pathSpellings.ts';
import { bearer, clientCall } from './rawRequest.ts';
import { trustNamed } from './stackInfo.ts';
import { synapseRoomEvents, type StoredEvent } from './synapseHoldings.ts';

const seed = attackSeed(20260519);
const trustA = trustNamed(inject('stack'), 'trust-a');
const megolm = 'm.megolm.v1.aes-sha2';

/** Event types a client could put plaintext under; m.room.encrypted is sent with content that is not ciphertext. */
const messageTypes = [
  'm.room.message',
  'm.sticker',
  'm.call.invite',
  'm.poll.start',
  'org.matrix.msc3381.poll.start',
  'm.room.encrypted',
  'M.ROOM.MESSAGE',
  'm.room.message ',
  'm.reaction\u0000',
];

/** Content that reads as plaintext; for m.room.encrypted, shaped like an encrypted event that is not one. */
function plaintextContent(eventType: string, marker: string, variant: number): Record<string, unknown> {
  if (eventType !== 'm.room.encrypted') return { msgtype: 'm.text', body: marker };
  switch (variant % 4) {
    case 0:
      return { algorithm: megolm, ciphertext: marker, session_id: 's', sender_key: 'k', device_id: 'D' };
    case 1:
      return { algorithm: 'm.olm.v1.curve25519-aes-sha2', ciphertext: { k: { type: 0, body: marker } } };
    case 2:
      // Base64 that decodes to text, not to a Megolm message (no version byte 3, far too short).
      return { algorithm: megolm, ciphertext: Buffer.from(marker).toString('base64'), session_id: 's' };
    default:
      return { msgtype: 'm.text', body: marker };
  }
}

/** The send endpoint's shapes: PUT with a transaction ID (the table's), and the others Synapse also routes. */
function sendPaths(roomId: string, eventType: string, txnId: string): readonly (readonly PathPart[])[] {
  const send = ['rooms', param(roomId), 'send', param(eventType)];
  return [[...send, param(txnId)], send, [...send, ''], [...send, param(txnId), 'extra']];
}

function eventText(event: StoredEvent): string {
  return JSON.stringify(event);
}

describe('gateway attacks: plaintext messages', () => {
  let session: StaffSession;
  let roomId = '';
  let createEventId = '';

  beforeAll(async () => {
    session = await signInAtEnrolledDesktop(trustA, 'attack-plaintext');
    const created = await clientCall(
      trustA.clientUrl,
      session.accessToken,
      'POST',
      '/_matrix/client/v3/createRoom',
      {
        name: 'Plaintext drill',
      },
    );
    roomId = String(created.json?.room_id);
    createEventId = (await synapseRoomEvents(trustA, session.accessToken, roomId)).at(-1)?.event_id ?? '';
  });

  it('lets no plaintext message into a room, under any spelling of the send endpoint', async () => {
    const run = randomBytes(4).toString('hex');
    const samples = fc.sample(
      fc
        .record({
          eventType: fc.constantFrom(...messageTypes),
          shape: fc.nat(3),
          txnId: fc.constantFrom('t1', `t-${run}`, 't/1', 't.1', '%', 't 1'),
          variant: fc.nat(3),
        })
        .chain((choice) =>
          fc.record({
            choice: fc.constant(choice),
            target: spelledClientPath(
              sendPaths(roomId, choice.eventType, `${choice.txnId}${run}`)[choice.shape] ?? [],
            ),
            method: methodMostly(choice.shape === 1 ? 'POST' : 'PUT'),
          }),
        ),
      { seed, numRuns: 120 },
    );
    const canonical = messageTypes.map((eventType, index) => ({
      choice: { eventType, shape: 0, txnId: `c${index}`, variant: index },
      target: canonicalClientPath(sendPaths(roomId, eventType, `c${index}-${run}`)[0] ?? []),
      method: 'PUT',
    }));
    const attacks: Attack[] = [...canonical, ...samples].map(({ choice, target, method }, index) => {
      const marker = `plaintext-${run}-${index}`;
      return {
        label: `${method} ${target} (${marker})`,
        request: {
          method,
          target,
          headers: bearer(session.accessToken),
          body: JSON.stringify(plaintextContent(choice.eventType, marker, choice.variant)),
        },
      };
    });
    const results = await sendAttacks(trustA.clientUrl, attacks);
    expect(dishonestAnswers(results), `seed ${seed}`).toEqual([]);
    const rules = new Set(results.flatMap(({ read }) => (read.outcome === 'refused' ? [read.rule] : [])));
    expect(rules).toContain('e2ee-only');

    // Control: a reaction (a plaintext type in the policy) arrives.
    const control = await clientCall(
      trustA.clientUrl,
      session.accessToken,
      'PUT',
      `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/send/m.reaction/control-${run}`,
      { 'm.relates_to': { rel_type: 'm.annotation', event_id: createEventId, key: `control-${run}` } },
    );
    expect(control.status).toBe(200);
    const events = await synapseRoomEvents(trustA, session.accessToken, roomId);
    expect(events.filter((event) => eventText(event).includes(`control-${run}`))).toHaveLength(1);
    // What Synapse holds: no event carrying any of the attacks' text, whatever its type.
    const leaked = events.filter((event) => eventText(event).includes(`plaintext-${run}`));
    const labels = leaked.flatMap((event) => {
      const index = /plaintext-[0-9a-f]+-(\d+)/.exec(eventText(event))?.[1];
      return [`${event.type}: ${attacks[Number(index)]?.label ?? '?'}`];
    });
    expect(labels, `seed ${seed}`).toEqual([]);
  });
  it('keeps message text out of the plaintext types: a reaction or a redaction carries no body', async () => {
    const run = randomBytes(4).toString('hex');
    const room = `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}`;
    const annotation = { rel_type: 'm.annotation', event_id: createEventId, key: '👍' };
    const target = await clientCall(
      trustA.clientUrl,
      session.accessToken,
      'PUT',
      `${room}/send/m.reaction/r-${run}`,
      {
        'm.relates_to': { ...annotation, key: '✓' },
      },
    );
    const targetId = String(target.json?.event_id);
    const smuggled = [
      {
        path: `send/m.reaction/a-${run}`,
        content: { 'm.relates_to': annotation, msgtype: 'm.text', body: `leak-${run}-reaction` },
      },
      {
        path: `send/m.reaction/b-${run}`,
        content: {
          'm.relates_to': annotation,
          'm.new_content': { body: `leak-${run}-edit` },
          formatted_body: `leak-${run}-html`,
        },
      },
      {
        path: `send/m.room.redaction/c-${run}`,
        content: { redacts: targetId, body: `leak-${run}-redaction` },
      },
      {
        path: `redact/${encodeURIComponent(targetId)}/d-${run}`,
        content: { reason: 'duplicate', body: `leak-${run}-reason` },
      },
    ];
    const results = await sendAttacks(
      trustA.clientUrl,
      smuggled.map(({ path, content }) => ({
        label: `PUT ${path} ${JSON.stringify(content)}`,
        request: {
          method: 'PUT',
          target: `${room}/${path}`,
          headers: bearer(session.accessToken),
          body: JSON.stringify(content),
        },
      })),
    );
    expect(dishonestAnswers(results)).toEqual([]);
    // What Synapse holds: the room's events carry none of that text.
    const events = await synapseRoomEvents(trustA, session.accessToken, roomId);
    expect(events.some((event) => event.event_id === targetId)).toBe(true);
    const leaked = events.filter((event) => eventText(event).includes(`leak-${run}`));
    expect(leaked.map((event) => `${event.type} ${JSON.stringify(event.content)}`)).toEqual([]);
  });
});
