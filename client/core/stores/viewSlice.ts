// The view slice: which conversation the clinician has open, as the renderer tells the core (`roomOpened`), so the
// core does not notify them of messages they are already looking at (notifications/notificationFeed.ts).
import type { StateCreator } from 'zustand/vanilla';
import type { BleepState } from './bleepStore.ts';

export type ViewState = Readonly<{ openRoomId: string | null }>;

export type ViewSlice = Readonly<{
  view: ViewState;
  /** The renderer's to call: the room now shown (null when none is, or the window is hidden). */
  roomOpened: (roomId: string | null) => void;
}>;

export const initialView: ViewState = { openRoomId: null };

export const createViewSlice: StateCreator<BleepState, [], [], ViewSlice> = (set) => ({
  view: initialView,
  roomOpened: (roomId) => {
    set({ view: { openRoomId: roomId } });
  },
});
