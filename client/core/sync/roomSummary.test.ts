import {
  createClient,
  EventTimeline,
  MatrixEvent,
  ReceiptType,
  Room,
  type MatrixClient,
} from 'matrix-js-sdk';
import { beforeEach, describe, expect, it } from 'vitest';
import { policyView } from '../stores/policyView.testkit.ts';
import { summariseRoom, type SummaryContext } from './roomSummary.ts';

// The SDK's room, never synced: the test gives it the state and timeline events sync would bring.
const me = '@amelia:trust-a.example';
const chidi = '@chidi:trust-a.example';
const bea = '@bea:trust-b.example';
const roomId = '!room:trust-a.example';
let client: MatrixClient;
let room: Room;
let ts = 1_700_000_000_000;

const context = (change: Partial<SummaryContext> = {}): SummaryContext => ({
  policy: policyView(),
  directRoomIds: new Set(),
  ...change,
});

function member(userId: string, membership: string, content: Record<string, unknown> = {}, sender = userId) {
  ts += 1;
  const event = new MatrixEvent({
    event_id: `$m${ts}`,
    room_id: roomId,
    type: 'm.room.member',
    state_key: userId,
    sender,
    origin_server_ts: ts,
    content: { membership, ...content },
  });
  room.getLiveTimeline().getState(EventTimeline.FORWARDS)?.setStateEvents([event]);
}

/** A message that decrypted (the SDK keeps its clear event under an m.room.encrypted one), in the live timeline. */
async function decryptedMessage(
  id: string,
  sender: string,
  content: Record<string, unknown>,
): Promise<MatrixEvent> {
  ts += 1;
  const event = new MatrixEvent({
    event_id: id,
    room_id: roomId,
    sender,
    type: 'm.room.message',
    origin_server_ts: ts,
    content,
  });
  event.makeEncrypted(
    'm.room.encrypted',
    { algorithm: 'm.megolm.v1.aes-sha2', ciphertext: 'AwgA' },
    'k',
    'k',
  );
  await room.addLiveEvents([event], { addToState: false });
  return event;
}

beforeEach(() => {
  client = createClient({ baseUrl: 'http://127.0.0.1:1', userId: me });
  room = new Room(roomId, client, me);
  room.updateMyMembership('join');
  member(me, 'join', { displayname: 'Dr Amelia Hart' });
});

describe("a room's summary", () => {
  it('is a team room among colleagues, with their display names (the local part when none is set)', () => {
    member(chidi, 'join', { displayname: 'Dr Chidi Okafor' });
    member('@nurse:trust-a.example', 'invite', {}, me);
    const summary = summariseRoom(room, me, context());
    expect(summary).toMatchObject({ kind: 'team', partnerTrust: null, directWith: null, referral: null });
    expect(summary.members).toEqual([
      { userId: me, displayName: 'Dr Amelia Hart', membership: 'join' },
      { userId: chidi, displayName: 'Dr Chidi Okafor', membership: 'join' },
      { userId: '@nurse:trust-a.example', displayName: 'nurse', membership: 'invite' },
    ]);
  });

  it("is a referral room with a partner's clinician, named from the policy's partner trusts (the server name until then)", () => {
    member(bea, 'invite', { displayname: 'Ms Bea Lindqvist' }, me);
    expect(summariseRoom(room, me, context())).toMatchObject({
      kind: 'referral',
      partnerTrust: { serverName: 'trust-b.example', name: 'Trust B Hospitals' },
    });
    expect(summariseRoom(room, me, context({ policy: null })).partnerTrust).toEqual({
      serverName: 'trust-b.example',
      name: 'trust-b.example',
    });
  });

  it('is direct when m.direct lists it or the invitation offers it as direct, with the other clinician by name', () => {
    member(chidi, 'join', { displayname: 'Dr Chidi Okafor' });
    expect(summariseRoom(room, me, context()).kind).toBe('team');
    expect(summariseRoom(room, me, context({ directRoomIds: new Set([roomId]) }))).toMatchObject({
      kind: 'direct',
      directWith: { userId: chidi, displayName: 'Dr Chidi Okafor' },
    });
    member(me, 'invite', { is_direct: true }, chidi);
    room.updateMyMembership('invite');
    expect(summariseRoom(room, me, context())).toMatchObject({ kind: 'direct', invitedBy: chidi });
  });

  it('is marked urgent while an urgent message from someone else is after the read receipt, never for plaintext', async () => {
    member(chidi, 'join');
    await decryptedMessage('$plain-looking', chidi, { msgtype: 'm.text', body: 'ok' });
    expect(summariseRoom(room, me, context()).urgentUnread).toBe(false);
    const urgent = await decryptedMessage('$urgent', chidi, {
      msgtype: 'm.text',
      body: 'Crash call',
      'uk.nhs.bleep.urgent': true,
    });
    expect(summariseRoom(room, me, context()).urgentUnread).toBe(true);
    room.addLocalEchoReceipt(me, urgent, ReceiptType.Read);
    expect(summariseRoom(room, me, context()).urgentUnread).toBe(false);
    ts += 1;
    await room.addLiveEvents(
      [
        new MatrixEvent({
          event_id: '$clear',
          room_id: roomId,
          sender: chidi,
          type: 'm.room.message',
          origin_server_ts: ts,
          content: { msgtype: 'm.text', body: 'x', 'uk.nhs.bleep.urgent': true },
        }),
      ],
      { addToState: false },
    );
    expect(summariseRoom(room, me, context()).urgentUnread).toBe(false);
  });
});
