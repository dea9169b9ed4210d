// Needs the real local stack: trust-a and trust-b (chroot Synapse behind each policy gateway, PostgreSQL),
// federating over TLS on loopback. Two client cores, one at each trust, talk through an encrypted referral room;
// all they show comes from their stores, as plain data.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { trustNamed } from '../../../deploy/test/integration/stackInfo.ts';
import type { BleepSession } from '../../core/session/createBleepSession.ts';
import { selectInvitations, selectRoom } from '../../core/stores/selectors/roomSelectors.ts';
import { selectMessages } from '../../core/stores/selectors/timelineSelectors.ts';
import type { TimelineItem } from '../../core/stores/timelineSlice.ts';
import {
  eventually,
  signedInDesktop,
  startCore,
  type DesktopFiles,
  type StaffAccount,
} from './bleepDesktop.testkit.ts';

/** The message with this body in a room's timeline, once it has arrived and decrypted. */
function decryptedMessage(core: BleepSession, roomId: string, body: string): TimelineItem | undefined {
  return selectMessages(roomId)(core.store.getState()).find(
    (item) => item.body === body && item.decryption === 'decrypted',
  );
}

describe('an encrypted referral room between two client cores at two trusts', () => {
  let consultant: { core: BleepSession; account: StaffAccount };
  let surgeon: { core: BleepSession; account: StaffAccount; files: DesktopFiles };
  let roomId: string;

  beforeAll(async () => {
    const stack = inject('stack');
    consultant = await signedInDesktop(trustNamed(stack, 'trust-a'), 'cardiology-consultant');
    surgeon = await signedInDesktop(trustNamed(stack, 'trust-b'), 'cardiothoracic-surgeon');
  });

  afterAll(() => {
    consultant.core.stop();
    surgeon.core.stop();
  });

  it("shows trust B the invitation from trust A's clinician, and the room once joined", async () => {
    roomId = await consultant.core.rooms.openRoom({
      name: 'Referral: cardiothoracic opinion',
      invite: [surgeon.account.userId],
    });
    const invitation = await eventually('the invitation to reach trust B', () =>
      selectInvitations(surgeon.core.store.getState()).find((room) => room.roomId === roomId),
    );
    expect(invitation.invitedBy).toBe(consultant.account.userId);

    await surgeon.core.rooms.join(roomId);
    const joined = await eventually('trust A to see the surgeon join', () => {
      const room = selectRoom(roomId)(consultant.core.store.getState());
      return room && room.joinedMembers === 2 ? room : undefined;
    });
    expect(joined).toMatchObject({
      membership: 'join',
      encrypted: true,
      name: 'Referral: cardiothoracic opinion',
    });
  });

  it('delivers each side what the other wrote, encrypted on the way and decrypted by the receiving core', async () => {
    const referral = 'Please review: 68M, severe AS, echo to follow';
    await consultant.core.rooms.sendText(roomId, referral);
    const received = await eventually('the referral to arrive decrypted at trust B', () =>
      decryptedMessage(surgeon.core, roomId, referral),
    );
    expect(received).toMatchObject({
      sender: consultant.account.userId,
      kind: 'message',
      msgtype: 'm.text',
      encrypted: true,
      sendStatus: null,
    });

    const reply = 'Accepted. Clinic on Thursday.';
    await surgeon.core.rooms.sendText(roomId, reply);
    await eventually('the reply to arrive decrypted at trust A', () =>
      decryptedMessage(consultant.core, roomId, reply),
    );
    // The sender's own copy is in its timeline too, marked sent.
    expect(decryptedMessage(surgeon.core, roomId, reply)?.sendStatus).toBe('sent');
  });

  it('keeps only plain data in the stores: rooms and timelines survive structured cloning unchanged', () => {
    for (const { core } of [consultant, surgeon]) {
      const { session, rooms, timeline, composer } = core.store.getState();
      const data = { session, rooms, timeline, composer };
      expect(structuredClone(data)).toEqual(data);
    }
  });

  it('after a restart, trust B reads what was sent while it was off and what comes after, with the same keys', async () => {
    surgeon.core.stop();
    const whileOff = 'Echo uploaded to the shared drive';
    await consultant.core.rooms.sendText(roomId, whileOff);

    const restarted = await startCore(surgeon.files);
    expect(await restarted.restore()).toBe('restored');
    surgeon = { ...surgeon, core: restarted };
    await eventually('the message sent while trust B was off to decrypt after the restart', () =>
      decryptedMessage(restarted, roomId, whileOff),
    );
    const after = 'Thanks, seen.';
    await consultant.core.rooms.sendText(roomId, after);
    await eventually('a new message to decrypt at the restored core', () =>
      decryptedMessage(restarted, roomId, after),
    );
  });
});
