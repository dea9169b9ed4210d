// Holds the trust directory in force: a new one replaces it only if it verifies, so an unsigned, tampered or
// expired file never takes effect and the last good one stays. It answers which partners may federate now.
import { authorityPublicKey, type AuthorityKeyInput } from './authorityKey.ts';
import type { DirectoryDocument } from './trustDirectory.ts';
import { DirectoryError } from './trustDirectory.ts';
import { verifyDirectory } from './verifyDirectory.ts';

export type DirectoryStatus =
  | Readonly<{ state: 'ok'; expiresAt: string }>
  | Readonly<{ state: 'expiring'; expiresAt: string; daysLeft: number }>
  | Readonly<{ state: 'expired'; expiresAt: string }>
  | Readonly<{ state: 'none' }>;

export interface DirectoryStore {
  /** Verifies and installs a directory; on failure keeps the current one and returns the error. */
  load(fileText: string): DirectoryError | undefined;
  status(): DirectoryStatus;
  /** Partners the policy lists that the directory in force vouches for; none without a valid directory. */
  allowedPartners(policyPartners: readonly string[]): string[];
}

export type DirectoryStoreDeps = Readonly<{
  /** The directory authority's Ed25519 public key (PEM or KeyObject), from the gateway's configuration. */
  authorityKey: AuthorityKeyInput;
  clock: () => Date;
  /** Warn this long before expiry, so the authority's new directory arrives in time. */
  warnWithinDays?: number;
}>;

export function createDirectoryStore(deps: DirectoryStoreDeps): DirectoryStore {
  // Converted once, so a wrong key stops the gateway at start rather than at the first reload.
  const authorityKey = authorityPublicKey(deps.authorityKey);
  const warnWithinMs = (deps.warnWithinDays ?? 7) * 86_400_000;
  let current: DirectoryDocument | undefined;

  function status(): DirectoryStatus {
    if (!current) return { state: 'none' };
    const remaining = new Date(current.expiresAt).getTime() - deps.clock().getTime();
    if (remaining <= 0) return { state: 'expired', expiresAt: current.expiresAt };
    if (remaining <= warnWithinMs) {
      return {
        state: 'expiring',
        expiresAt: current.expiresAt,
        daysLeft: Math.floor(remaining / 86_400_000),
      };
    }
    return { state: 'ok', expiresAt: current.expiresAt };
  }

  return {
    load(fileText) {
      try {
        current = verifyDirectory(fileText, authorityKey, deps.clock);
        return undefined;
      } catch (error) {
        if (error instanceof DirectoryError) return error;
        throw error;
      }
    },
    status,
    allowedPartners(policyPartners) {
      // An expired directory vouches for nobody: federation stops rather than trusting stale entries.
      if (!current || status().state === 'expired') return [];
      const vouched = new Set(current.trusts.map((trust) => trust.serverName));
      return policyPartners.filter((partner) => vouched.has(partner));
    },
  };
}
