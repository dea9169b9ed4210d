// Whether this desktop trusts its clinician's cross-signing identity. Rust crypto sends room keys from a device only
// when its owner's identity is verified on it (otherwise: "your device is not verified"), and a desktop verifies
// that identity in the usual ways only with the identity's private keys or another device of the clinician at hand,
// neither of which a hot-desking clinician has. Here the trust is the authority: the desktop marks the identity
// verified when, and only when, the master key the homeserver serves is the one the trust's gateway named over TLS
// in its answer to the signature request. A homeserver that serves another identity is not trusted.
import { UserId, type OwnUserIdentity, type OlmMachine } from '@matrix-org/matrix-sdk-crypto-wasm';
import type { MatrixClient } from 'matrix-js-sdk';

export type OwnIdentityWait = Readonly<{
  attempts: number;
  delayMs: number;
  wait: (ms: number) => Promise<void>;
}>;

const defaultWait: OwnIdentityWait = {
  attempts: 120,
  delayMs: 250,
  wait: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

function olmMachineOf(client: MatrixClient): OlmMachine {
  // matrix-js-sdk 43 has no public call to mark one's own identity verified; its own migration code does it through
  // the OlmMachine, as this does. `getOlmMachineOrThrow` is private in the SDK's types, not at run time.
  const crypto = client.getCrypto() as unknown as { getOlmMachineOrThrow?: () => OlmMachine } | undefined;
  if (!crypto?.getOlmMachineOrThrow) throw new Error('rust crypto is not running');
  return crypto.getOlmMachineOrThrow();
}

function masterKeyOf(identity: OwnUserIdentity): string | undefined {
  const parsed = JSON.parse(identity.masterKey) as { keys?: Record<string, string> };
  return Object.values(parsed.keys ?? {})[0];
}

/**
 * Marks the clinician's identity verified on this desktop once the homeserver serves the master key the trust named;
 * resolves 'trusted', or 'other-identity' if the homeserver serves a different one (nothing is marked then).
 */
export async function trustOwnIdentity(
  client: MatrixClient,
  userId: string,
  masterKeyFromTrust: string,
  wait: OwnIdentityWait = defaultWait,
): Promise<'trusted' | 'other-identity'> {
  const machine = olmMachineOf(client);
  for (let attempt = 1; ; attempt += 1) {
    const identity = await machine.getIdentity(new UserId(userId));
    // Only the own user's identity has `trustsOurOwnDevice`; another user's would be a bug upstream.
    if (identity && 'trustsOurOwnDevice' in identity) {
      const served = masterKeyOf(identity);
      if (served === masterKeyFromTrust) {
        if (!identity.isVerified()) {
          // The returned request would publish this device's signature of the master key; like the SDK's migration,
          // it is dropped: the trust's signatures are what other clients go by.
          (await identity.verify()).free();
        }
        return 'trusted';
      }
      if (attempt >= wait.attempts) return 'other-identity';
    } else if (attempt >= wait.attempts) {
      throw new Error('the homeserver has not served this clinician’s identity');
    }
    await wait.wait(wait.delayMs);
  }
}
