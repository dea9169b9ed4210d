// Reading the timeline slice.
import type { BleepState } from '../bleepStore.ts';
import type { TimelineItem } from '../timelineSlice.ts';

const none: readonly TimelineItem[] = [];

/** A room's items in arrival order (the same array until the room's timeline changes). */
export const selectTimeline = (roomId: string) => (state: BleepState) =>
  state.timeline.byRoom[roomId] ?? none;

/** A room's messages only, decrypted or not (a new array: read with useShallow). */
export const selectMessages = (roomId: string) => (state: BleepState) =>
  (state.timeline.byRoom[roomId] ?? none).filter((item) => item.kind !== 'membership');

export const selectLatestMessage = (roomId: string) => (state: BleepState) =>
  (state.timeline.byRoom[roomId] ?? none).findLast((item) => item.kind === 'message');
