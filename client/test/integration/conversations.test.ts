// Needs the real local stack: trust-a and trust-b (chroot Synapses behind their policy gateways, PostgreSQL). What the
// conversation list and a conversation show, judged by what the other clinician's core shows and what Synapse holds:
// a direct conversation between two colleagues (kind, the other person's name, m.direct at Synapse for both, reused
// when opened again), typing, an urgent message (flag only inside the ciphertext; the receiver's urgent marker and
// unread count, which fall once they open the room; the sender sees it read, by whom), a notification worded as the
// trust's policy says and none for the room the clinician has open; and a referral to a partner trust whose patient
// and reason reach the partner's list from the encrypted referral message, while no row of either Synapse holds them.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RunningTrust } from '../../../deploy/local/src/stackStatus.ts';
import { freshNhsNumber, holdsNhsNumber } from '../../../deploy/test/integration/nhsNumberSpellings.ts';
import { trustNamed } from '../../../deploy/test/integration/stackInfo.ts';
import {
  askSynapse,
  everySynapseRow,
  synapseAdminToken,
} from '../../../deploy/test/integration/synapseHoldings.ts';
import { InvalidNhsNumberError, InvalidReferralError } from '../../core/errors/clientErrors.ts';
import type { BleepNotification } from '../../core/notifications/notificationContent.ts';
import { textMessageContent } from '../../core/rooms/textMessageContent.ts';
import type { BleepSession } from '../../core/session/createBleepSession.ts';
import { selectDisplayName } from '../../core/stores/selectors/peopleSelectors.ts';
import { selectOwnMessageStatus, selectReadBy } from '../../core/stores/selectors/receiptSelectors.ts';
import { selectRoom } from '../../core/stores/selectors/roomSelectors.ts';
import { selectTimeline } from '../../core/stores/selectors/timelineSelectors.ts';
import { selectTyping } from '../../core/stores/selectors/typingSelectors.ts';
import { createStaffAccount, enrolledCore, eventually, type StaffAccount } from './bleepDesktop.testkit.ts';
import { queryDatabase } from './synapseDatabase.testkit.ts';

type Desktop = Readonly<{ core: BleepSession; account: StaffAccount }>;

/** A clinician with a display name trust IT set (Synapse's admin API), signed in on an enrolled desktop. */
async function namedClinician(trust: RunningTrust, role: string, displayName: string): Promise<Desktop> {
  const account = await createStaffAccount(trust, role);
  const named = await askSynapse(
    trust,
    await synapseAdminToken(trust),
    'PUT',
    `/_synapse/admin/v2/users/${encodeURIComponent(account.userId)}`,
    { displayname: displayName },
  );
  if (named.status !== 200) throw new Error(`could not name ${role}: ${named.status}`);
  const { core } = await enrolledCore(trust, role.slice(0, 12));
  await core.signIn({ kind: 'password', username: account.username, password: account.password });
  await eventually(`${role}'s device to be signed`, () =>
    core.store.getState().session.crypto?.crossSigning === 'signed' ? true : undefined,
  );
  return { core, account };
}

/** The m.direct account data Synapse holds for a clinician. */
async function directAtSynapse(trust: RunningTrust, userId: string): Promise<Record<string, string[]>> {
  const rows = await queryDatabase<{ content: string }>(
    trust.databaseUrl,
    "SELECT content FROM account_data WHERE user_id = $1 AND account_data_type = 'm.direct'",
    [userId],
  );
  return rows[0] ? (JSON.parse(rows[0].content) as Record<string, string[]>) : {};
}

function itemWithBody(core: BleepSession, roomId: string, body: string) {
  return selectTimeline(roomId)(core.store.getState()).find((item) => item.body === body);
}

async function sentEventId(
  core: BleepSession,
  roomId: string,
  body: string,
  urgent = false,
): Promise<string> {
  const { txnId } = await core.delivery.write(roomId, 'm.room.message', textMessageContent(body, { urgent }));
  return eventually(
    'the message to be sent',
    () => core.store.getState().delivery.messages[txnId]?.eventId ?? undefined,
  );
}

