// Who a message must wait for: a clinician at a partner trust who is invited to the room but has not joined. Until
// they join, their homeserver holds no copy of the room and their desktops get no key for what is sent, so a message
// sent now could never be read there (found with referrals; the same holds for any conversation with a partner's
// clinician). Colleagues on the clinician's own server are not waited for: their server has the room already.
const serverOf = (userId: string) => userId.slice(userId.indexOf(':') + 1);

/** The part of an SDK room this reads (a Room is one). */
export interface RoomInvitations {
  getMembersWithMembership(membership: 'invite'): readonly Readonly<{ userId: string }>[];
}

export function invitedPartner(
  room: RoomInvitations | null | undefined,
  ownUserId: string,
): string | undefined {
  const ownServer = serverOf(ownUserId);
  return room
    ?.getMembersWithMembership('invite')
    .map((member) => member.userId)
    .find((userId) => serverOf(userId) !== ownServer);
}
