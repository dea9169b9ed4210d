// Holds the trust directory in force: a new one replaces it only if it verifies, so an unsigned, tampered or
// expired file never takes effect and the last good one stays. Nor does an older one: a directory issued before
// the newest this trust has accepted could bring back a partner the authority has since removed (a rollback).
// It answers which partners may federate now, and by what name the directory knows them.
import { authorityPublicKey, type AuthorityKeyInput } from './authorityKey.ts';
import type { DirectoryDocument, PartnerTrust } from './trustDirectory.ts';
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
  /** The directory in force, if any. */
  inForce(): DirectoryDocument | undefined;
  status(): DirectoryStatus;
  /** Partners the policy lists that the directory in force vouches for; none without a valid directory. */
  allowedPartners(policyPartners: readonly string[]): string[];
  /** The same partners, in the same order, each with its name as the directory in force gives it. */
  partnerTrusts(policyPartners: readonly string[]): PartnerTrust[];
}

export type DirectoryStoreDeps = Readonly<{
  /** The directory authority's Ed25519 public key (PEM or KeyObject), from the gateway's configuration. */
  authorityKey: AuthorityKeyInput;
  clock: () => Date;
  /** Warn this long before expiry, so the authority's new directory arrives in time. */
  warnWithinDays?: number;
  /** Issue date of the newest directory accepted before (kept across restarts); anything older is refused. */
  newestAcceptedIssuedAt?: string;
}>;

export function createDirectoryStore(deps: DirectoryStoreDeps): DirectoryStore {
  // Converted once, so a wrong key stops the gateway at start rather than at the first reload.
  const authorityKey = authorityPublicKey(deps.authorityKey);
  const warnWithinMs = (deps.warnWithinDays ?? 7) * 86_400_000;
  let current: DirectoryDocument | undefined;
  let newestIssuedAt = deps.newestAcceptedIssuedAt ? Date.parse(deps.newestAcceptedIssuedAt) : -Infinity;

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

  function partnerTrusts(policyPartners: readonly string[]): PartnerTrust[] {
    // An expired directory vouches for nobody: federation stops rather than trusting stale entries.
    if (!current || status().state === 'expired') return [];
    const names = new Map(current.trusts.map((trust) => [trust.serverName, trust.name]));
    return policyPartners.flatMap((serverName) => {
      const name = names.get(serverName);
      return name === undefined ? [] : [{ serverName, name }];
    });
  }

  return {
    load(fileText) {
      try {
        const candidate = verifyDirectory(fileText, authorityKey, deps.clock);
        const issuedAt = Date.parse(candidate.issuedAt);
        // The same directory again (the periodic reload) is accepted; an older one is not.
        if (issuedAt < newestIssuedAt) {
          return new DirectoryError(
            'DIRECTORY_SUPERSEDED',
            `the trust directory issued at ${candidate.issuedAt} is older than one already accepted (issued ${new Date(newestIssuedAt).toISOString()})`,
          );
        }
        current = candidate;
        newestIssuedAt = issuedAt;
        return undefined;
      } catch (error) {
        if (error instanceof DirectoryError) return error;
        throw error;
      }
    },
    inForce: () => current,
    status,
    allowedPartners(policyPartners) {
      return partnerTrusts(policyPartners).map((partner) => partner.serverName);
    },
    partnerTrusts,
  };
}
