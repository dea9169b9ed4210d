// Needs the real local stack: trust-a and trust-b (chroot Synapse behind each policy gateway, PostgreSQL). A
// compromised homeserver replaces a clinician's signing identity with one of its own (played here by the
// clinician's password at trust-b's internal Synapse listener, which the gateway never sees) and signs a device of
// its own with it. Both sides are told plainly: the partner's desktop lists the clinician as one whose identity
// changed, and the clinician's own desktop says the server's identity is not the trust's. The new identity's device
// gets no room keys while the change is unacknowledged.
import type { MatrixClient } from 'matrix-js-sdk';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RunningTrust } from '../../../deploy/local/src/stackStatus.ts';
import { trustNamed } from '../../../deploy/test/integration/stackInfo.ts';
import { IdentityChangedError } from '../../core/errors/clientErrors.ts';
import type { BleepSession } from '../../core/session/createBleepSession.ts';
import { selectRoomDeliveries } from '../../core/stores/selectors/deliverySelectors.ts';
import { selectRoom } from '../../core/stores/selectors/roomSelectors.ts';
import { selectCryptoStatus } from '../../core/stores/selectors/sessionSelectors.ts';
import { selectMessages } from '../../core/stores/selectors/timelineSelectors.ts';
import { eventually, signedInDesktop, type StaffAccount } from './bleepDesktop.testkit.ts';
import { rogueDevice } from './rogueDevice.testkit.ts';

type Desktop = Readonly<{ core: BleepSession; account: StaffAccount }>;

/** The events a clinician has sent into a room, as their homeserver's database holds them. */
async function eventsSentBy(trust: RunningTrust, roomId: string, userId: string): Promise<number> {
  const client = new pg.Client({ connectionString: trust.databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ count: string }>(
      'SELECT count(*) FROM events WHERE room_id = $1 AND sender = $2 AND state_key IS NULL',
      [roomId, userId],
    );
    return Number(rows[0]?.count ?? 0);
  } finally {
    await client.end();
  }
}

/** The homeserver's own identity for the clinician, made and published by the rogue device, which it signs. */
async function replaceIdentity(rogue: MatrixClient, account: StaffAccount): Promise<void> {
  const crypto = rogue.getCrypto();
  if (!crypto) throw new Error('the rogue device has no crypto');
  await crypto.bootstrapCrossSigning({
    setupNewCrossSigning: true,
    authUploadDeviceSigningKeys: async (makeRequest) => {
      try {
        await makeRequest(null);
      } catch (error) {
        const session = (error as { data?: { session?: string } }).data?.session;
        await makeRequest({
          type: 'm.login.password',
          identifier: { type: 'm.id.user', user: account.username },
          password: account.password,
          ...(session ? { session } : {}),
        });
      }
    },
  });
}

describe("a clinician's identity replaced at the homeserver", () => {
  let trustA: RunningTrust;
  let trustB: RunningTrust;
  let consultant: Desktop;
  let surgeon: Desktop;
  let rogue: MatrixClient | undefined;
  let roomId: string;

  beforeAll(async () => {
    const stack = inject('stack');
    trustA = trustNamed(stack, 'trust-a');
    trustB = trustNamed(stack, 'trust-b');
    consultant = await signedInDesktop(trustA, 'cardiology-consultant');
    surgeon = await signedInDesktop(trustB, 'cardiac-surgeon');
    roomId = await consultant.core.rooms.openRoom({
      name: 'Referral: valve',
      invite: [surgeon.account.userId],
    });
    await eventually('the invitation to reach trust B', () =>
      selectRoom(roomId)(surgeon.core.store.getState())?.membership === 'invite' ? true : undefined,
    );
    await surgeon.core.rooms.join(roomId);
    await eventually('trust A to see the join', () =>
      selectRoom(roomId)(consultant.core.store.getState())?.joinedMembers === 2 ? true : undefined,
    );
    // A first message both ways: each side has seen (and pinned) the other's identity.
    const before = await consultant.core.rooms.sendText(roomId, 'Echo shows severe aortic stenosis');
    await eventually('the first message at trust B', () =>
      selectMessages(roomId)(surgeon.core.store.getState()).find(
        (item) => item.id === before && item.decryption === 'decrypted',
      ),
    );
  });

  afterAll(() => {
    rogue?.stopClient();
    consultant.core.stop();
    surgeon.core.stop();
  });

  it("tells both sides plainly, and the homeserver's device gets no room keys", async () => {
    expect(selectCryptoStatus(consultant.core.store.getState())?.changedIdentities).toEqual([]);
    const sentBefore = await eventsSentBy(trustA, roomId, consultant.account.userId);
    rogue = await rogueDevice(trustB, surgeon.account);
    await replaceIdentity(rogue, surgeon.account);

    const atPartner = await eventually("the partner's desktop to list the changed identity", () => {
      const status = selectCryptoStatus(consultant.core.store.getState());
      return status?.changedIdentities.includes(surgeon.account.userId) ? status : undefined;
    });
    expect(atPartner.changedIdentities).toEqual([surgeon.account.userId]);
    const atOwnDesktop = await eventually(
      "the clinician's desktop to say the identity is not the trust's",
      () => {
        const status = selectCryptoStatus(surgeon.core.store.getState());
        return status?.ownIdentity === 'not-the-trusts' ? status : undefined;
      },
    );
    expect(atOwnDesktop.crossSigning).toBe('unsigned');

    // The partner writes on, unacknowledged: nothing leaves their desktop, so the homeserver's device reads nothing.
    const body = 'Valve sizing 23 mm, theatre Tuesday';
    await expect(consultant.core.rooms.sendText(roomId, body)).rejects.toBeInstanceOf(IdentityChangedError);
    const queued = await consultant.core.delivery.write(roomId, 'm.room.message', {
      msgtype: 'm.text',
      body,
    });
    const failed = await eventually('the queued message to fail, not to be sent', () =>
      selectRoomDeliveries(consultant.core.store.getState(), roomId).find(
        (message) => message.txnId === queued.txnId && message.status === 'failed',
      ),
    );
    expect(failed.problem).toBe('identity-changed');
    const seenByRogue = rogue.getRoom(roomId)?.getLiveTimeline().getEvents() ?? [];
    expect(seenByRogue.filter((event) => event.getClearContent()?.body === body)).toEqual([]);
    // Nor did the consultant's server receive anything from them since the first message.
    expect(await eventsSentBy(trustA, roomId, consultant.account.userId)).toBe(sentBefore);
  });

  it('lets the partner acknowledge the change, after which their messages go again', async () => {
    await consultant.core.identities.acknowledge(surgeon.account.userId);
    expect(selectCryptoStatus(consultant.core.store.getState())?.changedIdentities).toEqual([]);
    const before = await eventsSentBy(trustA, roomId, consultant.account.userId);
    await consultant.core.rooms.sendText(roomId, 'Spoke to the surgeon by phone: confirmed');
    expect(await eventsSentBy(trustA, roomId, consultant.account.userId)).toBe(before + 1);
  });
});
