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
} from 'matrix-js-sdk/lib/crypto-api/index.js';
import type { Platform } from '../platform.ts';
import type { CryptoStatus } from './cryptoStatus.ts';
import { trustOwnIdentity } from './ownIdentityTrust.ts';
import { requestTrustSignature, type TrustSignatureRetry } from './trustSignature.ts';

export type SessionCryptoOptions = Readonly<{
  userId: string;
  deviceId: string;
  storageKey: Uint8Array;
  /** This desktop's enrolment credential: the trust signs only the enrolled desktop that presents it. */
  deviceCredential: string;
  /** How to retry the signature request while this device's keys are not yet on the server (tests shorten it). */
  signatureRetry?: TrustSignatureRetry;
}>;

export interface SessionCrypto {
  /** How this device's encryption stands now (its own signature becomes visible after the first key query). */
  status(): Promise<CryptoStatus>;
  /** Calls back with the new status whenever the clinician's own keys or devices change; returns the unsubscribe. */
  watch(onChange: (status: CryptoStatus) => void): () => void;
  /**
   * Asks the trust to sign this device (once its keys are on the server); resolves once the signature is stored.
   * The status turns 'signed' when the SDK next reads the clinician's keys.
   */
  requestTrustSignature(): Promise<void>;
  /** Deletes this device's crypto store (after sign-out, when the device no longer exists at the server). */
  deleteStore(): Promise<void>;
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

  const status = async (): Promise<CryptoStatus> => {
    const own = await crypto.getDeviceVerificationStatus(options.userId, options.deviceId);
    const identity = await crypto.getUserVerificationStatus(options.userId);
    return {
      store: platform.cryptoStore,
      isolation: 'only-signed-devices',
      keyBackup: 'none',
      crossSigning: own?.signedByOwner === true && identity.isCrossSigningVerified() ? 'signed' : 'unsigned',
    };
  };
  return {
    status,
    watch: (onChange) => {
      // This device's own signature shows once the SDK re-reads the clinician's keys from the server.
      const changed = (users: string[]) => {
        if (!users.includes(options.userId)) return;
        status().then(onChange, (error: unknown) => {
          log.warn('could not read the crypto status', { error: String(error) });
        });
      };
      const trustChanged = (userId: string) => {
        changed([userId]);
      };
      client.on(CryptoEvent.DevicesUpdated, changed);
      client.on(CryptoEvent.UserTrustStatusChanged, trustChanged);
      return () => {
        client.off(CryptoEvent.DevicesUpdated, changed);
        client.off(CryptoEvent.UserTrustStatusChanged, trustChanged);
      };
    },
    requestTrustSignature: async () => {
      const own = await crypto.getOwnDeviceKeys();
      const accessToken = client.getAccessToken();
      if (!accessToken) throw new Error('no access token to ask for a signature with');
      const masterKey = await requestTrustSignature(
        platform,
        {
          serverUrl: client.baseUrl,
          accessToken,
          deviceCredential: options.deviceCredential,
          ed25519: own.ed25519,
        },
        options.signatureRetry,
      );
      if ((await trustOwnIdentity(client, options.userId, masterKey)) === 'other-identity') {
        throw new Error('the homeserver serves a signing identity other than the one the trust holds');
      }
      log.info('the trust signed this device', { deviceId: options.deviceId });
    },
    deleteStore: async () => {
      if (persistent) {
        await client.clearStores({
          cryptoDatabasePrefix: cryptoDatabasePrefix(options.userId, options.deviceId),
        });
      }
    },
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
