import { describe, expect, it } from 'vitest';
import { noPatientIdentifiers } from './noPatientIdentifiers.ts';
import { ruleContext, ruleRequest } from './ruleContext.testkit.ts';

const check = (method: string, path: string, body?: unknown) =>
  noPatientIdentifiers.check(ruleRequest(method, path, body), ruleContext());

const refused = { outcome: 'refuse', error: { rule: 'no-patient-identifiers' } };

describe('rule: no patient identifiers in plaintext', () => {
  it('refuses an NHS number anywhere in a body: values, keys, any depth, without echoing it', () => {
    for (const body of [
      { name: 'Bed 4 - 943 476 5919' },
      { topic: 'review 9434765919 today' },
      { 'm.topic': [{ body: 'review 943-476-5919', mimetype: 'text/plain' }] },
      { room_alias_name: 'pt-9434765919' },
      { creation_content: { 'm.federate': true, note: '9434765919' } },
      { initial_state: [{ type: 'm.room.topic', state_key: '9434765919', content: {} }] },
      { 9434765919: true },
      { content: { 'bed 4': { '943 476 5919': 'x' } } },
    ]) {
      const verdict = check('POST', '/_matrix/client/v3/createRoom', body);
      expect(verdict, JSON.stringify(body)).toMatchObject(refused);
      expect(verdict.outcome === 'refuse' ? verdict.error.message : '').not.toMatch(/943|5919/);
    }
  });

  it('refuses an NHS number in any path parameter of a write: state keys, tags, aliases, types, ids', () => {
    for (const [method, path, body] of [
      ['PUT', '/_matrix/client/v3/rooms/!r:x/state/m.room.name/9434765919', { name: 'x' }],
      ['PUT', '/_matrix/client/v3/user/@a:x/rooms/!r:x/tags/pt%209434765919', {}],
      ['PUT', '/_matrix/client/v3/devices/9434765919', { display_name: 'x' }],
      ['POST', '/_matrix/client/v3/join/%23pt9434765919:x', {}],
    ] as const) {
      expect(check(method, path, body), path).toMatchObject(refused);
    }
  });

  it('refuses numbers in every plaintext text people write beside messages', () => {
    const withNumber = 'discharged, 943 476 5919';
    for (const [method, path, body] of [
      ['PUT', '/_matrix/client/v3/presence/@a:x/status', { presence: 'online', status_msg: withNumber }],
      ['POST', '/_matrix/client/v3/rooms/!r:x/kick', { user_id: '@b:x', reason: withNumber }],
      ['POST', '/_matrix/client/v3/rooms/!r:x/invite', { user_id: '@b:x', reason: withNumber }],
      ['PUT', '/_matrix/client/v3/rooms/!r:x/redact/$e/t1', { reason: withNumber }],
      ['PUT', '/_matrix/client/v3/profile/@a:x/displayname', { displayname: withNumber }],
      ['PUT', '/_matrix/client/v3/devices/PC1', { display_name: withNumber }],
      ['POST', '/_matrix/client/v3/rooms/!r:x/report/$e', { reason: withNumber }],
      ['PUT', '/_matrix/client/v3/user/@a:x/account_data/m.direct', { '@b:x': [withNumber] }],
      ['PUT', '/_matrix/client/v3/rooms/!r:x/send/m.reaction/t1', { 'm.relates_to': { key: withNumber } }],
      [
        'PUT',
        '/_matrix/client/v3/sendToDevice/m.key.verification.cancel/t1',
        { messages: { '@b:x': { D: { reason: withNumber } } } },
      ],
      [
        'POST',
        '/_matrix/client/v3/login',
        { type: 'm.login.password', initial_device_display_name: withNumber },
      ],
    ] as const) {
      expect(check(method, path, body), path).toMatchObject(refused);
      expect(
        check(method, path, JSON.parse(JSON.stringify(body).replaceAll(withNumber, 'on call')) as unknown),
        path,
      ).toEqual({
        outcome: 'allow',
      });
    }
  });

  it('allows other numbers: bed numbers, extensions, an invalid check digit, timestamps, ids and ciphertext', () => {
    expect(
      check('POST', '/_matrix/client/v3/createRoom', {
        name: 'Ward 12 bed 4, bleep 2231, 9434765918',
        topic: 'since 1764320000000',
        creation_content: { 'm.federate': true },
      }),
    ).toEqual({ outcome: 'allow' });
    expect(
      check('PUT', '/_matrix/client/v3/rooms/!r:x/send/m.room.encrypted/1764320000000', {
        algorithm: 'm.megolm.v1.aes-sha2',
        ciphertext: 'AwgAEnAbc9434765919xyzABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/',
        session_id: 'x9434765919y',
        device_id: 'PC1',
      }),
    ).toEqual({ outcome: 'allow' });
  });

  it("refuses an NHS number in an upload's file name or media type, which Synapse keeps", () => {
    const upload = (path: string, contentType?: string) =>
      noPatientIdentifiers.check({ ...ruleRequest('POST', path), contentType }, ruleContext());
    expect(upload('/_matrix/media/v3/upload?filename=943%20476%205919%20letter.pdf')).toMatchObject(refused);
    expect(
      upload('/_matrix/media/v3/upload?filename=letter.pdf', 'application/pdf; name="9434765919"'),
    ).toMatchObject(refused);
    expect(upload('/_matrix/media/v3/upload?filename=letter.pdf', 'application/pdf')).toEqual({
      outcome: 'allow',
    });
  });

  it('says where the number is, so the person can find it', () => {
    const where = (verdict: ReturnType<typeof check>) =>
      verdict.outcome === 'refuse'
        ? /\(([^)]*)\), which would be stored unencrypted/.exec(verdict.error.message)?.[1]
        : undefined;
    expect(where(check('PUT', '/_matrix/client/v3/rooms/!r:x/state/m.room.name/9434765919', {}))).toBe(
      'in the address, stateKey',
    );
    expect(
      where(
        noPatientIdentifiers.check(
          ruleRequest('POST', '/_matrix/media/v3/upload?filename=9434765919.pdf'),
          ruleContext(),
        ),
      ),
    ).toBe('in the query string');
    expect(
      where(
        noPatientIdentifiers.check(
          {
            ...ruleRequest('POST', '/_matrix/media/v3/upload'),
            contentType: 'application/pdf; name="9434765919"',
          },
          ruleContext(),
        ),
      ),
    ).toBe('in the Content-Type');
    expect(where(check('POST', '/_matrix/client/v3/createRoom', { name: '9434765919' }))).toMatch(/^at \S/);
    expect(check('POST', '/_matrix/client/v3/createRoom', { name: '9434765919' })).toMatchObject({
      error: {
        message: expect.stringContaining('put patient details in the conversation instead') as string,
      },
    });
  });

  it('does not search a transaction id, which clients make from counters and random digits', () => {
    // "w-943476591-9": ten digits in whole groups, with a valid check digit.
    expect(check('PUT', '/_matrix/client/v3/rooms/!r:x/send/m.reaction/w-943476591-9', {})).toEqual({
      outcome: 'allow',
    });
    expect(check('PUT', '/_matrix/client/v3/sendToDevice/m.room.encrypted/943-476-5919', {})).toEqual({
      outcome: 'allow',
    });
  });

  it('does not search reads, which store nothing', () => {
    expect(check('GET', '/_matrix/client/v3/rooms/!r:x/state/m.room.name/9434765919')).toEqual({
      outcome: 'allow',
    });
  });
});
