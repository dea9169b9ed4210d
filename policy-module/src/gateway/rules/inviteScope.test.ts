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
    const byEmail = {
      outcome: 'refuse',
      error: { status: 403, rule: 'invite-scope', message: expect.stringContaining('email') as string },
    };
    expect(invite({ medium: 'email', address: 'someone@gmail.com', id_server: 'vector.im' })).toMatchObject(
      byEmail,
    );
    // Synapse reads any of these fields as a third-party invitation, whoever else the body names.
    expect(invite({ user_id: '@nurse:northgate.nhs.uk', medium: 'email' })).toMatchObject(byEmail);
    expect(invite({ user_id: '@nurse:northgate.nhs.uk', address: 'someone@gmail.com' })).toMatchObject(
      byEmail,
    );
    const createRoom = (body: unknown) =>
      inviteScope.check(ruleRequest('POST', '/_matrix/client/v3/createRoom', body), ruleContext());
    expect(
      createRoom({
        invite_3pid: [{ medium: 'email', address: 'someone@gmail.com', id_server: 'vector.im' }],
      }),
    ).toMatchObject(byEmail);
    expect(createRoom({ invite_3pid: [], invite: ['@nurse:northgate.nhs.uk'] })).toEqual({
      outcome: 'allow',
    });
    const create = inviteScope.check(
      ruleRequest('POST', '/_matrix/client/v3/createRoom', {
        invite: ['@nurse:northgate.nhs.uk', '@x:evil.example'],
      }),
      ruleContext(),
    );
    expect(create).toMatchObject({ outcome: 'refuse', error: { rule: 'invite-scope' } });
  });

  it('reads invitations only in the requests that make them', () => {
    const elsewhere = inviteScope.check(
      ruleRequest('PUT', '/_matrix/client/v3/rooms/!r:x/state/m.room.topic/', {
        topic: 'x',
        invite: ['@x:evil.example'],
        medium: 'email',
      }),
      ruleContext(),
    );
    expect(elsewhere).toEqual({ outcome: 'allow' });
  });

  it('refuses a malformed user ID with a clear error', () => {
    for (const userId of [
      'not-a-user',
      '@:northgate.nhs.uk',
      '@nurse:',
      'nurse:northgate.nhs.uk',
      '@nurse',
      42,
    ]) {
      expect(invite({ user_id: userId }), String(userId)).toMatchObject({
        outcome: 'refuse',
        error: {
          status: 400,
          errcode: 'M_INVALID_PARAM',
          rule: 'invite-scope',
          message: expect.stringContaining('@name:server') as string,
        },
      });
    }
    expect(serverOfUserId('@a:server:8448')).toBe('server:8448');
    expect(serverOfUserId('@a:b')).toBe('b');
  });
});
