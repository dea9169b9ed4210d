import { describe, expect, it } from 'vitest';
import { accountDataTypes } from './accountDataTypes.ts';
import { ruleContext, ruleRequest } from './ruleContext.testkit.ts';

const put = (path: string) => accountDataTypes.check(ruleRequest('PUT', path, {}), ruleContext());

describe('rule: account data holds only what the client keeps there', () => {
  it('allows the types the client writes, in global and room account data', () => {
    expect(put('/_matrix/client/v3/user/@a:x/account_data/m.direct')).toEqual({ outcome: 'allow' });
    expect(put('/_matrix/client/v3/user/@a:x/account_data/m.ignored_user_list')).toEqual({
      outcome: 'allow',
    });
    expect(put('/_matrix/client/v3/user/@a:x/rooms/!r:x/account_data/m.marked_unread')).toEqual({
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
