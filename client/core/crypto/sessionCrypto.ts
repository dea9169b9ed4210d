// The one module that touches matrix-js-sdk's CryptoApi: it starts rust crypto for a session and makes Bleep's
// encryption decisions, which the rest of the core only reads (as CryptoStatus).
//
// - Store: IndexedDB where the platform has it, encrypted with a 32-byte key from the SecretStore (storageKey.ts),
//   so the key never touches disk in the clear; otherwise memory (and the session cannot be restored).
// - Isolation: OnlySignedDevicesIsolationMode. Room keys go only to devices their owner's cross-signing identity
//   signed, and only such devices' messages decrypt. A device a compromised homeserver adds to a clinician's
//   account is not signed, so it receives no room keys (threat model: client/README.md).
// - Cross-signing: the trust holds each clinician's identity and signs the desktops it enrolled; after the first
//   sync (when this device's keys are on the server) this desktop asks it to (trustSignature.ts). No desktop holds
//   the identity's private keys, and the gateway refuses a desktop publishing an identity of its own.
// - Key backup: none. The gateway answers GET /room_keys/version with 404 M_NOT_FOUND, which is "no backup".
import type { MatrixClient } from 'matrix-js-sdk';
import {
  CryptoEvent,
  OnlySignedDevicesIsolationMode,
  type CryptoApi,
  type UserVerificationStatus,
} from 'matrix-js-sdk/lib/crypto-api/index.js';
import type { Platform } from '../platform.ts';
import type { CryptoStatus } from './cryptoStatus.ts';
import { createDeviceTrust } from './deviceTrust.ts';
import { createIdentityChanges } from './identityChanges.ts';
import type { TrustSignatureRetry } from './trustSignature.ts';

export type SessionCryptoOptions = Readonly<{
  userId: string;
  deviceId: string;
  storageKey: Uint8Array;
  /** This desktop's enrolment credential: the trust signs only the enrolled desktop that presents it. */
  deviceCredential: string;
  /** At a password sign-in only: given to the trust if it asks (after trust IT reset the identity). */
  password?: string;
  /** How to retry the signature request while this device's keys are not yet on the server (tests shorten it). */
  signatureRetry?: TrustSignatureRetry;
}>;

/** What the clinician can do about an identity alert (CryptoStatus.changedIdentities). */
export type IdentityActions = Readonly<{
  /** The clinician has checked with the colleague: the new identity becomes the one trusted for them. */
  acknowledge(userId: string): Promise<void>;
}>;

export interface SessionCrypto {
  /** How this device's encryption stands now (its own signature becomes visible after the first key query). */
  status(): Promise<CryptoStatus>;
  /**
   * Calls back with the new status whenever the clinician's own keys or devices change, or someone's identity changes;
   * asks the trust again when the clinician's own identity changed at the server. Returns the unsubscribe.
   */
  watch(onChange: (status: CryptoStatus) => void): () => void;
  /** Asks the trust to sign this device unless it is signed already; never throws (the status says how it went). */
  ensureSignedByTrust(): Promise<void>;
  /** Looks for identity changes among these users (the members of the rooms synced at start). */
  scanIdentities(userIds: readonly string[]): Promise<void>;
  /** The clinician has seen that this user's identity changed. */
  acknowledgeIdentityChange(userId: string): Promise<void>;
}

/** IndexedDB database names are per clinician and device, so two clinicians on one desktop never share a store. */
export function cryptoDatabasePrefix(userId: string, deviceId: string): string {
  return `bleep-crypto:${userId}:${deviceId}`;
}

export async function startSessionCrypto(
  client: MatrixClient,
  platform: Pick<Platform, 'cryptoStore' | 'logger' | 'fetch'>,
  options: SessionCryptoOptions,
): Promise<SessionCrypto> {
  const log = platform.logger.child('crypto');
  const persistent = platform.cryptoStore === 'indexeddb';
  await client.initRustCrypto({
    useIndexedDB: persistent,
    cryptoDatabasePrefix: cryptoDatabasePrefix(options.userId, options.deviceId),
    ...(persistent ? { storageKey: options.storageKey } : {}),
  });
  const crypto = client.getCrypto();
  if (!crypto) throw new Error('rust crypto did not start');
  crypto.setDeviceIsolationMode(new OnlySignedDevicesIsolationMode());

  await confirmNoKeyBackup(crypto, log);

  const trust = createDeviceTrust(client, crypto, platform, options);
  const identities = createIdentityChanges(crypto, options.userId);

  const status = async (): Promise<CryptoStatus> => {
    const own = await crypto.getDeviceVerificationStatus(options.userId, options.deviceId);
    const identity = await crypto.getUserVerificationStatus(options.userId);
    const signed = own?.signedByOwner === true && identity.isCrossSigningVerified();
    return {
      store: platform.cryptoStore,
      isolation: 'only-signed-devices',
      keyBackup: 'none',
      crossSigning: signed ? 'signed' : 'unsigned',
      ownIdentity: signed ? 'the-trusts' : trust.standing(),
      changedIdentities: identities.list(),
    };
  };
  const ensureSignedByTrust = async (): Promise<void> => {
    if ((await status()).crossSigning === 'signed') return;
    await trust.ensureSigned();
  };
  return {
    status,
    watch: (onChange) => {
      const report = () => {
        status().then(onChange, (error: unknown) => {
          log.warn('could not read the crypto status', { error: String(error) });
        });
      };
      // This device's own signature shows once the SDK re-reads the clinician's keys from the server; a reset of the
      // clinician's identity shows the same way, and is taken to the trust.
      const ownChanged = () => {
        report();
        ensureSignedByTrust().then(report, () => undefined);
      };
      const devicesUpdated = (users: string[]) => {
        if (users.includes(options.userId)) ownChanged();
      };
      const trustChanged = (userId: string, verification: UserVerificationStatus) => {
        if (userId === options.userId) ownChanged();
        else if (identities.update(userId, verification)) report();
      };
      client.on(CryptoEvent.DevicesUpdated, devicesUpdated);
      client.on(CryptoEvent.UserTrustStatusChanged, trustChanged);
      return () => {
        client.off(CryptoEvent.DevicesUpdated, devicesUpdated);
        client.off(CryptoEvent.UserTrustStatusChanged, trustChanged);
      };
    },
    ensureSignedByTrust,
    scanIdentities: (userIds) => identities.scan(userIds),
    acknowledgeIdentityChange: (userId) => identities.acknowledge(userId),
  };
}

async function confirmNoKeyBackup(crypto: CryptoApi, log: Platform['logger']): Promise<void> {
  // The SDK reads the gateway's 404 M_NOT_FOUND as "no backup" and answers null.
  const backup = await crypto.checkKeyBackupAndEnable();
  if (backup !== null) {
    // The gateway never offers one; if a server did, the SDK uses it only if this device trusts it, and uploads to it
    // are outside the gateway's route table anyway. Say so loudly rather than carry on silently.
    log.error('the server offers a key backup, which Bleep does not use', {
      version: backup.backupInfo.version,
    });
  }
}
