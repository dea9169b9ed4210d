// Needs the real local stack: trust-a and trust-b (chroot Synapse behind each policy gateway, PostgreSQL). A
// compromised homeserver replaces a clinician's signing identity with one of its own (played here by the
// clinician's password at trust-b's internal Synapse listener, which the gateway never sees) and signs a device of
// its own with it. Both sides are told plainly: the partner's desktop lists the clinician as one whose identity
// changed, and the clinician's own desktop says the server's identity is not the trust's. The new identity's device
// gets no room keys while the change is unacknowledged.
import type { MatrixClient } from 'matrix-js-sdk';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RunningTrust } from '../../../deploy/local/src/stackStatus.ts';
import { stackCommand } from '../../../deploy/test/integration/stackCli.ts';
import { trustNamed } from '../../../deploy/test/integration/stackInfo.ts';
import { IdentityChangedError } from '../../core/errors/clientErrors.ts';
import type { BleepSession } from '../../core/session/createBleepSession.ts';
import { selectRoomDeliveries } from '../../core/stores/selectors/deliverySelectors.ts';
import { selectCryptoStatus } from '../../core/stores/selectors/sessionSelectors.ts';
import { selectMessages } from '../../core/stores/selectors/timelineSelectors.ts';
import {
  enrolledCore,
  eventually,
  sharedRoom,
  signedInDesktop,
  type StaffAccount,
} from './bleepDesktop.testkit.ts';
import { rogueDevice } from './rogueDevice.testkit.ts';
import { eventsSentBy, masterKeyAtSynapse, queryDatabase } from './synapseDatabase.testkit.ts';

type Desktop = Readonly<{ core: BleepSession; account: StaffAccount }>;

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

/**
 * A consultant at trust A and a surgeon at trust B in one referral room, with a first message read: each side has
 * seen (and pinned) the other's identity.
 */
async function referral(
  trustA: RunningTrust,
  trustB: RunningTrust,
  consultantRole: string,
  surgeonRole: string,
): Promise<Readonly<{ consultant: Desktop; surgeon: Desktop; roomId: string }>> {
  const consultant = await signedInDesktop(trustA, consultantRole);
  const surgeon = await signedInDesktop(trustB, surgeonRole);
  const roomId = await sharedRoom(consultant.core, surgeon.core, surgeon.account.userId, 'Referral');
  const first = await consultant.core.rooms.sendText(roomId, 'Echo shows severe aortic stenosis');
  await eventually('the first message at trust B', () =>
    selectMessages(roomId)(surgeon.core.store.getState()).find(
      (item) => item.id === first && item.decryption === 'decrypted',
    ),
  );
  return { consultant, surgeon, roomId };
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
    ({ consultant, surgeon, roomId } = await referral(
      trustA,
      trustB,
      'cardiology-consultant',
      'cardiac-surgeon',
    ));
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

describe("trust IT resets a clinician's identity", () => {
  let trustB: RunningTrust;
  let consultant: Desktop;
  let surgeon: Desktop;
  let roomId: string;
  let newDesktop: BleepSession | undefined;

  beforeAll(async () => {
    const stack = inject('stack');
    trustB = trustNamed(stack, 'trust-b');
    ({ consultant, surgeon, roomId } = await referral(
      trustNamed(stack, 'trust-a'),
      trustB,
      'renal-registrar',
      'vascular-surgeon',
    ));
  });

  afterAll(() => {
    consultant.core.stop();
    surgeon.core.stop();
    newDesktop?.stop();
  });

  it('publishes a new identity at the next sign-in, shows it to the partner, and messages flow once acknowledged', async () => {
    const oldMaster = await masterKeyAtSynapse(trustB, surgeon.account.userId);
    const printed = await stackCommand([
      'policy',
      'trust-b',
      'identity',
      'reset',
      '--user-id',
      surgeon.account.userId,
    ]);
    expect(printed).toContain('publishes a new one');
    surgeon.core.stop();
    const { core } = await enrolledCore(trustB, 'vascular-ward');
    newDesktop = core;
    await core.signIn({
      kind: 'password',
      username: surgeon.account.username,
      password: surgeon.account.password,
    });
    await eventually('the new desktop to be signed under the new identity', () =>
      selectCryptoStatus(core.store.getState())?.crossSigning === 'signed' ? true : undefined,
    );
    const newMaster = await masterKeyAtSynapse(trustB, surgeon.account.userId);
    expect(newMaster).not.toBe(oldMaster);
    const held = await queryDatabase<{ master_key: string }>(
      trustB.policyDatabaseUrl,
      'SELECT master_key FROM bleep_clinician_identity WHERE user_id = $1',
      [surgeon.account.userId],
    );
    expect(held.map((row) => row.master_key)).toEqual([newMaster]);

    await eventually("the partner's desktop to list the reset identity", () =>
      selectCryptoStatus(consultant.core.store.getState())?.changedIdentities.includes(surgeon.account.userId)
        ? true
        : undefined,
    );
    await expect(consultant.core.rooms.sendText(roomId, 'Fistula is maturing')).rejects.toBeInstanceOf(
      IdentityChangedError,
    );
    await consultant.core.identities.acknowledge(surgeon.account.userId);
    const body = 'Fistula is maturing, plan review in four weeks';
    const eventId = await consultant.core.rooms.sendText(roomId, body);
    const read = await eventually('the message to decrypt on the new desktop', () =>
      selectMessages(roomId)(core.store.getState()).find(
        (item) => item.id === eventId && item.decryption === 'decrypted',
      ),
    );
    expect(read.body).toBe(body);
  });
});
