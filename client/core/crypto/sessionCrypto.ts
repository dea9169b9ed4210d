// The one module that touches matrix-js-sdk's CryptoApi: it starts rust crypto for a session and makes Bleep's
// encryption decisions, which the rest of the core only reads (as CryptoStatus).
//
// - Store: IndexedDB where the platform has it, encrypted with a 32-byte key from the SecretStore (storageKey.ts),
//   so the key never touches disk in the clear; otherwise memory (and the session cannot be restored).
// - Isolation: OnlySignedDevicesIsolationMode. Room keys go only to devices their owner's cross-signing identity
//   signed, and only such devices' messages decrypt. A device a compromised homeserver adds to a clinician's
//   account is not signed, so it receives no room keys (threat model: client/README.md).
// - Cross-signing: on the first sign-in of a clinician who has no identity yet, this desktop creates it and signs
//   itself; the private keys stay in this desktop's crypto store, as the gateway refuses secret storage. Where the
//   identity already exists and its keys are elsewhere, this device stays unsigned (README: what is missing).
// - Key backup: none. The gateway answers GET /room_keys/version with 404 M_NOT_FOUND, which is "no backup".
import type { MatrixClient } from 'matrix-js-sdk';
import {
  CryptoEvent,
  OnlySignedDevicesIsolationMode,
  type CryptoApi,
} from 'matrix-js-sdk/lib/crypto-api/index.js';
import type { AuthDict } from 'matrix-js-sdk/lib/interactive-auth.js';
import type { Platform } from '../platform.ts';
import type { CryptoStatus } from './cryptoStatus.ts';

export type SessionCryptoOptions = Readonly<{
  userId: string;
  deviceId: string;
  storageKey: Uint8Array;
  /** At a password sign-in only: for the homeserver's interactive auth, should it ask for it to store the identity. */
  password?: Readonly<{ username: string; password: string }>;
}>;

export interface SessionCrypto {
  /** How this device's encryption stands now (its own signature becomes visible after the first key query). */
  status(): Promise<CryptoStatus>;
  /** Calls back with the new status whenever the clinician's own keys or devices change; returns the unsubscribe. */
  watch(onChange: (status: CryptoStatus) => void): () => void;
  /** Deletes this device's crypto store (after sign-out, when the device no longer exists at the server). */
  deleteStore(): Promise<void>;
}

/** IndexedDB database names are per clinician and device, so two clinicians on one desktop never share a store. */
export function cryptoDatabasePrefix(userId: string, deviceId: string): string {
  return `bleep-crypto:${userId}:${deviceId}`;
}

export async function startSessionCrypto(
  client: MatrixClient,
  platform: Pick<Platform, 'cryptoStore' | 'logger'>,
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

  await ensureCrossSigning(crypto, options, log);
  await confirmNoKeyBackup(crypto, log);

  const status = async (): Promise<CryptoStatus> => {
    const own = await crypto.getDeviceVerificationStatus(options.userId, options.deviceId);
    return {
      store: platform.cryptoStore,
      isolation: 'only-signed-devices',
      keyBackup: 'none',
      crossSigning: own?.signedByOwner === true ? 'signed' : 'unsigned',
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
    deleteStore: async () => {
      if (persistent) {
        await client.clearStores({
          cryptoDatabasePrefix: cryptoDatabasePrefix(options.userId, options.deviceId),
        });
      }
    },
  };
}

async function ensureCrossSigning(
  crypto: CryptoApi,
  options: SessionCryptoOptions,
  log: Platform['logger'],
): Promise<void> {
  if (await crypto.isCrossSigningReady()) return;
  // Asked of the server, not the local cache: a new desktop knows nothing yet.
  if (await crypto.userHasCrossSigningKeys(options.userId, true)) {
    // Never reset an identity that exists: partners would see the clinician's identity change.
    log.warn(
      'cross-signing identity exists but its keys are not on this desktop: this device stays unsigned',
      {
        deviceId: options.deviceId,
      },
    );
    return;
  }
  await crypto.bootstrapCrossSigning({
    authUploadDeviceSigningKeys: async (makeRequest) => {
      try {
        // Synapse lets an account with no identity yet upload its first one without interactive auth (MSC3967).
        await makeRequest(null);
      } catch (error) {
        const session = (error as { data?: { session?: unknown } }).data?.session;
        if (!options.password || typeof session !== 'string') throw error;
        const auth: AuthDict = {
          type: 'm.login.password',
          identifier: { type: 'm.id.user', user: options.password.username },
          password: options.password.password,
          session,
        };
        await makeRequest(auth);
      }
    },
  });
  log.info('created the clinician cross-signing identity; this device is signed by it', {
    deviceId: options.deviceId,
  });
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
