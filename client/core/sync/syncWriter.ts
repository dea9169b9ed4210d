// Writes what matrix-js-sdk learns from sync into the Bleep store, as plain data. Following hydrogen-web, all that
// one sync response changed is gathered and committed at once, when the SDK says the response is processed
// (ClientEvent.Sync): first to `beforeEmit` (the encrypted archive, when it exists), then to the store in one
// update, so a view never shows what was not stored. Changes that arrive between responses (a decryption finishing,
// a local echo while sending) are committed on the next tick. Every subscription is tracked and disposed together.
import {
  ClientEvent,
  EventType,
  MatrixEventEvent,
  NotificationCountType,
  RoomEvent,
  RoomMemberEvent,
  RoomStateEvent,
  SyncState,
  type MatrixClient,
  type MatrixEvent,
  type Room,
  type RoomMember,
  type SyncStateData,
} from 'matrix-js-sdk';
import { attachmentSourceFor } from '../attachments/attachmentSource.ts';
import { errorForSdkFailure } from '../errors/classifyFailure.ts';
import type { ClientProblem } from '../errors/clientErrors.ts';
import type { CoreLogger } from '../platform.ts';
import type { BleepStore, SyncBatch } from '../stores/bleepStore.ts';
import type { SyncStatus } from '../stores/sessionSlice.ts';
import type { TimelineChange } from '../stores/timelineSlice.ts';
import { messageRelationFor } from './messageRelation.ts';
import { readReceiptsOf } from './readReceipts.ts';
import { directRoomIdsIn } from './roomKind.ts';
import { summariseRoom } from './roomSummary.ts';
import { typingIn } from './typingMembers.ts';
import { timelineItemFor } from './timelineItem.ts';

export type SyncWriterDeps = Readonly<{
  client: MatrixClient;
  store: BleepStore;
  serverUrl: string;
  ownUserId: string;
  logger: CoreLogger;
  /**
   * Called with each batch before the store sees it (the archive's write); the store waits for it and shows the
   * batch it gives back (the messages as the archive now holds them, with their edits, reactions and redactions).
   */
  beforeEmit?: (batch: SyncBatch) => Promise<SyncBatch>;
}>;

export type SyncWriter = Readonly<{ dispose: () => void; flushed: () => Promise<void> }>;

function syncStatusOf(state: SyncState): SyncStatus {
  switch (state) {
    case SyncState.Prepared:
    case SyncState.Syncing:
      return 'syncing';
    case SyncState.Catchup:
    case SyncState.Reconnecting:
      return 'catching-up';
    case SyncState.Error:
      return 'error';
    case SyncState.Stopped:
      return 'stopped';
  }
}

/** The m.direct account data type, as the string event types are compared with. */
const directType: string = EventType.Direct;

