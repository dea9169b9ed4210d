// One zustand store per signed-in core, built from its slices (session, rooms, timeline, composer, expiry, delivery,
// search, receipts, typing, view, verification) by a factory, so each test and each clinician's session gets a fresh one. The renderer reads it through
// the selectors in selectors/; only the core's own writers call its actions. applySyncBatch writes everything one sync response
// changed in one update, so a view never sees half a response; the actions that span slices live here.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ClientProblem } from '../errors/clientErrors.ts';
import type { ExpirySweepResult } from '../expiry/expirySweep.ts';
import type { WipeRecord } from '../session/clinicianDataWipe.ts';
import { createComposerSlice, initialComposer, type ComposerSlice } from './composerSlice.ts';
import { createDeliverySlice, initialDelivery, type DeliverySlice } from './deliverySlice.ts';
import { createExpirySlice, initialExpiry, type ExpirySlice } from './expirySlice.ts';
import {
  createRoomsSlice,
  initialRooms,
  withRoomChanges,
  type RoomsSlice,
  type RoomSummary,
} from './roomsSlice.ts';
import {
  createSearchSlice,
  initialSearch,
  withoutDeletedHits,
  withoutExpiredHits,
  type SearchSlice,
} from './searchSlice.ts';
import {
  createReceiptsSlice,
  initialReceipts,
  withReadReceipts,
  type ReceiptsSlice,
  type RoomReadReceipts,
} from './receiptsSlice.ts';
import { withReferrals } from './roomReferral.ts';
import { createSessionSlice, initialSession, type SessionSlice } from './sessionSlice.ts';
import { createTypingSlice, initialTyping, type TypingSlice } from './typingSlice.ts';
import { createViewSlice, initialView, type ViewSlice } from './viewSlice.ts';
import { createVerificationSlice, initialVerification, type VerificationSlice } from './verificationSlice.ts';
import {
  createTimelineSlice,
  initialTimeline,
  withoutExpiredItems,
  withTimelineChanges,
  type TimelineChange,
  type TimelineSlice,
} from './timelineSlice.ts';

/** What one sync response (or one decryption, or one local echo) changed. */
export type SyncBatch = Readonly<{
  rooms: readonly RoomSummary[];
  removedRooms: readonly string[];
  timeline: readonly TimelineChange[];
  /** Who has read the clinician's own messages, for the rooms whose receipts changed. */
  receipts?: readonly RoomReadReceipts[];
}>;

export type BleepState = SessionSlice &
  RoomsSlice &
  TimelineSlice &
  ComposerSlice &
  ExpirySlice &
  DeliverySlice &
  SearchSlice &
  ReceiptsSlice &
  TypingSlice &
  ViewSlice &
  VerificationSlice &
  Readonly<{
    applySyncBatch: (batch: SyncBatch) => void;
    /** A sweep deleted what is older than the limit: its record, and the same items gone from the timelines. */
    expirySwept: (result: ExpirySweepResult) => void;
    /**
     * The session ended and this desktop erased the clinician's data: rooms, timelines, drafts, search results and expiry
     * state go
     * from memory, and the session says why (`problem` when the server ended it; null when the clinician signed out).
     */
    clinicianDataWiped: (wipe: WipeRecord, problem: ClientProblem | null) => void;
  }>;

export type BleepStore = StoreApi<BleepState>;

export function createBleepStore(): BleepStore {
  return createStore<BleepState>()((...args) => {
    const [set] = args;
    return {
      ...createSessionSlice(...args),
      ...createRoomsSlice(...args),
      ...createTimelineSlice(...args),
      ...createComposerSlice(...args),
      ...createExpirySlice(...args),
      ...createDeliverySlice(...args),
      ...createSearchSlice(...args),
      ...createReceiptsSlice(...args),
      ...createTypingSlice(...args),
      ...createViewSlice(...args),
      ...createVerificationSlice(...args),
      applySyncBatch: (batch) => {
        set((state) => {
          const timeline = withTimelineChanges(state.timeline, batch.timeline);
          const touched = new Set(batch.rooms.map((room) => room.roomId));
          for (const change of batch.timeline)
            if (change.change === 'upsert') touched.add(change.item.roomId);
          return {
            rooms: withReferrals(
              withRoomChanges(state.rooms, batch.rooms, batch.removedRooms),
              timeline,
              touched,
            ),
            timeline,
            // A message deleted since it was found is no longer shown among the results either.
            search: withoutDeletedHits(state.search, batch.timeline),
            receipts: batch.receipts ? withReadReceipts(state.receipts, batch.receipts) : state.receipts,
          };
        });
      },
      expirySwept: (result) => {
        set((state) => {
          const timeline = withoutExpiredItems(state.timeline, result.before, result.keptRoomIds);
          const swept = Object.keys(state.rooms.byId).filter(
            (roomId) => !result.keptRoomIds.includes(roomId),
          );
          return {
            // A referral whose message the sweep deleted is no longer shown on its room either.
            rooms: withReferrals(state.rooms, timeline, swept, false),
            timeline,
            search: withoutExpiredHits(state.search, result.before, result.keptRoomIds),
            expiry: {
              ...state.expiry,
              lastSweptAt: result.sweptAt,
              lastCutoff: result.before,
              oldestKeptAt: result.oldestKeptAt,
              oldestOutsideHoldAt: result.oldestOutsideHoldAt,
              keptMessages: result.kept,
              legalHolds: result.legalHolds,
              sweepFailed: false,
            },
          };
        });
      },
      clinicianDataWiped: (wipe, problem) => {
        set((state) => ({
          rooms: initialRooms,
          timeline: initialTimeline,
          composer: initialComposer,
          expiry: initialExpiry,
          delivery: initialDelivery,
          search: initialSearch,
          receipts: initialReceipts,
          typing: initialTyping,
          view: initialView,
          verification: initialVerification,
          session: {
            ...initialSession,
            // A revoked desktop's enrolment was erased with the rest: it is no longer enrolled here.
            serverUrl: wipe.erased.includes('desktop-enrolment') ? null : state.session.serverUrl,
            enrolledDeviceId: wipe.erased.includes('desktop-enrolment')
              ? null
              : state.session.enrolledDeviceId,
            policy: state.session.policy,
            status: problem === null ? 'signed-out' : 'ended',
            problem,
            wipe,
          },
        }));
      },
    };
  });
}
