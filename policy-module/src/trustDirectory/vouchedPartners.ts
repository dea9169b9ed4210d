// Which of the policy's partners a signed trust directory file vouches for now, decided exactly as the gateway
// decides it (directoryStore.ts), for settings rendered once at start: Synapse's federation_domain_whitelist. So
// Synapse itself, inbound and outbound, refuses a partner the directory does not vouch for, not only the gateway.
import type { TrustPolicy } from '../policy/trustPolicy.ts';
import type { AuthorityKeyInput } from './authorityKey.ts';
import { createDirectoryStore } from './directoryStore.ts';
import type { DirectoryError } from './trustDirectory.ts';

export type VouchedPartners =
  | Readonly<{ outcome: 'vouched'; partners: string[] }>
  /** The file does not verify now (unsigned, tampered, expired, not yet valid): nobody can be vouched for. */
  | Readonly<{ outcome: 'refused'; error: DirectoryError }>;

export function vouchedPartners(
  input: Readonly<{ policy: TrustPolicy; directoryText: string; authorityKey: AuthorityKeyInput; now: Date }>,
): VouchedPartners {
  const store = createDirectoryStore({ authorityKey: input.authorityKey, clock: () => input.now });
  const error = store.load(input.directoryText);
  if (error) return { outcome: 'refused', error };
  return { outcome: 'vouched', partners: store.allowedPartners(input.policy.federation.partners) };
}