export function startSyncWriter(deps: SyncWriterDeps): SyncWriter {
  const { client, store, ownUserId } = deps;
  const log = deps.logger.child('sync');
  const touchedRooms = new Set<string>();
  let timeline: TimelineChange[] = [];
  let commits: Promise<void> = Promise.resolve();
  let scheduled = false;
  let disposed = false;
  const disposers: (() => void)[] = [];
  const decrypting = new Map<MatrixEvent, () => void>();

  function commit(): Promise<void> {
    const roomIds = [...touchedRooms];
    const changes = timeline;
    touchedRooms.clear();
    timeline = [];
    if (roomIds.length === 0 && changes.length === 0) return commits;
    const context = {
      policy: store.getState().session.policy,
      directRoomIds: directRoomIdsIn(client.getAccountData(EventType.Direct)?.getContent()),
    };
    const known = roomIds.flatMap((roomId) => client.getRoom(roomId) ?? []);
    const rooms = known.map((room) => summariseRoom(room, ownUserId, context));
    const receipts = known.map((room) => readReceiptsOf(room, ownUserId));
    const removedRooms = roomIds.filter((roomId) => client.getRoom(roomId) === null);
    const batch: SyncBatch = { rooms, removedRooms, timeline: changes, receipts };
    commits = commits.then(async () => {
      if (disposed) return;
      let shown = batch;
      try {
        if (deps.beforeEmit) shown = await deps.beforeEmit(batch);
      } catch (error) {
        // Not stored, so not shown: the next sync will bring it again.
        log.error('the sync batch could not be stored; it is not shown', { error: String(error) });
        return;
      }
      store.getState().applySyncBatch(shown);
    });
    return commits;
  }

  /** For changes outside a sync response: committed together on the next tick. */
  function scheduleCommit(): void {
    if (scheduled) return;
    scheduled = true;
    setTimeout(() => {
      scheduled = false;
      void commit();
    }, 0);
  }

  function record(event: MatrixEvent, replacesId?: string, historical = false): void {
    const item = timelineItemFor(event, ownUserId);
    const roomId = event.getRoomId();
    if (roomId === undefined) return;
    touchedRooms.add(roomId);
    const relation = messageRelationFor(event, client.getRoom(roomId));
    if (relation) timeline.push({ change: 'relation', relation });
    if (item) {
      // The file's location and key go to the archive's intake with the item (archive/archiveSyncBatch.ts).
      const attachmentSource =
        item.kind === 'message' ? attachmentSourceFor(event.getOriginalContent()) : undefined;
      timeline.push({
        change: 'upsert',
        item,
        ...(replacesId ? { replacesId } : {}),
        ...(attachmentSource ? { attachmentSource } : {}),
        ...(historical ? { historical } : {}),
      });
    } else {
      const id = event.getId();
      // An encrypted event that decrypted into something the timeline does not show leaves no placeholder.
      if (id !== undefined && event.isEncrypted()) timeline.push({ change: 'remove', roomId, id });
    }
  }

  function watchDecryption(event: MatrixEvent): void {
    if (!event.isEncrypted() || decrypting.has(event)) return;
    // Keys may arrive after the event (a decryption failure then turns into a success): listen until it decrypts.
    const onDecrypted = () => {
      record(event);
      scheduleCommit();
      if (!event.isDecryptionFailure()) {
        event.off(MatrixEventEvent.Decrypted, onDecrypted);
        decrypting.delete(event);
      }
    };
    event.on(MatrixEventEvent.Decrypted, onDecrypted);
    decrypting.set(event, () => event.off(MatrixEventEvent.Decrypted, onDecrypted));
  }

  /** Subscribes, and remembers how to unsubscribe (the listener's own signature is the SDK event's). */
  function on(event: Parameters<MatrixClient['on']>[0], listener: (...args: never[]) => void): void {
    const handler = listener;
    client.on(event, handler);
    disposers.push(() => client.off(event, handler));
  }

  on(ClientEvent.Sync, (state: SyncState, _previous: SyncState | null, data?: SyncStateData) => {
    if (state === SyncState.Prepared) for (const room of client.getRooms()) touchedRooms.add(room.roomId);
    // The server's unread counts change without an event of their own (after a read receipt, on any device).
    const shown = store.getState().rooms.byId;
    for (const room of client.getRooms()) {
      if (room.getUnreadNotificationCount(NotificationCountType.Total) !== shown[room.roomId]?.unreadCount)
        touchedRooms.add(room.roomId);
    }
    void commit();
    let problem: ClientProblem | null = null;
    if (state === SyncState.Error && data?.error) {
      try {
        problem = errorForSdkFailure(deps.serverUrl, data.error, 'session').toProblem();
      } catch {
        problem = { code: 'unexpected-answer', message: 'Sync failed; retrying.' };
      }
    }
    store.getState().syncChanged(syncStatusOf(state), problem);
  });
  on(ClientEvent.Room, (room: Room) => touchedRooms.add(room.roomId));
  on(RoomEvent.MyMembership, (room: Room) => {
    touchedRooms.add(room.roomId);
    scheduleCommit();
  });
  on(RoomEvent.Name, (room: Room) => touchedRooms.add(room.roomId));
  // Receipts (who read what, and this clinician's own: the unread count and urgent marker fall) and the counts the
  // server sends arrive outside the timeline; a local echo of the clinician's own receipt is shown at once.
  on(RoomEvent.Receipt, (_event: MatrixEvent, room: Room) => {
    touchedRooms.add(room.roomId);
    scheduleCommit();
  });
  on(ClientEvent.AccountData, (event: MatrixEvent) => {
    if (event.getType() !== directType) return;
    for (const room of client.getRooms()) touchedRooms.add(room.roomId);
    scheduleCommit();
  });
  on(RoomMemberEvent.Typing, (_event: MatrixEvent, member: RoomMember) => {
    const room = client.getRoom(member.roomId);
    if (room) store.getState().typingChanged(room.roomId, typingIn(room, ownUserId));
  });
  on(RoomStateEvent.Events, (event: MatrixEvent) => {
    const roomId = event.getRoomId();
    if (roomId !== undefined) touchedRooms.add(roomId);
  });
  on(
    RoomEvent.Timeline,
    (
      event: MatrixEvent,
      room: Room | undefined,
      toStartOfTimeline: boolean | undefined,
      removed: boolean,
    ) => {
      if (!room || removed) return;
      if (event.getRoomId() !== room.roomId) return;
      // History read back (sync/joinedRoomHistory.ts: what was said before the clinician joined) is placed by time.
      record(event, undefined, toStartOfTimeline === true);
      watchDecryption(event);
      if (toStartOfTimeline === true) scheduleCommit();
      // A local echo is not part of a sync response: show it now.
      if (event.status !== null) scheduleCommit();
    },
  );
  on(RoomEvent.LocalEchoUpdated, (event: MatrixEvent, _room: Room, oldEventId?: string) => {
    record(event, oldEventId);
    scheduleCommit();
  });

  return {
    flushed: () => commit(),
    dispose: () => {
      disposed = true;
      for (const dispose of disposers) dispose();
      for (const stopWatching of decrypting.values()) stopWatching();
      decrypting.clear();
    },
  };
}
