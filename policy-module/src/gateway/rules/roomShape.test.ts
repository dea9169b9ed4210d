import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../policy/loadPolicy.ts';
import { roomShape } from './roomShape.ts';
import { ruleContext, ruleRequest, testPolicy } from './ruleContext.testkit.ts';

const check = (method: string, path: string, body?: unknown) =>
  roomShape.check(ruleRequest(method, path, body), ruleContext());
const setState = (type: string, content: unknown, stateKey = '') =>
  check('PUT', `/_matrix/client/v3/rooms/!r:x/state/${type}/${stateKey}`, content);
const createRoom = (body: unknown) => check('POST', '/_matrix/client/v3/createRoom', body);
const ninetyDaysMs = 90 * 24 * 60 * 60 * 1000;
const forbidden = { type: 'm.room.guest_access', state_key: '', content: { guest_access: 'forbidden' } };
const retention = { type: 'm.room.retention', state_key: '', content: { max_lifetime: ninetyDaysMs } };

describe("rule: every room has Bleep's shape", () => {
  it('keeps rooms invite-only: every other join rule is refused', () => {
    for (const joinRule of ['public', 'knock', 'restricted', 'knock_restricted', 'private', undefined]) {
      expect(setState('m.room.join_rules', { join_rule: joinRule }), String(joinRule)).toMatchObject({
        outcome: 'refuse',
        error: { rule: 'room-shape' },
      });
    }
    expect(setState('m.room.join_rules', { join_rule: 'invite' })).toEqual({ outcome: 'allow' });
  });

  it('forbids guests and world-readable history, and keeps Megolm encryption', () => {
    expect(setState('m.room.guest_access', { guest_access: 'can_join' })).toMatchObject({
      outcome: 'refuse',
    });
    expect(setState('m.room.guest_access', { guest_access: 'forbidden' })).toEqual({ outcome: 'allow' });
    expect(setState('m.room.history_visibility', { history_visibility: 'world_readable' })).toMatchObject({
      outcome: 'refuse',
    });
    for (const visibility of ['invited', 'joined', 'shared']) {
      expect(setState('m.room.history_visibility', { history_visibility: visibility }), visibility).toEqual({
        outcome: 'allow',
      });
    }
    expect(setState('m.room.encryption', {})).toMatchObject({ outcome: 'refuse' });
    // Well-formed, but not Megolm: Olm in a room, or an algorithm nobody's client can read.
    for (const algorithm of ['m.olm.v1.curve25519-aes-sha2', 'm.megolm.v2.aes-sha2']) {
      expect(setState('m.room.encryption', { algorithm }), algorithm).toMatchObject({
        outcome: 'refuse',
        error: { message: "This trust's policy says rooms must use m.megolm.v1.aes-sha2 encryption" },
      });
    }
    expect(setState('m.room.encryption', { algorithm: 'm.megolm.v1.aes-sha2' })).toEqual({
      outcome: 'allow',
    });
  });

  it('refuses state types Bleep does not use, m.* included, unless the policy lists them', () => {
    for (const type of [
      'com.example.notes',
      'm.room.server_acl',
      'm.space.child',
      'm.room.third_party_invite',
      'm.custom',
    ]) {
      expect(setState(type, { text: 'bed 4' }), type).toMatchObject({
        outcome: 'refuse',
        error: { rule: 'room-shape' },
      });
    }
    const listed = parsePolicy(
      { ...testPolicy, encryption: { ...testPolicy.encryption, plaintextEventTypes: ['uk.nhs.bleep.ward'] } },
      'listed',
    );
    expect(
      roomShape.check(
        ruleRequest('PUT', '/_matrix/client/v3/rooms/!r:x/state/uk.nhs.bleep.ward/', { ward: '12' }),
        ruleContext({ policy: listed }),
      ),
    ).toEqual({ outcome: 'allow' });
    expect(setState('m.room.avatar', {})).toEqual({ outcome: 'allow' });
    expect(check('GET', '/_matrix/client/v3/rooms/!r:x/state/com.example.notes/')).toEqual({
      outcome: 'allow',
    });
  });

  it('allows each state type Bleep uses in its spec shape', () => {
    for (const [type, content] of [
      ['m.room.name', { name: 'Ward 12' }],
      ['m.room.topic', { topic: 'handover' }],
      ['m.room.avatar', { url: 'mxc://northgate.nhs.uk/abc', info: { mimetype: 'image/png' } }],
      ['m.room.pinned_events', { pinned: ['$e1'] }],
      [
        'm.room.power_levels',
        {
          ban: 50,
          events: { 'm.room.name': 50 },
          events_default: 0,
          invite: 0,
          kick: 50,
          redact: 50,
          state_default: 50,
          users: { '@a:northgate.nhs.uk': 100 },
          users_default: 0,
          notifications: { room: 50 },
        },
      ],
      ['m.room.canonical_alias', { alias: '#ward12:northgate.nhs.uk', alt_aliases: [] }],
      ['m.room.join_rules', { join_rule: 'invite', allow: [] }],
      ['m.room.join_rules', { join_rule: 'invite', allow: [{ type: 'm.room_membership', room_id: '!s:x' }] }],
      ['m.room.encryption', { algorithm: 'm.megolm.v1.aes-sha2', rotation_period_ms: 604800000 }],
    ] as const) {
      expect(setState(type, content), type).toEqual({ outcome: 'allow' });
    }
  });

  it('says what is wrong, in the words of the policy', () => {
    expect(setState('m.room.name', 'Ward 12')).toMatchObject({
      outcome: 'refuse',
      error: { message: "This trust's policy says m.room.name content must be a JSON object" },
    });
    expect(setState('m.room.name', { name: 'Ward 12', notes: 'x' })).toMatchObject({
      error: {
        message:
          "This trust's policy says m.room.name has fields the Matrix spec does not give it (room state is not encrypted)",
      },
    });
  });

  it('refuses free text beside the spec fields of a state event', () => {
    for (const [type, content] of [
      ['m.room.name', { name: 'Ward 12', notes: 'bed 4 query sepsis' }],
      [
        'm.room.topic',
        { topic: 'handover', 'm.topic': { 'm.text': [{ body: 'x', mimetype: 'text/plain', extra: 'x' }] } },
      ],
      ['m.room.join_rules', { join_rule: 'invite', note: 'x' }],
      ['m.room.power_levels', { users: { '@a:x': 100 }, note: 'x' }],
    ] as const) {
      expect(setState(type, content), type).toMatchObject({
        outcome: 'refuse',
        error: { rule: 'room-shape' },
      });
    }
    expect(
      setState('m.room.topic', {
        topic: 'handover',
        'm.topic': { 'm.text': [{ body: 'handover', mimetype: 'text/plain' }] },
      }),
    ).toEqual({
      outcome: 'allow',
    });
  });

  it('lets a clinician set only their own member state, and only as a member', () => {
    expect(
      setState('m.room.member', { membership: 'join', displayname: 'Dr A' }, '@a:northgate.nhs.uk'),
    ).toEqual({
      outcome: 'allow',
    });
    // An invitation of a stranger through member state would skip the invitation rule.
    expect(setState('m.room.member', { membership: 'invite' }, '@friend:matrix.org')).toMatchObject({
      outcome: 'refuse',
    });
    expect(setState('m.room.member', { membership: 'join' }, '@b:northgate.nhs.uk')).toMatchObject({
      outcome: 'refuse',
    });
    expect(setState('m.room.member', { membership: 'ban' }, '@a:northgate.nhs.uk')).toMatchObject({
      outcome: 'refuse',
    });
  });

  it('makes every new room private and closed to guests, whatever preset or visibility the client asked for', () => {
    expect(createRoom({ name: 'Ward 12', preset: 'public_chat', visibility: 'public' })).toEqual({
      outcome: 'rewrite',
      body: {
        name: 'Ward 12',
        preset: 'private_chat',
        visibility: 'private',
        initial_state: [forbidden, retention],
      },
    });
    expect(createRoom({ preset: 'trusted_private_chat', is_direct: true })).toMatchObject({
      body: { preset: 'trusted_private_chat', visibility: 'private' },
    });
  });

  it("closes a new room to guests once: the client's own forbidding is kept, any other initial state is not enough", () => {
    const name = { type: 'm.room.name', state_key: '', content: { name: 'Ward 12' } };
    expect(createRoom({ initial_state: [name, forbidden] })).toMatchObject({
      body: { initial_state: [name, forbidden, retention] },
    });
    expect(createRoom({ initial_state: [name] })).toMatchObject({
      body: { initial_state: [name, forbidden, retention] },
    });
  });

  it("gives every new room the policy's client limit as m.room.retention, once", () => {
    expect(createRoom({ initial_state: [retention, forbidden] })).toMatchObject({
      body: { initial_state: [retention, forbidden] },
    });
    const sevenDays = parsePolicy({ ...testPolicy, retention: { clientDays: 7 } }, 'seven-day policy');
    const created = roomShape.check(
      ruleRequest('POST', '/_matrix/client/v3/createRoom', {}),
      ruleContext({ policy: sevenDays }),
    );
    expect(created).toMatchObject({
      body: {
        initial_state: [forbidden, { ...retention, content: { max_lifetime: 7 * 24 * 60 * 60 * 1000 } }],
      },
    });
  });

  it('keeps m.room.retention at the policy limit: no longer, no shorter, no other field', () => {
    expect(setState('m.room.retention', { max_lifetime: ninetyDaysMs })).toEqual({ outcome: 'allow' });
    for (const content of [
      { max_lifetime: ninetyDaysMs + 1 },
      { max_lifetime: 1000 },
      {},
      { max_lifetime: String(ninetyDaysMs) },
      { max_lifetime: ninetyDaysMs, min_lifetime: 0 },
    ]) {
      expect(setState('m.room.retention', content), JSON.stringify(content)).toMatchObject({
        outcome: 'refuse',
        error: { rule: 'room-shape' },
      });
    }
    expect(
      createRoom({ initial_state: [{ ...retention, content: { max_lifetime: ninetyDaysMs * 2 } }] }),
    ).toMatchObject({ outcome: 'refuse' });
  });

  it('takes every createRoom field the spec documents', () => {
    const body = {
      name: 'Ward 12',
      topic: 'handover',
      preset: 'private_chat',
      visibility: 'private',
      invite: ['@b:northgate.nhs.uk'],
      invite_3pid: [],
      is_direct: false,
      initial_state: [],
      creation_content: { 'm.federate': true },
      room_version: '11',
      power_level_content_override: { users_default: 0 },
    };
    expect(createRoom(body)).toEqual({
      outcome: 'rewrite',
      body: { ...body, initial_state: [forbidden, retention] },
    });
  });

  it('refuses a new room with an alias, before Synapse would make the room and then refuse the alias', () => {
    expect(createRoom({ name: 'Ward 12', room_alias_name: 'ward12' })).toMatchObject({
      outcome: 'refuse',
      error: {
        rule: 'room-shape',
        message: "This trust's policy says rooms have no alias: people join by invitation",
      },
    });
  });

  it('refuses a new room with disallowed initial state, unknown fields or unknown creation content', () => {
    for (const body of [
      {
        initial_state: [
          { type: 'm.room.guest_access', state_key: '', content: { guest_access: 'can_join' } },
        ],
      },
      { initial_state: [{ type: 'm.room.join_rules', content: { join_rule: 'knock' } }] },
      { initial_state: [{ type: 'com.example.notes', state_key: '', content: { text: 'bed 4' } }] },
      {
        initial_state: [
          { type: 'm.room.member', state_key: '@friend:matrix.org', content: { membership: 'invite' } },
        ],
      },
      { initial_state: [{ type: 'm.room.name', state_key: 5, content: { name: 'x' } }] },
      { initial_state: 'm.room.name' },
      { creation_content: { 'm.federate': true, notes: 'bed 4' } },
      { creation_content: { type: 'm.space' } },
      { creation_content: 'x' },
      { guest_can_join: true },
      // A forbidden event after an allowed one.
      {
        initial_state: [
          { type: 'm.room.name', state_key: '', content: { name: 'Ward 12' } },
          { type: 'com.example.notes', state_key: '', content: { text: 'bed 4' } },
        ],
      },
    ]) {
      expect(createRoom(body), JSON.stringify(body)).toMatchObject({
        outcome: 'refuse',
        error: { rule: 'room-shape' },
      });
    }
    for (const [body, problem] of [
      [{ creation_content: 'x' }, 'creation_content must be a JSON object'],
      [{ initial_state: 'm.room.name' }, 'initial_state must be a list of state events'],
      [{ initial_state: [42] }, 'every initial state event needs a type'],
      [{ initial_state: [{ state_key: '', content: {} }] }, 'every initial state event needs a type'],
    ] as const) {
      expect(createRoom(body), JSON.stringify(body)).toMatchObject({
        error: { message: `This trust's policy says ${problem}` },
      });
    }
    expect(
      createRoom({
        creation_content: { 'm.federate': true },
        initial_state: [{ type: 'm.room.history_visibility', content: { history_visibility: 'joined' } }],
      }),
    ).toMatchObject({ outcome: 'rewrite' });
  });
});
