// Every room carries m.room.retention (MSC1763) with the trust's clientDays, so any Matrix client in it knows how long
// its messages may be kept. The gateway adds it to every room made since it forced it (rules/roomShape.ts); a room
// made before that, or under an earlier limit of this trust, is given it by the desktop of the first member allowed to
// set it (the room's admins), once a sync has brought the room. The gateway accepts no other value than the policy's.
import { ClientEvent, EventTimeline, SyncState, type MatrixClient, type Room } from 'matrix-js-sdk';
import type { CoreLogger } from '../platform.ts';

const retentionType = 'm.room.retention';
const dayMs = 86_400_000;

/** The state content for this limit, as the gateway requires it. */
export function roomRetentionContent(clientDays: number): { max_lifetime: number } {
  return { max_lifetime: clientDays * dayMs };
}

/** The server part of a user id ('@a:trust-a.example' → 'trust-a.example'). */
const serverOf = (userId: string) => userId.slice(userId.indexOf(':') + 1);

/**
 * Whether this joined room needs its retention set by this user: it says none, or another limit that someone of this
 * trust set (its limit changed since), and this user may set it. A limit a partner trust's member set is theirs to
 * keep: two trusts' desktops would otherwise overwrite each other's at every start.
 */
export function needsRetentionState(room: Room, ownUserId: string, maxLifetime: number): boolean {
  const state = room.getLiveTimeline().getState(EventTimeline.FORWARDS);
  if (room.getMyMembership() !== 'join' || !state) return false;
  const current = state.getStateEvents(retentionType, '');
  if (current) {
    if (current.getContent().max_lifetime === maxLifetime) return false;
    if (serverOf(current.getSender() ?? '') !== serverOf(ownUserId)) return false;
  }
  return state.maySendStateEvent(retentionType, ownUserId);
}

export type RoomRetentionOptions = Readonly<{
  ownUserId: string;
  /** The trust's clientDays, once its policy is known. */
  clientDays: () => number | undefined;
  logger: CoreLogger;
}>;

/** After each sync, sets the retention of the rooms that need it; each room and limit is tried once per session. */
export function keepRoomRetention(client: MatrixClient, options: RoomRetentionOptions): () => void {
  const log = options.logger.child('room-retention');
  // roomId → the max_lifetime tried: a refusal is not repeated at every sync.
  const tried = new Map<string, number>();
  const check = () => {
    const clientDays = options.clientDays();
    if (clientDays === undefined) return;
    const content = roomRetentionContent(clientDays);
    for (const room of client.getRooms()) {
      if (tried.get(room.roomId) === content.max_lifetime) continue;
      if (!needsRetentionState(room, options.ownUserId, content.max_lifetime)) continue;
      tried.set(room.roomId, content.max_lifetime);
      // The SDK's typing of state event types and contents is narrower than this MSC's event.
      client
        .sendStateEvent(room.roomId, retentionType as never, content as never, '')
        .catch((error: unknown) => {
          log.warn('could not set how long messages are kept in a room', {
            error: error instanceof Error ? error.name : 'unknown',
          });
        });
    }
  };
  const onSync = (state: SyncState) => {
    if (state === SyncState.Prepared || state === SyncState.Syncing) check();
  };
  client.on(ClientEvent.Sync, onSync);
  return () => {
    client.off(ClientEvent.Sync, onSync);
  };
}
