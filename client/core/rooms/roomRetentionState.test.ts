import { createClient, EventTimeline, MatrixEvent, Room, type MatrixClient } from 'matrix-js-sdk';
import { beforeEach, describe, expect, it } from 'vitest';
import { needsRetentionState, roomRetentionContent } from './roomRetentionState.ts';

// The SDK's room, never synced: the test gives it the state events sync would bring.
const admin = '@amelia:trust-a.example';
const member = '@chidi:trust-a.example';
const roomId = '!ward:trust-a.example';
const ninetyDays = roomRetentionContent(90).max_lifetime;
let client: MatrixClient;
let room: Room;
let ts = 1_700_000_000_000;

function state(type: string, stateKey: string, content: Record<string, unknown>, sender = admin) {
  ts += 1;
  const event = new MatrixEvent({
    event_id: `$s${ts}`,
    room_id: roomId,
    type,
    state_key: stateKey,
    sender,
    origin_server_ts: ts,
    content,
  });
  room.getLiveTimeline().getState(EventTimeline.FORWARDS)?.setStateEvents([event]);
}

beforeEach(() => {
  client = createClient({ baseUrl: 'https://trust-a.example', userId: admin });
  room = new Room(roomId, client, admin);
  state('m.room.create', '', { creator: admin });
  state('m.room.member', admin, { membership: 'join' });
  state('m.room.member', member, { membership: 'join' }, member);
  state('m.room.power_levels', '', { users: { [admin]: 100 }, state_default: 50, users_default: 0 });
  room.updateMyMembership('join');
});

describe("a room's retention state, set by an admin's desktop", () => {
  it("is 90 days' worth of milliseconds for clientDays 90", () => {
    expect(roomRetentionContent(90)).toEqual({ max_lifetime: 90 * 24 * 60 * 60 * 1000 });
  });

  it('is needed in a room that has none, or another limit, when this user may set it', () => {
    expect(needsRetentionState(room, admin, ninetyDays)).toBe(true);
    state('m.room.retention', '', { max_lifetime: roomRetentionContent(30).max_lifetime });
    expect(needsRetentionState(room, admin, ninetyDays)).toBe(true);
  });

  it("is left as a partner trust's member set it, whatever it says (their trust's limit is theirs)", () => {
    state(
      'm.room.retention',
      '',
      { max_lifetime: roomRetentionContent(30).max_lifetime },
      '@bea:trust-b.example',
    );
    expect(needsRetentionState(room, admin, ninetyDays)).toBe(false);
  });

  it('is not needed once the room says the limit', () => {
    state('m.room.retention', '', { max_lifetime: ninetyDays });
    expect(needsRetentionState(room, admin, ninetyDays)).toBe(false);
  });

  it('is left to an admin: a member without the power, or one not joined, does not try', () => {
    expect(needsRetentionState(room, member, ninetyDays)).toBe(false);
    room.updateMyMembership('invite');
    expect(needsRetentionState(room, admin, ninetyDays)).toBe(false);
  });
});
