// What was said in a room before the clinician joined it, read back once from the server when they join: a referral's
// first message is sent while its recipient is only invited, and a homeserver joining a room over federation starts
// its timeline at the join. History the room lets members see is back-filled by their homeserver on this request;
// the sync writer records it like any event (placed by send time), and the archive keeps it.
import { RoomEvent, type MatrixClient, type Room } from 'matrix-js-sdk';
import type { CoreLogger } from '../platform.ts';

/** How many earlier events are read back at a join: the start of a conversation, not its whole history. */
const historyAtJoin = 30;

export function watchJoinedRoomHistory(client: MatrixClient, logger: CoreLogger): () => void {
  const log = logger.child('history');
  const onMembership = (room: Room, membership: string, previous?: string) => {
    if (membership !== 'join' || previous !== 'invite') return;
    // After the sync response that brought the join is processed: its timeline gives the token to read back from.
    setTimeout(() => {
      client.scrollback(room, historyAtJoin).catch((error: unknown) => {
        log.warn('could not read back what was said before joining', {
          error: error instanceof Error ? error.name : 'unknown',
        });
      });
    }, 0);
  };
  client.on(RoomEvent.MyMembership, onMembership);
  return () => {
    client.off(RoomEvent.MyMembership, onMembership);
  };
}
