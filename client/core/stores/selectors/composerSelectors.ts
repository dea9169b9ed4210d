// Reading the composer slice.
import type { BleepState } from '../bleepStore.ts';

export const selectDraft = (roomId: string) => (state: BleepState) => state.composer.drafts[roomId] ?? '';
