// Whether a message may leave this desktop for a room now. Never in the clear: the SDK sends a message as it is into
// a room it does not know yet, or before rust crypto knows the room is encrypted. Never to a changed identity: rust
// crypto's signed-devices isolation shares room keys with every device a user's *current* identity signed, so after
// a homeserver replaces a colleague's identity (client/test/integration/identityReset.test.ts) its devices would
// read what is sent next. Until the clinician acknowledges the change, nothing is sent into a room the colleague is
// in. (Left: a change that reaches this desktop between this check and the SDK's own key query at encryption time.)
import type { MatrixClient } from 'matrix-js-sdk';
import { IdentityChangedError } from '../errors/clientErrors.ts';

export type SendBlock =
  | Readonly<{ reason: 'room-not-ready' }>
  | Readonly<{ reason: 'identity-changed'; error: IdentityChangedError }>;

export async function sendBlockFor(client: MatrixClient, roomId: string): Promise<SendBlock | null> {
  const room = client.getRoom(roomId);
  const crypto = client.getCrypto();
  if (!room || !crypto || !(await crypto.isEncryptionEnabledInRoom(roomId)))
    return { reason: 'room-not-ready' };
  const ownUserId = client.getSafeUserId();
  // The invited too: rust crypto shares room keys with them.
  const recipients = [...room.getJoinedMembers(), ...room.getMembersWithMembership('invite')].map(
    (member) => member.userId,
  );
  // Waits (briefly) for key queries in flight, so a change the server already announced is seen.
  await crypto.getUserDeviceInfo(recipients, true);
  const changed: string[] = [];
  for (const userId of new Set(recipients)) {
    if (userId === ownUserId) continue;
    if ((await crypto.getUserVerificationStatus(userId)).needsUserApproval) changed.push(userId);
  }
  return changed.length > 0
    ? { reason: 'identity-changed', error: new IdentityChangedError(changed.sort()) }
    : null;
}
