// Whether this desktop trusts its clinician's cross-signing identity. Rust crypto sends room keys from a device only
// when its owner's identity is verified on it (otherwise: "your device is not verified"), and a desktop verifies
// that identity in the usual ways only with the identity's private keys or another device of the clinician at hand,
// neither of which a hot-desking clinician has. Here the trust is the authority: the desktop marks the identity
// verified when, and only when, the master key the homeserver serves is the one the trust's gateway named over TLS
// in its answer to the signature request. A homeserver that serves another identity is not trusted.
import { UserId, type OwnUserIdentity, type OlmMachine } from '@matrix-org/matrix-sdk-crypto-wasm';
import type { MatrixClient } from 'matrix-js-sdk';
import { olmMachineOf } from './olmMachine.ts';

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
  for (let attempt = 1; ; attempt += 1) {
    // Asked afresh each time: once the session stops, the SDK frees its OlmMachine and this throws, ending the wait.
    const found = await servedIdentity(olmMachineOf(client), userId, masterKeyFromTrust);
    if (found === 'trusted') return found;
    if (attempt >= wait.attempts) {
      if (found === 'none') throw new Error('the homeserver has not served this clinician’s identity');
      return found;
    }
    await wait.wait(wait.delayMs);
  }
}

/**
 * One look at the identity the SDK holds, marking it verified when it is the trust's. Every wasm object is freed
 * here: one left to the garbage collector holds the crypto store open, and the store then cannot be deleted when the
 * session ends (the wipe times out).
 */
async function servedIdentity(
  machine: OlmMachine,
  userId: string,
  masterKeyFromTrust: string,
): Promise<'trusted' | 'other-identity' | 'none'> {
  const rustUserId = new UserId(userId);
  const identity = await machine.getIdentity(rustUserId);
  rustUserId.free();
  if (!identity) return 'none';
  try {
    // Only the own user's identity has `trustsOurOwnDevice`; another user's would be a bug upstream.
    if (!('trustsOurOwnDevice' in identity)) return 'none';
    if (masterKeyOf(identity) !== masterKeyFromTrust) return 'other-identity';
    if (!identity.isVerified()) {
      // The returned request would publish this device's signature of the master key; like the SDK's migration, it
      // is dropped: the trust's signatures are what other clients go by.
      (await identity.verify()).free();
    }
    return 'trusted';
  } finally {
    identity.free();
  }
}
