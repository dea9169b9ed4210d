// POST /_bleep/device-signature on its own, on a local port, with stand-ins for Synapse's whoami, the device list,
// the enrolment store and the signing (unit test only; client/test/integration/hotDesking.test.ts and
// identityReset.test.ts prove it through the real gateway and Synapse, judged by Synapse's key tables).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../audit/auditEntry.ts';
import type { DeviceSigningRequest } from '../../identity/deviceSigning.ts';
import { newCrossSigningSeeds } from '../../identity/crossSigningIdentity.ts';
import { ed25519PublicKey } from '../../identity/ed25519Keys.ts';
import { SynapseKeysError, type SynapseKeys } from '../../identity/synapseKeys.ts';
import { createGatewayMetrics } from '../gatewayMetrics.ts';
import type { DeviceStatus } from '../rules/enrolledSession.ts';
import { testPolicy } from '../rules/ruleContext.testkit.ts';
import type { TokenOwner } from '../whoAmI.ts';
import { createRefuse } from './clientRefusal.ts';
import { createDeviceSignatureRoute } from './deviceSignatureRoute.ts';

const owners: Record<string, TokenOwner> = {
  'token-pc1': { outcome: 'identity', identity: { userId: '@dr:northgate.nhs.uk', deviceId: 'PC1' } },
  'token-revoked': { outcome: 'identity', identity: { userId: '@dr:northgate.nhs.uk', deviceId: 'OLD-PC' } },
  'token-no-device': { outcome: 'identity', identity: { userId: '@dr:northgate.nhs.uk', deviceId: null } },
  'token-down': { outcome: 'unavailable' },
};
const deviceStatus: Record<string, DeviceStatus> = { PC1: 'active', 'OLD-PC': 'revoked' };
const credentials: Record<string, string> = { PC1: 'credential-pc1' };
const deviceKey = ed25519PublicKey(newCrossSigningSeeds().master);

describe('the device signature route', () => {
  const audit: AuditEntry[] = [];
  const asked: DeviceSigningRequest[] = [];
  let synapseDown = false;
  const seeds = newCrossSigningSeeds();
  const log = pino({ level: 'silent' });
  const auditSink = {
    record: (entry: AuditEntry) => {
      audit.push(entry);
      return Promise.resolve();
    },
  };
  // Answers as Synapse does for a clinician with no identity yet and the device's keys as claimed, recording asks.
  const synapseKeys: SynapseKeys = {
    queryOwnKeys: () => {
      if (synapseDown) return Promise.reject(new SynapseKeysError('Synapse did not answer'));
      return Promise.resolve({ masterKey: undefined, deviceKeys: undefined });
    },
    publishIdentity: () => Promise.resolve('published'),
    uploadSignature: () => Promise.resolve(),
  };
  const route = createDeviceSignatureRoute({
    policy: testPolicy,
    whoAmI: (token) => Promise.resolve(owners[token] ?? { outcome: 'unknown-token', softLogout: false }),
    devices: { status: (deviceId) => deviceStatus[deviceId] ?? 'unknown-device' },
    enrolment: {
      checkLogin: (deviceId, credential) =>
        Promise.resolve(
          credential !== undefined && credentials[deviceId] === credential
            ? { ok: true as const }
            : { ok: false as const, code: 'DEVICE_NOT_ENROLLED', message: 'This desktop is not enrolled.' },
        ),
      recordLogin: () => Promise.resolve(),
      deviceOfCredential: () => Promise.resolve(undefined),
      redeemCode: () => Promise.reject(new Error('not asked here')),
    },
    identities: {
      findOrCreate: (userId) => {
        asked.push({ accessToken: '', userId, deviceId: '', claimedEd25519: '' });
        return Promise.resolve({
          userId,
          seeds,
          masterKey: ed25519PublicKey(seeds.master),
          selfSigningKey: ed25519PublicKey(seeds.selfSigning),
          publishedAt: null,
        });
      },
      markPublished: () => Promise.resolve(),
    },
    synapseKeys,
    audit: auditSink,
    refuse: createRefuse({ audit: auditSink, metrics: createGatewayMetrics(), log }),
    log,
  });
  const server: Server = createServer((request, response) => {
    void route(request, response);
  });
  let url = '';

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/_bleep/device-signature`;
  });
  afterAll(() => {
    server.close();
  });
  beforeEach(() => {
    audit.length = 0;
    asked.length = 0;
    synapseDown = false;
  });

  async function post(token: string | undefined, credential: string | undefined, body: string) {
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(credential ? { 'x-bleep-device-credential': credential } : {}),
      },
      body,
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }
  const claim = JSON.stringify({ ed25519: deviceKey });

  it('refuses without a session, for a revoked desktop, and for a session with no device, asking nothing', async () => {
    expect(await post(undefined, 'credential-pc1', claim)).toMatchObject({
      status: 401,
      body: { errcode: 'M_MISSING_TOKEN' },
    });
    expect(await post('token-unknown', 'credential-pc1', claim)).toMatchObject({
      status: 401,
      body: { errcode: 'M_UNKNOWN_TOKEN' },
    });
    expect(await post('token-revoked', 'credential-pc1', claim)).toMatchObject({
      status: 401,
      body: { 'uk.nhs.bleep.rule': 'device-enrolment' },
    });
    expect((await post('token-no-device', 'credential-pc1', claim)).status).toBe(401);
    expect((await post('token-down', 'credential-pc1', claim)).status).toBe(502);
    expect(asked).toEqual([]);
  });

  it("refuses the enrolled desktop's own session without its credential, or with another", async () => {
    for (const credential of [undefined, 'credential-other', 'CREDENTIAL-PC1']) {
      const answer = await post('token-pc1', credential, claim);
      expect(answer, String(credential)).toMatchObject({
        status: 403,
        body: { 'uk.nhs.bleep.rule': 'device-enrolment' },
      });
    }
    expect(asked).toEqual([]);
    expect(audit.map((entry) => entry.action)).toEqual([
      'refuse:deviceSignature',
      'refuse:deviceSignature',
      'refuse:deviceSignature',
    ]);
  });

  it('refuses bodies that are not one Ed25519 key (and an optional password) with M_BAD_JSON or M_NOT_JSON', async () => {
    for (const body of [
      '{}',
      '{"ed25519": 5}',
      '{"ed25519": "short"}',
      `{"ed25519": "${deviceKey}=="}`,
      `{"ed25519": "${deviceKey.slice(0, 42)}B"}`,
      `{"ed25519": "${deviceKey}", "password": 7}`,
      '[1]',
      'null',
    ]) {
      const answer = await post('token-pc1', 'credential-pc1', body);
      expect(answer.status, body).toBe(400);
      expect(answer.body.errcode, body).toBe('M_BAD_JSON');
    }
    expect((await post('token-pc1', 'credential-pc1', '{"ed25519": ')).status).toBe(400);
    expect((await post('token-pc1', 'credential-pc1', `{"ed25519": "${'A'.repeat(2000)}"}`)).status).toBe(
      413,
    );
    expect(asked).toEqual([]);
  });

  it('answers 404 while the device keys are not at Synapse, and 502 when Synapse is down, never a 500', async () => {
    expect(await post('token-pc1', 'credential-pc1', claim)).toMatchObject({
      status: 404,
      body: { errcode: 'M_NOT_FOUND', 'uk.nhs.bleep.rule': 'trust-held-identity' },
    });
    synapseDown = true;
    expect((await post('token-pc1', 'credential-pc1', claim)).status).toBe(502);
  });
});
