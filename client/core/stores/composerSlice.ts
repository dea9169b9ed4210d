// The composer slice: what the clinician is typing in each room, kept while they move between rooms. Drafts are
// in memory only: a draft can hold patient details, and nothing unsent is written to disk in the clear.
import type { StateCreator } from 'zustand/vanilla';
import type { BleepState } from './bleepStore.ts';

export type ComposerState = Readonly<{ drafts: Readonly<Record<string, string>> }>;

export type ComposerSlice = Readonly<{
  composer: ComposerState;
  draftChanged: (roomId: string, text: string) => void;
  draftCleared: (roomId: string) => void;
}>;

export const initialComposer: ComposerState = { drafts: {} };

export const createComposerSlice: StateCreator<BleepState, [], [], ComposerSlice> = (set) => ({
  composer: initialComposer,
  draftChanged: (roomId, text) => {
    set((state) => ({ composer: { drafts: { ...state.composer.drafts, [roomId]: text } } }));
  },
  draftCleared: (roomId) => {
    set((state) => {
      const { [roomId]: _cleared, ...drafts } = state.composer.drafts;
      return { composer: { drafts } };
    });
  },
});
