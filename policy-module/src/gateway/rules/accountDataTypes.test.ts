import { describe, expect, it } from 'vitest';
import { accountDataTypes } from './accountDataTypes.ts';
import { ruleContext, ruleRequest } from './ruleContext.testkit.ts';

const put = (path: string, body: unknown = {}) =>
  accountDataTypes.check(ruleRequest('PUT', path, body), ruleContext());

describe('rule: account data holds only what the client keeps there', () => {
  it('allows the types the client writes, in global and room account data', () => {
    expect(put('/_matrix/client/v3/user/@a:x/account_data/m.direct')).toEqual({ outcome: 'allow' });
    expect(
      put('/_matrix/client/v3/user/@a:x/account_data/m.ignored_user_list', { ignored_users: { '@b:x': {} } }),
    ).toEqual({ outcome: 'allow' });
    expect(
      put('/_matrix/client/v3/user/@a:x/rooms/!r:x/account_data/m.marked_unread', { unread: true }),
    ).toEqual({
      outcome: 'allow',
    });
  });

  it('refuses any other type a client could keep notes under', () => {
    for (const path of [
      '/_matrix/client/v3/user/@a:x/account_data/com.example.notes',
      '/_matrix/client/v3/user/@a:x/account_data/m.custom',
      '/_matrix/client/v3/user/@a:x/rooms/!r:x/account_data/m.tag',
    ]) {
      expect(put(path), path).toMatchObject({ outcome: 'refuse', error: { rule: 'account-data-types' } });
    }
    expect(put('/_matrix/client/v3/user/@a:x/account_data/com.example.notes')).toMatchObject({
      error: {
        message:
          'Account data of type com.example.notes is not used by Bleep: the server would keep it unencrypted',
      },
    });
  });

  it('refuses free text beside the spec fields of an allowed type, and in a room tag', () => {
    for (const [path, body] of [
      [
        '/_matrix/client/v3/user/@a:x/account_data/m.direct',
        { '@b:x': ['!r:x'], notes: 'bed 4 query sepsis' },
      ],
      ['/_matrix/client/v3/user/@a:x/account_data/m.ignored_user_list', { ignored_users: {}, notes: 'x' }],
      ['/_matrix/client/v3/user/@a:x/rooms/!r:x/account_data/m.marked_unread', { unread: true, body: 'x' }],
      ['/_matrix/client/v3/user/@a:x/rooms/!r:x/tags/m.favourite', { order: 0.5, note: 'bed 4' }],
    ] as const) {
      expect(put(path, body), path).toMatchObject({
        outcome: 'refuse',
        error: { rule: 'account-data-types' },
      });
    }
    expect(put('/_matrix/client/v3/user/@a:x/account_data/m.direct', { notes: 'x' })).toMatchObject({
      error: { message: 'Account data of type m.direct has fields the Matrix spec does not give it' },
    });
    expect(put('/_matrix/client/v3/user/@a:x/rooms/!r:x/tags/m.favourite', { note: 'x' })).toMatchObject({
      error: { message: 'A room tag holds only its order' },
    });
    expect(put('/_matrix/client/v3/user/@a:x/account_data/m.direct', { '@b:x': ['!r:x'] })).toEqual({
      outcome: 'allow',
    });
    expect(put('/_matrix/client/v3/user/@a:x/rooms/!r:x/tags/m.favourite', { order: 0.5 })).toEqual({
      outcome: 'allow',
    });
  });

  it('lets a tag be removed, whatever the removal carries (Synapse keeps nothing of it)', () => {
    expect(
      accountDataTypes.check(
        ruleRequest('DELETE', '/_matrix/client/v3/user/@a:x/rooms/!r:x/tags/m.favourite', { note: 'x' }),
        ruleContext(),
      ),
    ).toEqual({ outcome: 'allow' });
  });

  it('lets every type be read', () => {
    expect(
      accountDataTypes.check(
        ruleRequest('GET', '/_matrix/client/v3/user/@a:x/account_data/com.example.notes'),
        ruleContext(),
      ),
    ).toEqual({ outcome: 'allow' });
  });
});
