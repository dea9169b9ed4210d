import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../policy/loadPolicy.ts';
import { e2eeOnly } from './e2eeOnly.ts';
import { ruleContext, ruleRequest, testPolicy } from './ruleContext.testkit.ts';

/** Shaped like a real Megolm event: version byte 3, then index, ciphertext, MAC and signature bytes. */
function megolmContent(): Record<string, unknown> {
  const message = Buffer.concat([Buffer.from([3]), randomBytes(120)]);
  return {
    algorithm: 'm.megolm.v1.aes-sha2',
    ciphertext: message.toString('base64').replace(/=+$/, ''),
    session_id: randomBytes(32).toString('base64').replace(/=+$/, ''),
  };
}

const check = (method: string, path: string, body?: unknown) =>
  e2eeOnly.check(ruleRequest(method, path, body), ruleContext());

describe('rule: end-to-end encryption only', () => {
  it('makes every new room encrypted from its first event, whatever the client asked for', () => {
    const verdict = check('POST', '/_matrix/client/v3/createRoom', {
      name: 'Ward 12',
      initial_state: [{ type: 'm.room.topic', state_key: '', content: { topic: 'handover' } }],
    });
    expect(verdict).toEqual({
      outcome: 'rewrite',
      body: {
        name: 'Ward 12',
        initial_state: [
          { type: 'm.room.topic', state_key: '', content: { topic: 'handover' } },
          { type: 'm.room.encryption', state_key: '', content: { algorithm: 'm.megolm.v1.aes-sha2' } },
        ],
      },
    });
  });

  it('adds no second encryption event to a room the client already made encrypted, and encrypts one with no initial state', () => {
    const encryption = {
      type: 'm.room.encryption',
      state_key: '',
      content: { algorithm: 'm.megolm.v1.aes-sha2' },
    };
    const topic = { type: 'm.room.topic', state_key: '', content: { topic: 'handover' } };
    const asked = { name: 'Ward 12', initial_state: [topic, encryption] };
    expect(check('POST', '/_matrix/client/v3/createRoom', asked)).toEqual({
      outcome: 'rewrite',
      body: asked,
    });
    expect(check('POST', '/_matrix/client/v3/createRoom', { name: 'Ward 12' })).toEqual({
      outcome: 'rewrite',
      body: { name: 'Ward 12', initial_state: [encryption] },
    });
  });

  it('refuses plaintext messages and allows encrypted events and the policy plaintext types', () => {
    expect(check('PUT', '/_matrix/client/v3/rooms/!r:x/send/m.room.message/t1', {})).toMatchObject({
      outcome: 'refuse',
      error: {
        errcode: 'M_FORBIDDEN',
        rule: 'e2ee-only',
        message: expect.stringMatching(/^Unencrypted m\.room\.message events are not allowed/) as string,
      },
    });
    expect(check('PUT', '/_matrix/client/v3/rooms/!r:x/send/m.room.encrypted/t2', megolmContent())).toEqual({
      outcome: 'allow',
    });
    expect(check('PUT', '/_matrix/client/v3/rooms/!r:x/send/m.reaction/t3', {})).toEqual({
      outcome: 'allow',
    });
    // However the type is spelt in the path, it is read as Synapse will read it.
    expect(check('PUT', '/_matrix/client/v3/rooms/!r:x/send/m.room%2Emessage/t4', {})).toMatchObject({
      outcome: 'refuse',
    });
  });

  it('says why content labelled encrypted is not a Megolm message', () => {
    const send = (content: unknown) =>
      check('PUT', '/_matrix/client/v3/rooms/!r:x/send/m.room.encrypted/t1', content);
    const megolm = megolmContent();
    const ciphertext = String(megolm.ciphertext);
    for (const [content, reason] of [
      [['bed 4'], 'it has no content'],
      [{ ...megolm, algorithm: 'm.olm.v1.curve25519-aes-sha2' }, 'it does not use m.megolm.v1.aes-sha2'],
      [{ ...megolm, ciphertext: 1234 }, 'it has no ciphertext or session'],
      [{ ...megolm, session_id: 1234 }, 'it has no ciphertext or session'],
      // A buggy client that writes its plaintext beside the ciphertext, before or after it.
      [{ ...megolm, ciphertext: `bed 4 ${ciphertext}` }, 'its ciphertext is not base64'],
      [{ ...megolm, ciphertext: `${ciphertext} bed 4` }, 'its ciphertext is not base64'],
      [{ ...megolm, ciphertext: 'AAAA' }, 'its ciphertext is not a Megolm message'],
    ] as const) {
      expect(send(content), JSON.stringify(content)).toMatchObject({
        outcome: 'refuse',
        error: { rule: 'e2ee-only', message: `This event is labelled encrypted but ${reason}` },
      });
    }
  });

  it('refuses content labelled encrypted that is not a Megolm message', () => {
    const send = (content: unknown) =>
      check('PUT', '/_matrix/client/v3/rooms/!r:x/send/m.room.encrypted/t1', content);
    const refusals = [
      {},
      { msgtype: 'm.text', body: 'bed 4 deteriorating' },
      { ...megolmContent(), algorithm: 'm.olm.v1.curve25519-aes-sha2' },
      { ...megolmContent(), ciphertext: 'bed 4 deteriorating' },
      {
        ...megolmContent(),
        ciphertext: Buffer.from('bed 4 deteriorating, please review urgently').toString('base64'),
      },
      // Long enough, but not Megolm's version byte.
      {
        ...megolmContent(),
        ciphertext: Buffer.concat([Buffer.from([2]), randomBytes(120)]).toString('base64'),
      },
      // Version byte 3, but too short to hold a MAC and a signature.
      {
        ...megolmContent(),
        ciphertext: Buffer.concat([Buffer.from([3]), randomBytes(80)]).toString('base64'),
      },
      // One byte shorter than the shortest Megolm message.
      {
        ...megolmContent(),
        ciphertext: Buffer.concat([Buffer.from([3]), randomBytes(16 + 8 + 64)]).toString('base64'),
      },
      { ...megolmContent(), session_id: undefined },
    ];
    for (const content of refusals) {
      expect(send(content), JSON.stringify(content)).toMatchObject({
        outcome: 'refuse',
        error: { rule: 'e2ee-only' },
      });
    }
    // The shortest Megolm message there is: version, index, one AES block, MAC and signature.
    const shortest = Buffer.concat([Buffer.from([3]), randomBytes(1 + 16 + 8 + 64)]).toString('base64');
    expect(send({ ...megolmContent(), ciphertext: shortest })).toEqual({ outcome: 'allow' });
  });

  it('refuses plaintext device messages but lets the encryption protocol through', () => {
    const toDevice = (type: string) => check('PUT', `/_matrix/client/v3/sendToDevice/${type}/t1`, {});
    for (const type of ['m.room.message', 'com.example.chat', 'm.room_key', 'm.forwarded_room_key']) {
      expect(toDevice(type), type).toMatchObject({
        outcome: 'refuse',
        error: {
          rule: 'e2ee-only',
          message: expect.stringContaining(`Unencrypted ${type} device messages are not allowed`) as string,
        },
      });
    }
    for (const type of [
      'm.room.encrypted',
      'm.key.verification.request',
      'm.key.verification.start',
      'm.room_key_request',
      'm.room_key.withheld',
      'org.matrix.room_key.withheld',
    ]) {
      expect(toDevice(type), type).toEqual({ outcome: 'allow' });
    }
    expect(toDevice('m.room%2Emessage')).toMatchObject({ outcome: 'refuse' });
  });

  it('leaves messages alone when a policy does not require E2EE', () => {
    const relaxed = parsePolicy(
      { ...testPolicy, encryption: { required: false, plaintextEventTypes: [] } },
      'relaxed',
    );
    const verdict = e2eeOnly.check(
      ruleRequest('PUT', '/_matrix/client/v3/rooms/!r:x/send/m.room.message/t1', {}),
      ruleContext({ policy: relaxed }),
    );
    expect(verdict).toEqual({ outcome: 'allow' });
  });
});
