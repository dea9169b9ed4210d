// A signed-in session brought to life: matrix-js-sdk's client for this desktop's device, rust crypto set up by
// crypto/sessionCrypto.ts, sync written to the store (through `beforeEmit`, the archive, first), and the server's
// sign-out of this device watched. Resolves once the first sync is in the store; rejects with a typed error (and
// leaves nothing running) if it cannot start.
import {
  ClientEvent,
  createClient,
  HttpApiEvent,
  SyncState,
  type MatrixClient,
  type SyncStateData,
} from 'matrix-js-sdk';
import { encryptedMediaUpload } from '../attachments/mediaUpload.ts';
import { startSessionCrypto, type IdentityActions, type SessionCrypto } from '../crypto/sessionCrypto.ts';
import {
  startOwnDesktopVerifier,
  type OwnDesktopVerificationActions,
  type OwnDesktopVerifier,
} from '../crypto/ownDesktopVerifier.ts';
import { cryptoStorageKey } from '../crypto/storageKey.ts';
import { errorForSdkFailure } from '../errors/classifyFailure.ts';
import { DeviceNotEnrolledError, type BleepClientError } from '../errors/clientErrors.ts';
import type { Platform } from '../platform.ts';
import type { DeliveryQueue } from '../delivery/deliveryQueue.ts';
import { startSessionDelivery, type SessionDelivery } from '../delivery/sessionDelivery.ts';
import { createRoomActions, type RoomActions } from '../rooms/roomActions.ts';
import { keepRoomRetention } from '../rooms/roomRetentionState.ts';
import type { BleepStore, SyncBatch } from '../stores/bleepStore.ts';
import { watchJoinedRoomHistory } from '../sync/joinedRoomHistory.ts';
import { startSyncWriter } from '../sync/syncWriter.ts';
import { sdkLogger } from './sdkLogger.ts';
import { readEnrolment, type SessionRecord } from './sessionRecords.ts';

export type RunningSessionOptions = Readonly<{
  platform: Platform;
  store: BleepStore;
  record: SessionRecord;
  /** At a password sign-in: the trust may ask for it once, to publish an identity trust IT reset. */
  password?: Readonly<{ username: string; password: string }>;
  /** How long each sync long-poll waits on the server (default 30 s). */
  pollTimeoutMs?: number;
  /** Each sync batch goes here (the archive's write) before the store shows the batch it gives back. */
  beforeEmit?: (batch: SyncBatch) => Promise<SyncBatch>;
  /**
   * The server signed this device out while running: the session is already stopped when this is called.
   * `softLogout`: the server asked for a sign-in again on the same device, keeping its data (Matrix soft logout).
   */
  onEnded: (error: BleepClientError, how: Readonly<{ softLogout: boolean }>) => void;
}>;

export interface RunningSession {
  readonly rooms: RoomActions;
  readonly identities: IdentityActions;
  /** What the clinician writes goes here: kept, sent exactly once, tracked until read (delivery/). */
  readonly delivery: DeliveryQueue;
  readonly crypto: SessionCrypto;
  /** Emoji verification with another of the clinician's own desktops, its state in the store's verification slice. */
  readonly verification: OwnDesktopVerificationActions;
  /** Stops syncing and crypto; what is kept stays kept. */
  stop(): void;
  /** Signs this device out at the server and deletes its crypto store. */
  signOut(): Promise<void>;
}

function firstSync(client: MatrixClient, serverUrl: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const listener = (state: SyncState, _previous: SyncState | null, data?: SyncStateData) => {
      if (state === SyncState.Prepared || state === SyncState.Syncing) {
        client.off(ClientEvent.Sync, listener);
        resolve();
      } else if (state === SyncState.Error || state === SyncState.Stopped) {
        client.off(ClientEvent.Sync, listener);
        try {
          reject(errorForSdkFailure(serverUrl, data?.error ?? new Error('sync stopped'), 'session'));
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      }
    };
    client.on(ClientEvent.Sync, listener);
  });
}

/** The enrolled desktop's credential, which the trust asks for before it signs this device. */
async function enrolmentCredential(platform: Platform): Promise<string> {
  const enrolment = await readEnrolment(platform.secrets);
  if (!enrolment) throw new DeviceNotEnrolledError('this-desktop');
  return enrolment.credential;
}

