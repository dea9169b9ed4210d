// How this device's encryption stands, as plain data for the session store (set by crypto/sessionCrypto.ts).
import type { CryptoStoreKind } from '../platform.ts';

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
}>;
