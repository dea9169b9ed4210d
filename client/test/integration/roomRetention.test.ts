// Needs the real local stack: trust-a (chroot Synapse behind the policy gateway, PostgreSQL). A room made before the
// gateway forced m.room.retention onto every new room (made here straight at Synapse's own listener, as it was then)
// is given it by the desktop of its admin, with the trust's clientDays, and the gateway accepts it; a member who may
// not set it leaves the room as it is.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RunningTrust } from '../../../deploy/local/src/stackStatus.ts';
import { trustNamed } from '../../../deploy/test/integration/stackInfo.ts';
import type { BleepSession } from '../../core/session/createBleepSession.ts';
import { createStaffAccount, enrolledCore, type StaffAccount } from './bleepDesktop.testkit.ts';

const ninetyDaysMs = 90 * 24 * 60 * 60 * 1000;
let trustA: RunningTrust;

beforeAll(() => {
  trustA = trustNamed(inject('stack'), 'trust-a');
});

/** Signs in at Synapse's own listener, past the gateway (a token for making rooms as they were made before). */
async function synapseToken(account: StaffAccount): Promise<string> {
  const response = await fetch(`${trustA.synapseUrl}/_matrix/client/v3/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      type: 'm.login.password',
      identifier: { type: 'm.id.user', user: account.username },
      password: account.password,
      device_id: `OLD-${randomBytes(3).toString('hex').toUpperCase()}`,
    }),
  });
  const body = (await response.json()) as { access_token?: string };
  if (!body.access_token) throw new Error(`login at Synapse answered ${response.status}`);
  return body.access_token;
}

async function atSynapse(token: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${trustA.synapseUrl}/_matrix/client/v3${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** A room as one was made before the gateway added m.room.retention: encrypted, invite-only, no retention. */
async function oldRoom(token: string, invite: readonly string[]): Promise<string> {
  const made = await atSynapse(token, 'POST', '/createRoom', {
    name: 'Ward 9 (older room)',
    preset: 'private_chat',
    invite,
    initial_state: [
      { type: 'm.room.encryption', state_key: '', content: { algorithm: 'm.megolm.v1.aes-sha2' } },
      { type: 'm.room.guest_access', state_key: '', content: { guest_access: 'forbidden' } },
    ],
  });
  if (typeof made.body.room_id !== 'string') throw new Error(`createRoom answered ${made.status}`);
  return made.body.room_id;
}

const retentionOf = async (token: string, roomId: string) =>
  atSynapse(token, 'GET', `/rooms/${encodeURIComponent(roomId)}/state/m.room.retention/`);

describe('m.room.retention on rooms made before the gateway forced it', () => {
  let desktop: BleepSession | undefined;

  afterAll(() => {
    desktop?.stop();
  });

  it("is set by the admin's desktop to the trust's clientDays, and left alone where she may not", async () => {
    const admin = await createStaffAccount(trustA, 'older-room-admin');
    const member = await createStaffAccount(trustA, 'older-room-member');
    const adminToken = await synapseToken(admin);
    const memberToken = await synapseToken(member);
    const adminsRoom = await oldRoom(adminToken, [member.userId]);
    // A room the member made and the admin only joined: there the admin has no power over state.
    const membersRoom = await oldRoom(memberToken, [admin.userId]);
    await atSynapse(memberToken, 'POST', `/rooms/${encodeURIComponent(adminsRoom)}/join`, {});
    await atSynapse(adminToken, 'POST', `/rooms/${encodeURIComponent(membersRoom)}/join`, {});
    expect((await retentionOf(adminToken, adminsRoom)).status).toBe(404);
    expect((await retentionOf(adminToken, membersRoom)).status).toBe(404);

    // The admin opens Bleep on an enrolled desktop: it sets the retention of the room she made, through the gateway.
    const enrolled = await enrolledCore(trustA, 'older-admin');
    desktop = enrolled.core;
    await desktop.signIn({ kind: 'password', username: admin.username, password: admin.password });
    const deadline = Date.now() + 60_000;
    while ((await retentionOf(adminToken, adminsRoom)).status !== 200) {
      if (Date.now() > deadline)
        throw new Error("timed out waiting for the admin's desktop to set the retention");
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect((await retentionOf(adminToken, adminsRoom)).body).toEqual({ max_lifetime: ninetyDaysMs });
    // The room the member made stays as it was: her desktop may not set its state there, and does not try.
    expect((await retentionOf(adminToken, membersRoom)).status).toBe(404);
  });
});
