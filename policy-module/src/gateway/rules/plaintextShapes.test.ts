import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { plaintextShapes } from './plaintextShapes.ts';
import { ruleContext, ruleRequest } from './ruleContext.testkit.ts';

const check = (method: string, path: string, body?: unknown) =>
  plaintextShapes.check(ruleRequest(method, path, body), ruleContext());
const refused = { outcome: 'refuse', error: { rule: 'plaintext-shapes' } };
const megolm = {
  algorithm: 'm.megolm.v1.aes-sha2',
  ciphertext: Buffer.concat([Buffer.from([3]), randomBytes(100)]).toString('base64'),
  session_id: 'S',
  sender_key: 'K',
  device_id: 'PC1',
};

describe('rule: plaintext has only the fields the spec gives it', () => {
  it('allows reactions, redactions and encrypted events in their spec shape', () => {
    const room = '/_matrix/client/v3/rooms/!r:x';
    const annotation = { rel_type: 'm.annotation', event_id: '$e', key: '👍' };
    expect(check('PUT', `${room}/send/m.reaction/t1`, { 'm.relates_to': annotation })).toEqual({
      outcome: 'allow',
    });
    expect(check('PUT', `${room}/send/m.room.redaction/t2`, { redacts: '$e', reason: 'duplicate' })).toEqual({
      outcome: 'allow',
    });
    expect(check('PUT', `${room}/redact/$e/t3`, { reason: 'duplicate' })).toEqual({ outcome: 'allow' });
    expect(
      check('PUT', `${room}/send/m.room.encrypted/t4`, {
        ...megolm,
        'm.relates_to': {
          rel_type: 'm.thread',
          event_id: '$root',
          'm.in_reply_to': { event_id: '$e' },
          is_falling_back: true,
        },
      }),
    ).toEqual({ outcome: 'allow' });
  });

  it('refuses free text riding beside them', () => {
    const room = '/_matrix/client/v3/rooms/!r:x';
    const annotation = { rel_type: 'm.annotation', event_id: '$e', key: '👍' };
    for (const [path, body] of [
      [`${room}/send/m.reaction/t1`, { 'm.relates_to': annotation, msgtype: 'm.text', body: 'bed 4' }],
      [`${room}/send/m.reaction/t1`, { 'm.relates_to': { ...annotation, body: 'bed 4' } }],
      [
        `${room}/send/m.reaction/t1`,
        { 'm.relates_to': { ...annotation, rel_type: 'm.replace' }, 'm.new_content': { body: 'x' } },
      ],
      [`${room}/send/m.room.redaction/t2`, { redacts: '$e', body: 'bed 4' }],
      [`${room}/redact/$e/t3`, { reason: 'duplicate', body: 'bed 4' }],
      [`${room}/send/m.room.encrypted/t4`, { ...megolm, body: 'bed 4' }],
      [
        `${room}/send/m.room.encrypted/t4`,
        { ...megolm, 'm.relates_to': { rel_type: 'm.thread', event_id: '$r', body: 'x' } },
      ],
      ['/_matrix/client/v3/profile/@a:x/displayname', { displayname: 'Dr A', notes: 'x' }],
      ['/_matrix/client/v3/presence/@a:x/status', { presence: 'online', notes: 'x' }],
      ['/_matrix/client/v3/devices/PC1', { display_name: 'Ward 12', notes: 'x' }],
    ] as const) {
      expect(check('PUT', path, body), `${path} ${JSON.stringify(body)}`).toMatchObject(refused);
    }
  });

  it('allows profile fields, presence and device names in their spec shape', () => {
    for (const [path, body] of [
      ['/_matrix/client/v3/profile/@a:x/displayname', { displayname: 'Dr A' }],
      ['/_matrix/client/v3/profile/@a:x/displayname', { displayname: null }],
      ['/_matrix/client/v3/profile/@a:x/avatar_url', { avatar_url: 'mxc://x/abc' }],
      ['/_matrix/client/v3/presence/@a:x/status', { presence: 'online', status_msg: 'on call' }],
      ['/_matrix/client/v3/presence/@a:x/status', { presence: 'offline' }],
      ['/_matrix/client/v3/presence/@a:x/status', { presence: 'unavailable', status_msg: null }],
      ['/_matrix/client/v3/devices/PC1', { display_name: 'Ward 12 PC' }],
      ['/_matrix/client/v3/devices/PC1', { auth: { type: 'm.login.password' } }],
    ] as const) {
      expect(check('PUT', path, body), `${path} ${JSON.stringify(body)}`).toEqual({ outcome: 'allow' });
    }
    // Each profile field takes its own name only.
    expect(check('PUT', '/_matrix/client/v3/profile/@a:x/avatar_url', { displayname: 'Dr A' })).toMatchObject(
      {
        ...refused,
        error: {
          message:
            'This request carries fields the Matrix spec does not give it, which the server would keep unencrypted',
        },
      },
    );
    expect(check('PUT', '/_matrix/client/v3/presence/@a:x/status', { presence: 'busy' })).toMatchObject(
      refused,
    );
  });

  it('leaves routes and types without a listed shape to the other rules', () => {
    expect(check('PUT', '/_matrix/client/v3/rooms/!r:x/send/m.room.message/t1', { body: 'x' })).toEqual({
      outcome: 'allow',
    });
    expect(check('GET', '/_matrix/client/v3/profile/@a:x/displayname')).toEqual({ outcome: 'allow' });
  });
});