export async function startRunningSession(options: RunningSessionOptions): Promise<RunningSession> {
  const { platform, store, record } = options;
  const client = createClient({
    baseUrl: record.serverUrl,
    userId: record.userId,
    deviceId: record.deviceId,
    accessToken: record.accessToken,
    fetchFn: (input, init) => platform.fetch(input, init),
    logger: sdkLogger(platform.logger.child('matrix-js-sdk')),
    // Bleep has no calls: no TURN server polling (the gateway refuses /voip/turnServer anyway).
    disableVoip: true,
  });
  const writer = startSyncWriter({
    client,
    store,
    serverUrl: record.serverUrl,
    ownUserId: record.userId,
    logger: platform.logger,
    ...(options.beforeEmit ? { beforeEmit: options.beforeEmit } : {}),
  });
  const unwatchHistory = watchJoinedRoomHistory(client, platform.logger);
  const unwatchRetention = keepRoomRetention(client, {
    ownUserId: record.userId,
    clientDays: () => store.getState().session.policy?.retention.clientDays,
    logger: platform.logger,
  });
  let stopped = false;
  let unwatchCrypto: () => void = () => undefined;
  let verifier: OwnDesktopVerifier | undefined;
  let delivery: SessionDelivery | undefined;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    delivery?.stop();
    verifier?.dispose();
    unwatchCrypto();
    unwatchHistory();
    unwatchRetention();
    writer.dispose();
    client.removeAllListeners(HttpApiEvent.SessionLoggedOut);
    client.stopClient();
    store.getState().syncChanged('stopped', null);
  };
  client.on(HttpApiEvent.SessionLoggedOut, (error) => {
    stop();
    // The SDK says "logged out" for every unknown token; only soft_logout: true means "keep the data".
    const softLogout = (error.data as { soft_logout?: unknown } | undefined)?.soft_logout === true;
    options.onEnded(errorForSdkFailure(record.serverUrl, error, 'session'), { softLogout });
  });

  try {
    const crypto = await startSessionCrypto(client, platform, {
      userId: record.userId,
      deviceId: record.deviceId,
      storageKey: await cryptoStorageKey(platform),
      deviceCredential: await enrolmentCredential(platform),
      ...(options.password ? { password: options.password.password } : {}),
    });
    unwatchCrypto = crypto.watch((status) => {
      store.getState().cryptoChanged(status);
    });
    verifier = startOwnDesktopVerifier(client, {
      userId: record.userId,
      deviceId: record.deviceId,
      logger: platform.logger,
      onChange: (verification) => {
        store.getState().verificationChanged(verification);
      },
    });
    const synced = firstSync(client, record.serverUrl);
    await client.startClient({ initialSyncLimit: 20, pollTimeout: options.pollTimeoutMs ?? 30_000 });
    await synced;
    await writer.flushed();
    store.getState().cryptoChanged(await crypto.status());
    // Off the start path: the list is for showing (sends check each member themselves, crypto/sendSafety.ts).
    void crypto
      .scanIdentities(client.getRooms().flatMap((room) => room.getJoinedMembers().map((m) => m.userId)))
      .then(async () => {
        if (!stopped) store.getState().cryptoChanged(await crypto.status());
      })
      .catch((error: unknown) => {
        // A session stopped mid-scan has nothing left to show it in.
        if (!stopped) platform.logger.warn('could not look for identity changes', { error: String(error) });
      });
    // In the background: the session is usable meanwhile, and partners share room keys once it is signed.
    void crypto.ensureSignedByTrust().then(async () => {
      if (!stopped) store.getState().cryptoChanged(await crypto.status());
    });
    // After the first sync, so the rooms (and their members, for encryption and receipts) are known.
    delivery = await startSessionDelivery({
      client,
      platform,
      store,
      serverUrl: record.serverUrl,
      ownUserId: record.userId,
    });
    const queue = delivery.queue;
    return {
      rooms: createRoomActions(
        client,
        record.serverUrl,
        {
          upload: encryptedMediaUpload({
            fetch: platform.fetch,
            serverUrl: record.serverUrl,
            accessToken: record.accessToken,
          }),
          randomBytes: platform.randomBytes,
        },
        (roomId, eventType, content, options) => queue.write(roomId, eventType, content, options),
      ),
      identities: {
        acknowledge: async (userId) => {
          await crypto.acknowledgeIdentityChange(userId);
          store.getState().cryptoChanged(await crypto.status());
        },
      },
      delivery: delivery.queue,
      crypto,
      verification: verifier,
      stop,
      signOut: async () => {
        stop();
        await client.logout(true);
        // The crypto store is deleted by the wipe that follows (session/clinicianDataWipe.ts), after its key and with a
        // time limit: in Chromium a connection the wasm still holds blocks IndexedDB's delete, and the SDK's own
        // deletion would wait for it for ever (a sign-out that never ended, found by the renderer's end-to-end test).
      },
    };
  } catch (error) {
    stop();
    throw errorForSdkFailure(record.serverUrl, error, 'session');
  }
}