describe('conversations as the list and the conversation show them, between client cores at two trusts', () => {
  const stack = inject('stack');
  const trustA = trustNamed(stack, 'trust-a');
  const trustB = trustNamed(stack, 'trust-b');
  let amelia: Desktop;
  let chidi: Desktop;
  let bea: Desktop;
  let directRoomId: string;

  beforeAll(async () => {
    [amelia, chidi, bea] = await Promise.all([
      namedClinician(trustA, 'consultant', 'Dr Amelia Hart'),
      namedClinician(trustA, 'registrar', 'Dr Chidi Okafor'),
      namedClinician(trustB, 'neurosurgeon', 'Ms Bea Lindqvist'),
    ]);
  });

  afterAll(() => {
    for (const desktop of [amelia, chidi, bea]) desktop.core.stop();
  });

  it('opens a direct conversation both see as direct, with the other by name, kept in m.direct and reused', async () => {
    directRoomId = await amelia.core.rooms.openDirect(chidi.account.userId);
    const invitation = await eventually('the invitation at the registrar', () => {
      const room = selectRoom(directRoomId)(chidi.core.store.getState());
      return room?.membership === 'invite' ? room : undefined;
    });
    expect(invitation.kind).toBe('direct');
    expect(invitation.directWith).toEqual({ userId: amelia.account.userId, displayName: 'Dr Amelia Hart' });
    expect(invitation.partnerTrust).toBeNull();
    await chidi.core.rooms.join(directRoomId);
    const seen = await eventually('the consultant to see the registrar join', () => {
      const room = selectRoom(directRoomId)(amelia.core.store.getState());
      return room?.joinedMembers === 2 ? room : undefined;
    });
    expect(seen.kind).toBe('direct');
    expect(seen.directWith).toEqual({ userId: chidi.account.userId, displayName: 'Dr Chidi Okafor' });
    expect(selectDisplayName(directRoomId, chidi.account.userId)(amelia.core.store.getState())).toBe(
      'Dr Chidi Okafor',
    );
    // Synapse holds the room in both clinicians' m.direct; the registrar's summary stays direct after joining.
    expect((await directAtSynapse(trustA, amelia.account.userId))[chidi.account.userId]).toEqual([
      directRoomId,
    ]);
    await eventually('m.direct at the registrar', async () =>
      (await directAtSynapse(trustA, chidi.account.userId))[amelia.account.userId]?.includes(directRoomId)
        ? true
        : undefined,
    );
    await eventually('the registrar to see the room as direct once joined', () =>
      selectRoom(directRoomId)(chidi.core.store.getState())?.kind === 'direct' ? true : undefined,
    );
    expect(await amelia.core.rooms.openDirect(chidi.account.userId)).toBe(directRoomId);
  });

  it("shows who is typing in the other clinician's store, and when they stop", async () => {
    await chidi.core.rooms.setTyping(directRoomId, true);
    await eventually('the consultant to see the registrar typing', () =>
      selectTyping(directRoomId)(amelia.core.store.getState()).includes(chidi.account.userId)
        ? true
        : undefined,
    );
    await chidi.core.rooms.setTyping(directRoomId, false);
    await eventually('the typing to stop', () =>
      selectTyping(directRoomId)(amelia.core.store.getState()).length === 0 ? true : undefined,
    );
  });

  it('carries an urgent flag only inside the ciphertext; marks, counts, notifies; read state reaches the sender', async () => {
    const notified: BleepNotification[] = [];
    const unsubscribe = chidi.core.notifications.subscribe((notification) => notified.push(notification));
    const body = `Crash call bed 2 ${crypto.randomUUID().slice(0, 8)}`;
    const eventId = await sentEventId(amelia.core, directRoomId, body, true);

    const received = await eventually('the urgent message at the registrar', () => {
      const item = itemWithBody(chidi.core, directRoomId, body);
      return item?.decryption === 'decrypted' ? item : undefined;
    });
    expect(received.urgent).toBe(true);
    const marked = await eventually('the urgent marker and the unread count', () => {
      const room = selectRoom(directRoomId)(chidi.core.store.getState());
      return room?.urgentUnread && room.unreadCount > 0 ? room : undefined;
    });
    expect(marked.unreadCount).toBeGreaterThan(0);
    // The trust's policy is the default: no sender, no text.
    expect(chidi.core.store.getState().session.policy?.notificationContent).toBe('none');
    await eventually('the notification', () => (notified.length > 0 ? true : undefined));
    expect(notified).toEqual([{ title: 'Bleep', body: 'New urgent message', roomId: directRoomId }]);
    // Synapse holds the event as ciphertext only: no row of its event JSON carries the flag.
    const [stored] = await queryDatabase<{ type: string; flagged: boolean }>(
      trustA.databaseUrl,
      "SELECT e.type, j.json LIKE '%bleep.urgent%' AS flagged FROM events e JOIN event_json j USING (event_id) WHERE e.event_id = $1",
      [eventId],
    );
    expect(stored).toEqual({ type: 'm.room.encrypted', flagged: false });

    expect(selectOwnMessageStatus(directRoomId, eventId)(amelia.core.store.getState())).toBe('sent');
    expect(selectReadBy(directRoomId, eventId)(amelia.core.store.getState())).toEqual([]);
    // The registrar opens the conversation: it is marked read up to its latest message.
    chidi.core.store.getState().roomOpened(directRoomId);
    await chidi.core.rooms.markLatestRead(directRoomId);
    await eventually('the sender to see it read by the registrar', () =>
      selectOwnMessageStatus(directRoomId, eventId)(amelia.core.store.getState()) === 'read-by-all'
        ? true
        : undefined,
    );
    expect(selectReadBy(directRoomId, eventId)(amelia.core.store.getState())).toEqual([chidi.account.userId]);
    await eventually('the unread count and urgent marker to fall', () => {
      const room = selectRoom(directRoomId)(chidi.core.store.getState());
      return room?.unreadCount === 0 && !room.urgentUnread ? true : undefined;
    });

    // While the conversation is open, a new message there rings nothing.
    const quiet = `Thanks ${crypto.randomUUID().slice(0, 8)}`;
    await sentEventId(amelia.core, directRoomId, quiet);
    await eventually('the second message at the registrar', () =>
      itemWithBody(chidi.core, directRoomId, quiet)?.decryption === 'decrypted' ? true : undefined,
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(notified).toHaveLength(1);
    unsubscribe();
  });

  it("opens a referral whose patient and reason reach the partner's list from encrypted content only", async () => {
    const nhsNumber = freshNhsNumber();
    const spaced = `${nhsNumber.slice(0, 3)} ${nhsNumber.slice(3, 6)} ${nhsNumber.slice(6)}`;
    const reason = `Suspected cauda equina ${crypto.randomUUID().slice(0, 8)}, MRI today`;

    await expect(
      amelia.core.rooms.openReferral({ invite: chidi.account.userId, nhsNumber, reason }),
    ).rejects.toBeInstanceOf(InvalidReferralError);
    await expect(
      amelia.core.rooms.openReferral({ invite: bea.account.userId, nhsNumber: '943 476 5918', reason }),
    ).rejects.toBeInstanceOf(InvalidNhsNumberError);

    const roomId = await amelia.core.rooms.openReferral({
      invite: bea.account.userId,
      nhsNumber: spaced,
      reason,
    });
    // Referral as soon as the invitation to the partner's clinician is in the room's state.
    const ours = await eventually("the referral room on the sender's list", () => {
      const room = selectRoom(roomId)(amelia.core.store.getState());
      return room?.invitedMembers === 1 ? room : undefined;
    });
    expect(ours.kind).toBe('referral');
    const named = amelia.core.store
      .getState()
      .session.policy?.partnerTrusts.find((partner) => partner.serverName === trustB.serverName);
    expect(ours.partnerTrust).toEqual({
      serverName: trustB.serverName,
      name: named?.name ?? trustB.serverName,
    });

    const invitation = await eventually('the referral at trust B', () => {
      const room = selectRoom(roomId)(bea.core.store.getState());
      return room?.membership === 'invite' ? room : undefined;
    });
    expect(invitation.kind).toBe('referral');
    expect(invitation.partnerTrust?.serverName).toBe(trustA.serverName);
    expect(invitation.directWith).toBeNull();
    // The referral message waits in the sender's outbox for the partner to join.
    const held = Object.values(amelia.core.store.getState().delivery.messages).find(
      (m) => m.roomId === roomId,
    );
    expect(held).toMatchObject({ status: 'queued', awaitsJoinOf: bea.account.userId, eventId: null });
    await bea.core.rooms.join(roomId);
    const referred = await eventually(
      "the referral's patient and reason on trust B's list",
      () => selectRoom(roomId)(bea.core.store.getState())?.referral ?? undefined,
      60_000,
    );
    expect(referred).toMatchObject({ nhsNumber, reason, referredBy: amelia.account.userId });
    expect(selectRoom(roomId)(bea.core.store.getState())?.name).toBe('Referral');
    await eventually("the referral on the sender's own list", () =>
      selectRoom(roomId)(amelia.core.store.getState())?.referral?.nhsNumber === nhsNumber ? true : undefined,
    );

    // Neither homeserver holds the number or the reason in any row; the referral's event is there, encrypted.
    for (const trust of [trustA, trustB]) {
      const rows = await everySynapseRow(trust);
      expect(rows.some((row) => row.text.includes(roomId))).toBe(true);
      expect(rows.filter((row) => holdsNhsNumber(row.text, nhsNumber)).map((row) => row.table)).toEqual([]);
      expect(rows.filter((row) => row.text.includes(reason.slice(0, 30))).map((row) => row.table)).toEqual(
        [],
      );
    }
  });
});
