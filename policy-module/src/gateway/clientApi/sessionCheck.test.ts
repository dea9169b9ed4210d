import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { DeviceStatus } from '../rules/enrolledSession.ts';
import type { TokenOwner } from '../whoAmI.ts';
import { checkSession, type SessionCheckDeps } from './sessionCheck.ts';

const doctor = { userId: '@dr:northgate.nhs.uk', deviceId: 'PC1' };

function request(url: string, authorization: string[] = []): IncomingMessage {
  const message = new IncomingMessage(new Socket());
  message.url = url;
  message.headersDistinct = authorization.length > 0 ? { authorization } : {};
  return message;
}

/** Dependencies whose whoAmI answers `owner` and records every token it was asked about. */
function deps(owner: TokenOwner, status: DeviceStatus = 'active', enrolmentRequired = true) {
  const asked: string[] = [];
  const check: SessionCheckDeps = {
    whoAmI: (token) => {
      asked.push(token);
      return Promise.resolve(owner);
    },
    devices: { status: () => status },
    enrolmentRequired,
  };
  return { asked, check };
}

describe('session check', () => {
  it('lets a session of a desktop enrolled now through, with who holds it', async () => {
    const { asked, check } = deps({ outcome: 'identity', identity: doctor });
    expect(await checkSession(request('/_matrix/client/v3/sync', ['Bearer tok']), check)).toEqual({
      outcome: 'session',
      identity: doctor,
      token: 'tok',
    });
    expect(asked).toEqual(['tok']);
  });

  it('refuses a request with no token as a missing token, without asking Synapse', async () => {
    const { asked, check } = deps({ outcome: 'identity', identity: doctor });
    const result = await checkSession(request('/_matrix/client/v3/sync'), check);
    expect(result).toMatchObject({ outcome: 'refused', error: { status: 401, errcode: 'M_MISSING_TOKEN' } });
    expect(result.outcome === 'refused' && result.error.message).toMatch(/access token/);
    expect(asked).toEqual([]);
  });

  it('refuses an ambiguous token, saying why, without asking Synapse about either', async () => {
    const { asked, check } = deps({ outcome: 'identity', identity: doctor });
    const result = await checkSession(request('/_matrix/client/v3/sync?access_token=b', ['Bearer a']), check);
    expect(result).toMatchObject({ outcome: 'refused', error: { status: 401, errcode: 'M_MISSING_TOKEN' } });
    expect(result.outcome === 'refused' && result.error.message).toMatch(
      /ambiguous: a token in both a header and the query/,
    );
    expect(asked).toEqual([]);
  });

  it('answers 502 when Synapse cannot say whose token it is', async () => {
    const result = await checkSession(request('/x', ['Bearer tok']), deps({ outcome: 'unavailable' }).check);
    expect(result).toMatchObject({ outcome: 'refused', error: { status: 502, errcode: 'M_UNKNOWN' } });
  });

  it('refuses a token Synapse does not know as unknown, so the client signs in again', async () => {
    const result = await checkSession(
      request('/x', ['Bearer tok']),
      deps({ outcome: 'unknown-token', softLogout: false }).check,
    );
    expect(result).toMatchObject({ outcome: 'refused', error: { status: 401, errcode: 'M_UNKNOWN_TOKEN' } });
    expect(result.outcome === 'refused' && result.error.message).toMatch(/access token/);
    expect(result.outcome === 'refused' && result.error.toJSON().soft_logout).toBeUndefined();
  });

  it("passes Synapse's soft logout on for an expired token, so the client renews it and erases nothing", async () => {
    const result = await checkSession(
      request('/x', ['Bearer tok']),
      deps({ outcome: 'unknown-token', softLogout: true }).check,
    );
    expect(result.outcome === 'refused' && result.error.toJSON()).toEqual({
      errcode: 'M_UNKNOWN_TOKEN',
      error: 'The access token has expired',
      soft_logout: true,
    });
  });

  it('refuses the session of a revoked desktop, naming who held it for the audit trail', async () => {
    const result = await checkSession(
      request('/x', ['Bearer tok']),
      deps({ outcome: 'identity', identity: doctor }, 'revoked').check,
    );
    expect(result).toMatchObject({
      outcome: 'refused',
      identity: doctor,
      error: { status: 401, errcode: 'M_UNKNOWN_TOKEN', rule: 'device-enrolment' },
    });
  });

  it('lets any session Synapse knows through when the policy does not require enrolment', async () => {
    const result = await checkSession(
      request('/x', ['Bearer tok']),
      deps({ outcome: 'identity', identity: doctor }, 'unknown-device', false).check,
    );
    expect(result).toEqual({ outcome: 'session', identity: doctor, token: 'tok' });
  });
});
