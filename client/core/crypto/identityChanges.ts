// Whose signing identity changed since this desktop first saw it. Rust crypto pins each user's identity the first
// time it sees it; a later different identity (a reset by trust IT, or a homeserver replacing it) is a pin
// violation until the clinician acknowledges it. Such users are listed here, as plain user ids, for the store to
// show plainly ("Dr Hart's identity changed: check with them before sending anything sensitive").
import type { CryptoApi, UserVerificationStatus } from 'matrix-js-sdk/lib/crypto-api/index.js';

export interface IdentityChanges {
  /** Looks at users this desktop shares rooms with (at start: the changes recorded before it stopped). */
  scan(userIds: readonly string[]): Promise<void>;
  /** Takes the SDK's news of a user's identity; true when the list changed. */
  update(userId: string, status: UserVerificationStatus): boolean;
  /** The clinician has seen the change: the new identity becomes the pinned one. */
  acknowledge(userId: string): Promise<void>;
  list(): readonly string[];
}

export function createIdentityChanges(crypto: CryptoApi, ownUserId: string): IdentityChanges {
  const changed = new Set<string>();
  const update = (userId: string, status: UserVerificationStatus): boolean => {
    if (userId === ownUserId) return false;
    const had = changed.has(userId);
    if (status.needsUserApproval) changed.add(userId);
    else changed.delete(userId);
    return had !== changed.has(userId);
  };
  return {
    async scan(userIds) {
      for (const userId of new Set(userIds)) update(userId, await crypto.getUserVerificationStatus(userId));
    },
    update,
    async acknowledge(userId) {
      await crypto.pinCurrentUserIdentity(userId);
      changed.delete(userId);
    },
    list: () => [...changed].sort(),
  };
}
