// The sign-in flow on its own, on a local port, with stand-ins for Synapse's answer, the enrolment store and the
// device list, each recording what it was asked (createClientGateway.test.ts proves it wired into the gateway).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../audit/auditEntry.ts';
import { MatrixError, policyRefusal, sendMatrixError } from '../matrixError.ts';
import type { DeviceStatus } from '../rules/enrolledSession.ts';
import type { BufferedAnswer } from '../synapseProxy.ts';
import type { RefusedRequest } from './clientRefusal.ts';
import { createSignIn, type SignInDeps } from './signIn.ts';

const signedIn = { user_id: '@dr:northgate.nhs.uk', access_token: 'syt_new', device_id: 'PC1' };

function answer(statusCode: number, body: unknown): BufferedAnswer {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', 'x-from-synapse': 'yes' },
    body: Buffer.from(JSON.stringify(body)),
  };
}

describe('the sign-in flow', () => {
  const audit: AuditEntry[] = [];
  const refused: { refused: RefusedRequest; error: MatrixError }[] = [];
  const exchanged: string[] = [];
  const recorded: [string, string][] = [];
  const discarded: string[] = [];
  const loginChecks: [unknown, string | undefined][] = [];
  let synapseAnswer = answer(200, signedIn);
  let status: DeviceStatus = 'active';
  let enrolmentRequired = true;
  let bodyRefusal: MatrixError | undefined;

  const deps: SignInDeps = {
    enrolment: {
      checkLogin: (deviceId, credential) => {
        loginChecks.push([deviceId, credential]);
        return Promise.resolve(
          credential === 'cred-pc1'
            ? { ok: true }
            : {
                ok: false,
                code: 'DEVICE_LOGIN_REFUSED',
                message: 'Not enrolled.',
                auditReason: 'DEVICE_UNKNOWN',
              },
        );
      },
      recordLogin: (deviceId, userId) => {
        recorded.push([deviceId, userId]);
        return Promise.resolve();
      },
      deviceOfCredential: () => Promise.resolve(undefined),
      redeemCode: () => Promise.reject(new Error('not used by sign-in')),
    },
    devices: { status: () => status },
    get enrolmentRequired() {
      return enrolmentRequired;
    },
    proxy: {
      forward: () => Promise.reject(new Error('sign-in never streams')),
      exchange: (_request, body) => {
        exchanged.push(body.toString('utf8'));
        return Promise.resolve(synapseAnswer);
      },
      close: () => Promise.resolve(),
    },
    discardToken: (token) => {
      discarded.push(token);
      return Promise.resolve();
    },
    audit: {
      record: (entry) => {
        audit.push(entry);
        return Promise.resolve();
      },
    },
    refuse: (response, request, error) => {
      refused.push({ refused: request, error });
      sendMatrixError(response, error);
      return Promise.resolve();
    },
    maxJsonBodyBytes: 4096,
    checkBody: () => bodyRefusal,
    log: pino({ level: 'silent' }),
  };
  const signIn = createSignIn(deps);
  const server: Server = createServer((request, response) => {
    void signIn(request, response);
  });
  let url = '';

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/_matrix/client/v3/login`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  beforeEach(() => {
    for (const list of [audit, refused, exchanged, recorded, discarded, loginChecks]) list.length = 0;
    synapseAnswer = answer(200, signedIn);
    status = 'active';
    enrolmentRequired = true;
    bodyRefusal = undefined;
  });

  const login = (body: unknown, credential: string | null = 'cred-pc1') =>
    fetch(url, {
      method: 'POST',
      headers: credential === null ? {} : { 'x-bleep-device-credential': credential },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  it("signs an enrolled desktop in, records who signed in where, and passes Synapse's answer on", async () => {
    const response = await login({ type: 'm.login.password', device_id: 'PC1' });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-from-synapse')).toBe('yes');
    expect(await response.json()).toEqual(signedIn);
    expect(loginChecks).toEqual([['PC1', 'cred-pc1']]);
    expect(recorded).toEqual([['PC1', '@dr:northgate.nhs.uk']]);
    expect(audit).toEqual([
      { actor: '@dr:northgate.nhs.uk', device: 'PC1', action: 'login', room: null, result: 'ok' },
    ]);
    expect(discarded).toEqual([]);
  });

  it('passes a sign-in Synapse refused back as Synapse gave it, audited, and records no login', async () => {
    synapseAnswer = answer(403, { errcode: 'M_FORBIDDEN', error: 'Invalid password' });
    const response = await login({ type: 'm.login.password', device_id: 'PC1' });
    expect(response.status).toBe(403);
    expect(response.headers.get('x-from-synapse')).toBe('yes');
    expect(await response.json()).toEqual({ errcode: 'M_FORBIDDEN', error: 'Invalid password' });
    expect(audit).toEqual([
      { actor: null, device: 'PC1', action: 'login', room: null, result: 'homeserver refused (403)' },
    ]);
    expect(recorded).toEqual([]);
  });

  it('refuses a sign-in from a device that is not enrolled before Synapse sees it, with the precise reason for the audit', async () => {
    const response = await login({ type: 'm.login.password', device_id: 'LAPTOP' }, 'guess');
    expect(response.status).toBe(403);
    expect(exchanged).toEqual([]);
    expect(refused).toEqual([
      {
        refused: {
          what: 'login',
          identity: undefined,
          device: 'LAPTOP',
          room: null,
          auditReason: 'DEVICE_UNKNOWN',
        },
        error: expect.objectContaining({ rule: 'device-enrolment' }) as MatrixError,
      },
    ]);
  });

  it('refuses, before Synapse sees it, a sign-in whose body a policy rule refuses', async () => {
    bodyRefusal = policyRefusal('no-patient-identifiers', 'An NHS number in a device name');
    const response = await login({ type: 'm.login.password', device_id: 'PC1' });
    expect(response.status).toBe(403);
    expect(refused.map((each) => [each.refused.device, each.error.rule])).toEqual([
      ['PC1', 'no-patient-identifiers'],
    ]);
    expect(loginChecks).toEqual([]);
    expect(exchanged).toEqual([]);
  });

  it('names in the audit at most 128 characters of the device a sign-in names, and no device that is not a string', async () => {
    await login({ type: 'm.login.password', device_id: 'x'.repeat(300) }, 'guess');
    await login({ type: 'm.login.password', device_id: 12 }, 'guess');
    await login(['m.login.password', 'PC1'], 'guess');
    expect(refused.map((each) => each.refused.device)).toEqual(['x'.repeat(128), null, null]);
    // The store is asked about what the body said, not about the shortened name.
    expect(loginChecks[0]?.[0]).toBe('x'.repeat(300));
  });

  it('passes the credential header on to the enrolment check, and no credential when there is none', async () => {
    await login({ type: 'm.login.password', device_id: 'PC1' }, null);
    expect(loginChecks).toEqual([['PC1', undefined]]);
  });

  it('refuses a sign-in with an unreadable body as a refused sign-in naming no device', async () => {
    const response = await login('{"device_id": "PC1",');
    expect(response.status).toBe(400);
    expect(refused.map((each) => [each.refused.device, each.error.errcode])).toEqual([[null, 'M_NOT_JSON']]);
  });

  it('leaves a failure that is no refusal (the connection broke) to the gateway', async () => {
    const broken = Object.assign(
      new Readable({
        read() {
          this.destroy(new Error('aborted'));
        },
      }),
      { headers: {} },
    );
    await expect(signIn(broken as never, {} as never)).rejects.toThrow('aborted');
    expect(refused).toEqual([]);
  });

  it('takes back the token of a sign-in that finished after its desktop was revoked', async () => {
    status = 'revoked';
    const response = await login({ type: 'm.login.password', device_id: 'PC1' });
    expect(response.status).toBe(401);
    expect(discarded).toEqual(['syt_new']);
    expect(refused).toEqual([
      {
        refused: { what: 'login', identity: { userId: '@dr:northgate.nhs.uk', deviceId: 'PC1' }, room: null },
        error: expect.objectContaining({
          errcode: 'M_UNKNOWN_TOKEN',
          rule: 'device-enrolment',
        }) as MatrixError,
      },
    ]);
    expect(recorded).toEqual([]);
    // An answer with no token in it leaves nothing to take back.
    synapseAnswer = answer(200, { user_id: '@dr:northgate.nhs.uk', device_id: 'PC1' });
    expect((await login({ type: 'm.login.password', device_id: 'PC1' })).status).toBe(401);
    expect(discarded).toEqual(['syt_new']);
  });

  it('records no device for a sign-in that names none, when the policy does not require enrolment', async () => {
    enrolmentRequired = false;
    const response = await login({ type: 'm.login.password' }, null);
    expect(response.status).toBe(200);
    expect(recorded).toEqual([]);
    expect(audit).toEqual([
      { actor: '@dr:northgate.nhs.uk', device: null, action: 'login', room: null, result: 'ok' },
    ]);
  });
});
