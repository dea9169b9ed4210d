// What kind of conversation a room is, from what this desktop knows in the clear: direct (in the clinician's m.direct
// account data, or offered as direct in their invitation's is_direct), referral (members from a partner trust), or
// a team room; and which partner trust is in it, named as the trust policy names its partners (the server name
// until the policy names it).
import type { Room } from 'matrix-js-sdk';
import type { PartnerTrust, RoomKind, RoomMember } from '../stores/roomsSlice.ts';
import type { TrustPolicyView } from '../trust/trustPolicy.ts';
import { serverNameOf } from '../rooms/matrixUserId.ts';

/** The rooms of the clinician's m.direct account data, from its content ({ userId: roomIds[] }). */
export function directRoomIdsIn(content: unknown): ReadonlySet<string> {
  const ids = new Set<string>();
  if (typeof content !== 'object' || content === null) return ids;
  for (const roomIds of Object.values(content as Record<string, unknown>)) {
    if (!Array.isArray(roomIds)) continue;
    for (const roomId of roomIds) if (typeof roomId === 'string') ids.add(roomId);
  }
  return ids;
}

/** Whether the clinician's own membership offers the room as a direct one (an invitation with is_direct). */
export function offeredAsDirect(room: Room, ownUserId: string): boolean {
  return room.getMember(ownUserId)?.events.member?.getContent().is_direct === true;
}

/** The partner trust of the first member from another server, named from the policy; null if all are ours. */
export function partnerTrustIn(
  members: readonly RoomMember[],
  ownUserId: string,
  policy: TrustPolicyView | null,
): PartnerTrust | null {
  const own = serverNameOf(ownUserId);
  const serverName = members.map((member) => serverNameOf(member.userId)).find((server) => server !== own);
  if (serverName === undefined) return null;
  const name = (policy?.partnerTrusts ?? []).find((partner) => partner.serverName === serverName)?.name;
  return { serverName, name: name ?? serverName };
}

export function roomKindOf(
  direct: boolean,
  members: readonly RoomMember[],
  partnerTrust: PartnerTrust | null,
): RoomKind {
  if (direct && members.length <= 2) return 'direct';
  return partnerTrust === null ? 'team' : 'referral';
}
