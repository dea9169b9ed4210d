// A clinician's signed-in session on this desktop with all it keeps: the archive opened and swept before anything
// is shown (then hourly, each sweep reported to the gateway), what it holds put in the timeline, and the Matrix
// session started with every sync batch written to the archive before the store shows it.
import { keepSyncBatch } from '../archive/archiveSyncBatch.ts';
import { createAttachmentRetry } from '../archive/attachmentRetry.ts';
import type { MessageArchive } from '../archive/messageArchive.ts';
import type { MessageRecord } from '../archive/messageRecord.ts';
import { timelineItemForRecord } from '../archive/messageRecordView.ts';
import { openDesktopArchive } from '../archive/openDesktopArchive.ts';
import { authenticatedMediaDownload, type MediaDownload } from '../attachments/mediaDownload.ts';
import type { OwnDesktopVerificationActions } from '../crypto/ownDesktopVerifier.ts';
import type { IdentityActions } from '../crypto/sessionCrypto.ts';
import type { BleepClientError } from '../errors/clientErrors.ts';
import { createExpirySchedule, type ExpirySchedule } from '../expiry/expirySchedule.ts';
import type { Platform } from '../platform.ts';
import type { DeliveryQueue } from '../delivery/deliveryQueue.ts';
import type { RoomActions } from '../rooms/roomActions.ts';
import type { SearchHit, SearchQuery } from '../search/messageSearch.ts';
import { searchOpenArchive } from '../search/searchArchive.ts';
import type { BleepStore } from '../stores/bleepStore.ts';
import { startRunningSession, type RunningSessionOptions } from './runningSession.ts';
import type { SessionRecord } from './sessionRecords.ts';

export type SignedInSessionOptions = Readonly<{
  platform: Platform;
  store: BleepStore;
  record: SessionRecord;
  password?: Readonly<{ username: string; password: string }>;
  pollTimeoutMs?: number;
  sweepIntervalMs?: number;
  /** The server ended the session; the session, its sweeps and its archive are stopped when this is called. */
  onEnded: (error: BleepClientError, how: Readonly<{ softLogout: boolean }>) => void;
}>;

export interface SignedInSession {
  readonly rooms: RoomActions;
  readonly identities: IdentityActions;
  readonly verification: OwnDesktopVerificationActions;
  readonly delivery: DeliveryQueue;
  readonly expiry: Pick<ExpirySchedule, 'sweepNow'>;
  /** The open archive (its operations run one at a time, so patient/ may read and amend it alongside sync). */
  readonly archive: MessageArchive;
  /** Messages in the archive whose text (as last edited) holds the query's words, newest first; asks no server. */
  searchArchive(query: SearchQuery): Promise<readonly SearchHit[]>;
  /** Stops syncing, sweeping and reporting, and closes the archive once its writes are done. */
  stop(): Promise<void>;
  /** Signs this device out at the server (best effort: a server that is down is logged, not thrown), after stop. */
  signOutAtServer(): Promise<void>;
}

/** These archive records shown in the timeline as the archive holds them. */
function showRecords(store: BleepStore, records: readonly MessageRecord[], ownUserId: string): void {
  const items = records.flatMap((record) => timelineItemForRecord(record, ownUserId) ?? []);
  if (items.length === 0) return;
  store.getState().applySyncBatch({
    rooms: [],
    removedRooms: [],
    timeline: items.map((item) => ({ change: 'upsert' as const, item })),
  });
}

/** When the policy has not said (it is read at sign-in): Synapse's own default upload limit. */
const defaultMaxAttachmentBytes = 50 * 1024 * 1024;

export async function startSignedInSession(options: SignedInSessionOptions): Promise<SignedInSession> {
  const { platform, store, record } = options;
  const log = platform.logger.child('session');
  const archive = await openDesktopArchive(platform);
  const expiry = createExpirySchedule({
    platform,
    archive,
    store,
    session: record,
    ...(options.sweepIntervalMs === undefined ? {} : { sweepIntervalMs: options.sweepIntervalMs }),
  });
  const download: MediaDownload = (mxc) =>
    authenticatedMediaDownload({
      fetch: platform.fetch,
      serverUrl: record.serverUrl,
      accessToken: record.accessToken,
      // Nobody at this trust could have uploaded more; a partner's larger file is not kept.
      maxBytes: store.getState().session.policy?.maxUploadBytes ?? defaultMaxAttachmentBytes,
    })(mxc);
  const retry = createAttachmentRetry({
    archive,
    download,
    logger: platform.logger,
    kept: (records) => {
      showRecords(store, records, record.userId);
    },
  });
  const stopKeeping = async () => {
    retry.stop();
    expiry.stop();
    await archive.close();
  };
  try {
    await expiry.sweepNow();
    // History from before this start (or the server's window), oldest first.
    showRecords(store, await archive.allRecords(), record.userId);
    const runningOptions: RunningSessionOptions = {
      platform,
      store,
      record,
      ...(options.password ? { password: options.password } : {}),
      ...(options.pollTimeoutMs === undefined ? {} : { pollTimeoutMs: options.pollTimeoutMs }),
      beforeEmit: (batch) =>
        keepSyncBatch(archive, batch, record.userId, {
          download,
          logger: platform.logger.child('attachments'),
          retryLater: (message, source) => {
            retry.later(message, source);
          },
        }),
      onEnded: (error, how) => {
        void (async () => {
          try {
            await stopKeeping();
          } catch (failure) {
            log.error('could not close the archive at the end of the session', {
              error: failure instanceof Error ? failure.name : 'unknown',
            });
          }
          options.onEnded(error, how);
        })();
      },
    };
    const running = await startRunningSession(runningOptions);
    expiry.start();
    return {
      rooms: running.rooms,
      identities: running.identities,
      verification: running.verification,
      delivery: running.delivery,
      expiry,
      archive,
      searchArchive: (query) => searchOpenArchive(archive, query),
      stop: async () => {
        running.stop();
        await stopKeeping();
      },
      signOutAtServer: async () => {
        running.stop();
        await stopKeeping();
        try {
          await running.signOut();
        } catch (error) {
          log.warn('could not sign this device out at the server; its data is erased here all the same', {
            error: error instanceof Error ? error.name : 'unknown',
          });
        }
      },
    };
  } catch (error) {
    await stopKeeping();
    throw error;
  }
}
