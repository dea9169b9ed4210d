import { describe, expect, it } from 'vitest';
import { inviteScope, serverOfUserId } from './inviteScope.ts';
import { ruleContext, ruleRequest } from './ruleContext.testkit.ts';

const invite = (body: unknown) =>
  inviteScope.check(ruleRequest('POST', '/_matrix/client/v3/rooms/!r:x/invite', body), ruleContext());

describe('rule: invitations stay inside the federation', () => {
  it('allows staff of this trust and of a partner the directory vouches for', () => {
    expect(invite({ user_id: '@nurse:northgate.nhs.uk' })).toEqual({ outcome: 'allow' });
    expect(invite({ user_id: '@surgeon:southmere.nhs.uk' })).toEqual({ outcome: 'allow' });
  });

  it('refuses anyone else, naming the reason', () => {
    expect(invite({ user_id: '@friend:matrix.org' })).toMatchObject({
      outcome: 'refuse',
      error: {
        status: 403,
        errcode: 'M_FORBIDDEN',
        message: expect.stringContaining('not at this trust or at a partner trust') as string,
      },
    });
  });

  it('refuses a partner the policy lists but the signed directory does not vouch for', () => {
    expect(invite({ user_id: '@dr:unvouched.nhs.uk' })).toMatchObject({ outcome: 'refuse' });
  });

  it('refuses invitations by email, and invitees in createRoom', () => {
    expect(invite({ medium: 'email', address: 'someone@gmail.com', id_server: 'vector.im' })).toMatchObject({
      outcome: 'refuse',
    });
    const create = inviteScope.check(
      ruleRequest('POST', '/_matrix/client/v3/createRoom', {
        invite: ['@nurse:northgate.nhs.uk', '@x:evil.example'],
      }),
      ruleContext(),
    );
    expect(create).toMatchObject({ outcome: 'refuse' });
  });

  it('refuses a malformed user ID with a clear error', () => {
    expect(invite({ user_id: 'not-a-user' })).toMatchObject({
      outcome: 'refuse',
      error: { errcode: 'M_INVALID_PARAM' },
    });
    expect(serverOfUserId('@a:server:8448')).toBe('server:8448');
  });
});
