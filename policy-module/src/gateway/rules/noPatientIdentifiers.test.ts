import { describe, expect, it } from 'vitest';
import { findNhsNumbers } from '../../nhsNumber/nhsNumber.ts';
import { noPatientIdentifiers } from './noPatientIdentifiers.ts';
import { ruleContext, ruleRequest } from './ruleTestContext.ts';

const check = (method: string, path: string, body: unknown) =>
  noPatientIdentifiers.check(ruleRequest(method, path, body), ruleContext({ findNhsNumbers }));

describe('rule: no patient identifiers in plaintext', () => {
  it('refuses a room name, topic or address holding a valid NHS number, without echoing it', () => {
    for (const body of [
      { name: 'Bed 4 - 943 476 5919' },
      { topic: 'review 9434765919 today' },
      { room_alias_name: 'pt-9434765919' },
      { initial_state: [{ type: 'm.room.topic', state_key: '', content: { topic: '943-476-5919' } }] },
    ]) {
      const verdict = check('POST', '/_matrix/client/v3/createRoom', body);
      expect(verdict).toMatchObject({ outcome: 'refuse', error: { rule: 'no-patient-identifiers' } });
      expect(verdict.outcome === 'refuse' ? verdict.error.message : '').not.toMatch(/943/);
    }
  });

  it('allows names with other numbers: bed numbers, phone extensions, an invalid check digit', () => {
    expect(
      check('POST', '/_matrix/client/v3/createRoom', { name: 'Ward 12 bed 4, bleep 2231, 9434765918' }),
    ).toEqual({
      outcome: 'allow',
    });
  });

  it('refuses NHS numbers in room name and topic changes and in display names', () => {
    expect(
      check('PUT', '/_matrix/client/v3/rooms/!r:x/state/m.room.name', { name: '9434765919' }),
    ).toMatchObject({ outcome: 'refuse' });
    expect(
      check('PUT', '/_matrix/client/v3/rooms/!r:x/state/m.room.member/@a:x', {
        membership: 'join',
        displayname: 'A 9434765919',
      }),
    ).toMatchObject({
      outcome: 'refuse',
    });
    expect(
      check('PUT', '/_matrix/client/v3/profile/@a:x/displayname', { displayname: 'Dr A (943 476 5919)' }),
    ).toMatchObject({
      outcome: 'refuse',
    });
    expect(
      check('PUT', '/_matrix/client/v3/profile/@a:x/displayname', { displayname: 'Dr A, Cardiology' }),
    ).toEqual({ outcome: 'allow' });
  });

  it('refuses NHS numbers in the plaintext reasons and statuses kept beside messages', () => {
    const withNumber = 'discharged, 943 476 5919';
    for (const [method, path, body] of [
      ['PUT', '/_matrix/client/v3/presence/@a:x/status', { presence: 'online', status_msg: withNumber }],
      ['POST', '/_matrix/client/v3/rooms/!r:x/kick', { user_id: '@b:x', reason: withNumber }],
      ['POST', '/_matrix/client/v3/rooms/!r:x/leave', { reason: withNumber }],
      ['POST', '/_matrix/client/v3/rooms/!r:x/invite', { user_id: '@b:x', reason: withNumber }],
      ['POST', '/_matrix/client/v3/join/%23ward12:x', { reason: withNumber }],
      ['PUT', '/_matrix/client/v3/rooms/!r:x/redact/$e/t1', { reason: withNumber }],
      [
        'PUT',
        '/_matrix/client/v3/rooms/!r:x/state/m.room.member/@b:x',
        { membership: 'ban', reason: withNumber },
      ],
    ] as const) {
      expect(check(method, path, body), path).toMatchObject({
        outcome: 'refuse',
        error: { rule: 'no-patient-identifiers' },
      });
      expect(check(method, path, { ...body, reason: 'handover', status_msg: 'on call' }), path).toEqual({
        outcome: 'allow',
      });
    }
  });
});
