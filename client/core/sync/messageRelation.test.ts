import { createClient, EventStatus, EventTimeline, MatrixEvent, Room } from 'matrix-js-sdk';
import { describe, expect, it } from 'vitest';
import { messageRelationFor } from './messageRelation.ts';

const roomId = '!ward:trust-a.example';
const base = { room_id: roomId, origin_server_ts: 1_700_000_000_000 };
const bob = '@bob:trust-b.example';
const moderator = '@charge.nurse:trust-a.example';

/** A room where the charge nurse has power level 50 (enough to redact) and Bob 0. */
function ward(): Room {
  const me = '@amelia:trust-a.example';
  const room = new Room(roomId, createClient({ baseUrl: 'http://127.0.0.1:1', userId: me }), me);
  const state = (type: string, stateKey: string, content: Record<string, unknown>) =>
    new MatrixEvent({
      ...base,
      event_id: `$${type}${stateKey}`,
      sender: moderator,
      type,
      state_key: stateKey,
      content,
    });
  room
    .getLiveTimeline()
    .getState(EventTimeline.FORWARDS)
    ?.setStateEvents([
      state('m.room.create', '', { creator: moderator, room_version: '10' }),
      state('m.room.member', moderator, { membership: 'join' }),
      state('m.room.member', bob, { membership: 'join' }),
      state('m.room.power_levels', '', { users: { [moderator]: 50 }, users_default: 0, redact: 50 }),
    ]);
  return room;
}

function edit(change: Record<string, unknown> = {}): MatrixEvent {
  return new MatrixEvent({
    ...base,
    event_id: '$edit',
    sender: bob,
    type: 'm.room.message',
    content: {
      msgtype: 'm.text',
      body: '* Bed 5, not bed 4',
      'm.new_content': { msgtype: 'm.text', body: 'Bed 5, not bed 4' },
      'm.relates_to': { rel_type: 'm.replace', event_id: '$original' },
    },
    ...change,
  });
}

describe('a relation read from an SDK event', () => {
  it('reads an edit as its new content, not the fallback body', () => {
    expect(messageRelationFor(edit(), null)).toEqual({
      kind: 'edit',
      id: '$edit',
      roomId,
      sender: bob,
      sentAt: base.origin_server_ts,
      targetId: '$original',
      msgtype: 'm.text',
      body: 'Bed 5, not bed 4',
    });
  });

  it('reads a reaction with its key', () => {
    const reaction = new MatrixEvent({
      ...base,
      event_id: '$reaction',
      sender: bob,
      type: 'm.reaction',
      content: { 'm.relates_to': { rel_type: 'm.annotation', event_id: '$original', key: '👍' } },
    });
    expect(messageRelationFor(reaction, null)).toMatchObject({
      kind: 'reaction',
      targetId: '$original',
      key: '👍',
    });
  });

  it("reads a redaction, and whether the room's power levels let its sender redact others' events", () => {
    const redaction = (sender: string) =>
      new MatrixEvent({
        ...base,
        event_id: '$redaction',
        sender,
        type: 'm.room.redaction',
        redacts: '$original',
      });
    const room = ward();
    expect(messageRelationFor(redaction(bob), room)).toMatchObject({
      kind: 'redaction',
      targetId: '$original',
      sender: bob,
      senderMayRedactOthers: false,
    });
    expect(messageRelationFor(redaction(moderator), room)).toMatchObject({ senderMayRedactOthers: true });
    // A room the SDK does not know gives nobody that right.
    expect(messageRelationFor(redaction(moderator), null)).toMatchObject({ senderMayRedactOthers: false });
  });

  it('reads a message the server sent already redacted as its redaction, which the server applied', () => {
    const redacted = new MatrixEvent({
      ...base,
      event_id: '$original',
      sender: bob,
      type: 'm.room.message',
      content: {},
      unsigned: {
        redacted_because: {
          event_id: '$redaction',
          sender: moderator,
          type: 'm.room.redaction',
          origin_server_ts: base.origin_server_ts + 5,
          room_id: roomId,
          content: {},
          unsigned: {},
        },
      },
    });
    expect(messageRelationFor(redacted, null)).toEqual({
      kind: 'redaction',
      id: '$redaction',
      roomId,
      sender: moderator,
      sentAt: base.origin_server_ts + 5,
      targetId: '$original',
      senderMayRedactOthers: true,
    });
  });

  it('reads nothing from a plain message, a local echo still sending, or an edit with no new text', () => {
    const message = new MatrixEvent({
      ...base,
      event_id: '$plain',
      sender: bob,
      type: 'm.room.message',
      content: { msgtype: 'm.text', body: 'Bed 4' },
    });
    expect(messageRelationFor(message, null)).toBeUndefined();
    const echo = edit({ event_id: '~local' });
    echo.setStatus(EventStatus.SENDING);
    expect(messageRelationFor(echo, null)).toBeUndefined();
    expect(
      messageRelationFor(
        edit({ content: { body: '*', 'm.relates_to': { rel_type: 'm.replace', event_id: '$original' } } }),
        null,
      ),
    ).toBeUndefined();
  });
});
