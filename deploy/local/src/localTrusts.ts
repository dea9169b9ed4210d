// The trusts the local runner knows: each is a policy file in policy-module/policies/local/ plus a fixed index
// that gives its ports. Their server names carry the federation port, so the two must agree.
import { fileURLToPath } from 'node:url';
import { loadPolicy, type TrustPolicy } from '@bleep/policy-module';
import { trustPorts, type TrustPorts } from './stackLayout.ts';

/** Index order is port order: never reorder, append. "outsider" is on nobody's allow-list, for tests. */
export const localTrustNames = ['trust-a', 'trust-b', 'outsider'] as const;
export const defaultTrustNames = ['trust-a', 'trust-b'] as const;

export type LocalTrust = Readonly<{
  name: string;
  policy: TrustPolicy;
  policyPath: string;
  ports: TrustPorts;
  /** Hostname part of the server name; resolved to loopback inside the Synapse root. */
  hostname: string;
}>;

export class UnknownTrustError extends Error {
  override readonly name = 'UnknownTrustError';
}

export function policyPathFor(name: string): string {
  return fileURLToPath(new URL(`../../../policy-module/policies/local/${name}.json`, import.meta.url));
}

export async function loadLocalTrust(name: string): Promise<LocalTrust> {
  const index = (localTrustNames as readonly string[]).indexOf(name);
  if (index < 0) {
    throw new UnknownTrustError(`unknown local trust "${name}"; known: ${localTrustNames.join(', ')}`);
  }
  const policyPath = policyPathFor(name);
  const policy = await loadPolicy(policyPath);
  const ports = trustPorts(index);
  const expected = `${name}.localhost:${ports.federation}`;
  if (policy.trust.serverName !== expected) {
    throw new UnknownTrustError(
      `${policyPath}: trust.serverName must be "${expected}" for the local runner (it gives the federation port)`,
    );
  }
  return { name, policy, policyPath, ports, hostname: `${name}.localhost` };
}
