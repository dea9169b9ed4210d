// One zustand store per signed-in core, built from its slices (session, rooms, timeline, composer) by a factory,
// so each test and each clinician's session gets a fresh one. The renderer reads it through the selectors in
// selectors/; only the core's own writers call its actions. applySyncBatch writes everything one sync response
// changed in one update, so a view never sees half a response.
import { createStore, type StoreApi } from 'zustand/vanilla';
import { createComposerSlice, initialComposer, type ComposerSlice } from './composerSlice.ts';
import {
  createRoomsSlice,
  initialRooms,
  withRoomChanges,
  type RoomsSlice,
  type RoomSummary,
} from './roomsSlice.ts';
import { createSessionSlice, type SessionSlice } from './sessionSlice.ts';
import {
  createTimelineSlice,
  initialTimeline,
  withTimelineChanges,
  type TimelineChange,
  type TimelineSlice,
} from './timelineSlice.ts';

/** What one sync response (or one decryption, or one local echo) changed. */
export type SyncBatch = Readonly<{
  rooms: readonly RoomSummary[];
  removedRooms: readonly string[];
  timeline: readonly TimelineChange[];
}>;

export type BleepState = SessionSlice &
  RoomsSlice &
  TimelineSlice &
  ComposerSlice &
  Readonly<{
    applySyncBatch: (batch: SyncBatch) => void;
    /** Signed out: the clinician's rooms, timelines, drafts and session go from memory; the enrolment stays. */
    clinicianDataCleared: () => void;
  }>;

export type BleepStore = StoreApi<BleepState>;

export function createBleepStore(): BleepStore {
  return createStore<BleepState>()((...args) => {
    const [set, get] = args;
    return {
      ...createSessionSlice(...args),
      ...createRoomsSlice(...args),
      ...createTimelineSlice(...args),
      ...createComposerSlice(...args),
      applySyncBatch: (batch) => {
        set((state) => ({
          rooms: withRoomChanges(state.rooms, batch.rooms, batch.removedRooms),
          timeline: withTimelineChanges(state.timeline, batch.timeline),
        }));
      },
      clinicianDataCleared: () => {
        set({ rooms: initialRooms, timeline: initialTimeline, composer: initialComposer });
        get().sessionCleared();
      },
    };
  });
}
