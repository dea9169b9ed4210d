// Needs the real local stack: trust-a and trust-b (chroot Synapse behind each policy gateway, PostgreSQL). A
// clinician hot-desks: their first sign-in on a second enrolled ward desktop reads new messages at once, with no
// other device of theirs at hand, because the trust (which holds their cross-signing identity) signs every desktop
// it enrolled. Then, as an attacker holding the clinician's password and an enrolled desktop's id but not that
// desktop's enrolment credential, try to get a device signed or the identity replaced through the gateway, and judge
// by what Synapse's database holds afterwards.
import { createClient } from 'matrix-js-sdk';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RunningTrust } from '../../../deploy/local/src/stackStatus.ts';
import { trustNamed } from '../../../deploy/test/integration/stackInfo.ts';
import { selectCryptoStatus } from '../../core/stores/selectors/sessionSelectors.ts';
import { selectMessages } from '../../core/stores/selectors/timelineSelectors.ts';
import {
  enrolledCore,
  eventually,
  sharedRoom,
  signedInDesktop,
  type StaffAccount,
} from './bleepDesktop.testkit.ts';
import type { BleepSession } from '../../core/session/createBleepSession.ts';
import { masterKeyAtSynapse, queryDatabase, signedDevicesAtSynapse } from './synapseDatabase.testkit.ts';

type Desktop = Readonly<{ core: BleepSession; deviceId: string }>;

/** The clinician's password used at Synapse's internal listener, naming an enrolled desktop's device id. */
async function passwordOnlySession(
  trust: RunningTrust,
  account: StaffAccount,
  deviceId: string,
): Promise<string> {
  const login = await createClient({ baseUrl: trust.synapseUrl }).loginRequest({
    type: 'm.login.password',
    identifier: { type: 'm.id.user', user: account.username },
    password: account.password,
    device_id: deviceId,
  });
  return login.access_token;
}

async function throughGateway(
  trust: RunningTrust,
  path: string,
  accessToken: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: { errcode?: string; 'uk.nhs.bleep.rule'?: string } }> {
  const response = await fetch(`${trust.clientUrl}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as { errcode?: string } };
}

describe('a clinician hot-desking between enrolled desktops', () => {
  let trustA: RunningTrust;
  let trustB: RunningTrust;
  let consultant: Desktop;
  let surgeon: StaffAccount;
  let firstDesktop: Desktop;
  let secondDesktop: Desktop | undefined;
  let roomId: string;

  beforeAll(async () => {
    const stack = inject('stack');
    trustA = trustNamed(stack, 'trust-a');
    trustB = trustNamed(stack, 'trust-b');
    const consultantDesktop = await signedInDesktop(trustA, 'hepatology-consultant');
    consultant = consultantDesktop;
    const surgeonDesktop = await signedInDesktop(trustB, 'liver-surgeon');
    surgeon = surgeonDesktop.account;
    firstDesktop = surgeonDesktop;
    roomId = await sharedRoom(consultant.core, firstDesktop.core, surgeon.userId, 'Referral: liver');
  });

  afterAll(() => {
    consultant.core.stop();
    firstDesktop.core.stop();
    secondDesktop?.core.stop();
  });

  it("holds the identity the trust made: Synapse's master key is the trust's, and the desktop is signed by it", async () => {
    const held = await queryDatabase<{ master_key: string }>(
      trustB.policyDatabaseUrl,
      'SELECT master_key FROM bleep_clinician_identity WHERE user_id = $1',
      [surgeon.userId],
    );
    expect(held).toHaveLength(1);
    expect(await masterKeyAtSynapse(trustB, surgeon.userId)).toBe(held[0]?.master_key);
    expect(await signedDevicesAtSynapse(trustB, surgeon.userId)).toEqual([firstDesktop.deviceId]);
  });

  it('reads a new message on a second desktop at its first sign-in, with the first desktop switched off', async () => {
    firstDesktop.core.stop();
    const second = await enrolledCore(trustB, 'liver-ward2');
    secondDesktop = second;
    await second.core.signIn({ kind: 'password', username: surgeon.username, password: surgeon.password });
    await eventually("the second desktop's device to be signed by the trust", () =>
      selectCryptoStatus(second.core.store.getState())?.crossSigning === 'signed' ? true : undefined,
    );
    const body = 'Bilirubin 41, please review before the transplant list';
    const eventId = await consultant.core.rooms.sendText(roomId, body);
    const read = await eventually('the message to decrypt on the second desktop', () =>
      selectMessages(roomId)(second.core.store.getState()).find(
        (item) => item.id === eventId && item.decryption === 'decrypted',
      ),
    );
    expect(read.body).toBe(body);
    // And the second desktop can send: the partner reads it.
    const reply = 'Reviewed: listed for Thursday';
    const replyId = await second.core.rooms.sendText(roomId, reply);
    const atPartner = await eventually('the reply to decrypt at trust A', () =>
      selectMessages(roomId)(consultant.core.store.getState()).find(
        (item) => item.id === replyId && item.decryption === 'decrypted',
      ),
    );
    expect(atPartner.body).toBe(reply);
    expect(await signedDevicesAtSynapse(trustB, surgeon.userId)).toEqual(
      [firstDesktop.deviceId, second.deviceId].sort(),
    );
  });

  it('signs nothing for a session without the enrolled desktop’s credential, and lets no session replace the identity', async () => {
    if (!secondDesktop) throw new Error('the previous test did not sign in the second desktop');
    const masterBefore = await masterKeyAtSynapse(trustB, surgeon.userId);
    const signedBefore = await signedDevicesAtSynapse(trustB, surgeon.userId);
    // The password and an enrolled desktop's device id, but a session Synapse made without the gateway.
    const token = await passwordOnlySession(trustB, surgeon, secondDesktop.deviceId);
    const anyKey = { ed25519: 'A'.repeat(43) };
    const attempts: Record<string, string>[] = [{}, { 'x-bleep-device-credential': 'not-the-credential' }];
    for (const headers of attempts) {
      const answer = await throughGateway(trustB, '/_bleep/device-signature', token, anyKey, headers);
      expect(answer.status).toBe(403);
      expect(answer.body['uk.nhs.bleep.rule']).toBe('device-enrolment');
    }
    // Publishing an identity of its own, in the spellings Synapse accepts for the route.
    for (const path of [
      '/_matrix/client/v3/keys/device_signing/upload',
      '/_matrix/client/unstable/keys/device_signing/upload',
      '/_matrix/client/r0/keys/device_signing/upload',
      '/_matrix/client/v3/keys/device_signing/upload/',
      '/_matrix/client/v3//keys/device_signing/upload',
      '/_matrix/client/v3/keys/%64evice_signing/upload',
    ]) {
      const answer = await throughGateway(trustB, path, token, {
        master_key: { user_id: surgeon.userId, usage: ['master'], keys: { 'ed25519:x': 'x' } },
      });
      expect(answer.status, path).toBeGreaterThanOrEqual(400);
      expect(answer.status, path).toBeLessThan(500);
    }
    expect(await masterKeyAtSynapse(trustB, surgeon.userId)).toBe(masterBefore);
    expect(await signedDevicesAtSynapse(trustB, surgeon.userId)).toEqual(signedBefore);
  });
});
