// The typing slice: per room, who else is typing now (user ids, sorted), from the members' m.typing notices.
import type { StateCreator } from 'zustand/vanilla';
import type { BleepState } from './bleepStore.ts';

export type TypingState = Readonly<{ byRoom: Readonly<Record<string, readonly string[]>> }>;

export type TypingSlice = Readonly<{
  typing: TypingState;
  typingChanged: (roomId: string, userIds: readonly string[]) => void;
}>;

export const initialTyping: TypingState = { byRoom: {} };

export const createTypingSlice: StateCreator<BleepState, [], [], TypingSlice> = (set) => ({
  typing: initialTyping,
  typingChanged: (roomId, userIds) => {
    set((state) => {
      const known = state.typing.byRoom[roomId] ?? [];
      const sorted = [...userIds].sort();
      if (known.length === sorted.length && known.every((userId, index) => userId === sorted[index]))
        return {};
      return { typing: { byRoom: { ...state.typing.byRoom, [roomId]: sorted } } };
    });
  },
});
