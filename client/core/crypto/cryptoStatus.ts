// How this device's encryption stands, as plain data for the session store (set by crypto/sessionCrypto.ts).
import type { CryptoStoreKind } from '../platform.ts';

/**
 * 'the-trusts': the homeserver serves the identity the trust holds for this clinician, and this desktop trusts it.
 * 'unconfirmed': not asked yet, or the trust could not be reached. 'not-the-trusts': the homeserver serves another
 * identity (made without trust IT: a compromised or misconfigured server); nothing sent from here is trusted by
 * partners until trust IT resolves it. 'needs-password': trust IT reset the clinician's identity, and publishing the
 * new one needs the clinician to sign in with their password (a restored session does not have it).
 */
export type OwnIdentityStanding = 'the-trusts' | 'unconfirmed' | 'not-the-trusts' | 'needs-password';

export type CryptoStatus = Readonly<{
  /** Where rust crypto keeps its keys: 'indexeddb' survives a restart, 'memory' does not. */
  store: CryptoStoreKind;
  /** Room keys go only to devices their owner cross-signed, and only such devices' messages decrypt. */
  isolation: 'only-signed-devices';
  /** Always 'none': the gateway answers /room_keys/version with 404, and Bleep keeps keys on the desktop only. */
  keyBackup: 'none';
  /**
   * 'signed': the trust signed this device with the clinician's cross-signing identity, so others share room keys
   * with it, and this desktop trusts that identity (the one the trust named), so it may send. 'unsigned': not yet
   * (the request to the trust is in flight or failed); until then no partner shares room keys with it and it cannot
   * send.
   */
  crossSigning: 'signed' | 'unsigned';
  ownIdentity: OwnIdentityStanding;
  /** Users sharing a room with this desktop whose identity changed since it first saw them, not yet acknowledged. */
  changedIdentities: readonly string[];
}>;
