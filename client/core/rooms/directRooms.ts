// The clinician's direct rooms as Matrix keeps them: m.direct account data, { userId: [roomId, ...] }, which every
// client of the account reads to know a room is a one-to-one conversation (the gateway lets Bleep write only that
// shape: rules/accountDataTypes.ts). Finding the room already open with someone, and recording a new one.
import { EventType, type MatrixClient } from 'matrix-js-sdk';

type DirectContent = Record<string, string[]>;

function directContent(client: MatrixClient): DirectContent {
  const content: unknown = client.getAccountData(EventType.Direct)?.getContent();
  const rooms: DirectContent = {};
  if (typeof content !== 'object' || content === null) return rooms;
  for (const [userId, roomIds] of Object.entries(content as Record<string, unknown>)) {
    if (Array.isArray(roomIds)) rooms[userId] = roomIds.filter((id): id is string => typeof id === 'string');
  }
  return rooms;
}

/**
 * A room this clinician has joined that m.direct gives as direct with `userId`, where that person is still joined or
 * invited and nobody else is; the most recently active first. Undefined when there is none.
 */
export function existingDirectRoom(
  client: MatrixClient,
  ownUserId: string,
  userId: string,
): string | undefined {
  const candidates = (directContent(client)[userId] ?? []).flatMap((roomId) => {
    const room = client.getRoom(roomId);
    if (room?.getMyMembership() !== 'join') return [];
    const membership = room.getMember(userId)?.membership;
    if (membership !== 'join' && membership !== 'invite') return [];
    const others = room
      .getMembers()
      .filter(
        (member) => member.userId !== ownUserId && ['join', 'invite'].includes(member.membership ?? ''),
      );
    return others.length === 1 ? [room] : [];
  });
  candidates.sort((a, b) => b.getLastActiveTimestamp() - a.getLastActiveTimestamp());
  return candidates[0]?.roomId;
}

/** Adds the room to m.direct under `userId` (kept as the server has it otherwise). */
export async function recordDirectRoom(client: MatrixClient, userId: string, roomId: string): Promise<void> {
  const content = directContent(client);
  const rooms = content[userId] ?? [];
  if (rooms.includes(roomId)) return;
  await client.setAccountData(EventType.Direct, { ...content, [userId]: [...rooms, roomId] });
}
