// The two test trusts' "public" addresses: 198.18.0.0/15 (reserved for network tests, RFC 2544), added to the
// host's loopback for the test's length. Each gateway publishes 443 and 8448 on its own address, as on a trust's
// host, and each Synapse reaches its partner's gateway there through its egress network, as it would a partner's
// public address; the local stack's ports on 127.0.0.1 are never in the way.
import { runCommand } from '../../compose/dockerCommand.ts';

export const testPublicAddresses = { 'trust-a': '198.18.0.1', 'trust-b': '198.18.0.2' } as const;

async function loopbackHas(address: string): Promise<boolean> {
  const shown = await runCommand('ip', ['-4', '-o', 'addr', 'show', 'dev', 'lo']);
  return shown.includes(` ${address}/32 `);
}

/** Adds the addresses missing from loopback; returns those it added, for removeAddresses. */
export async function addTestAddresses(): Promise<string[]> {
  const added: string[] = [];
  for (const address of Object.values(testPublicAddresses)) {
    if (await loopbackHas(address)) continue;
    await runCommand('ip', ['addr', 'add', `${address}/32`, 'dev', 'lo']);
    added.push(address);
  }
  return added;
}

export async function removeAddresses(addresses: readonly string[]): Promise<void> {
  for (const address of addresses) await runCommand('ip', ['addr', 'del', `${address}/32`, 'dev', 'lo']);
}
