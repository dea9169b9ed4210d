// Reading who else is typing in a room (user ids, sorted; the same array until it changes). Names: peopleSelectors.
import type { BleepState } from '../bleepStore.ts';

const nobody: readonly string[] = [];

export const selectTyping = (roomId: string) => (state: BleepState) => state.typing.byRoom[roomId] ?? nobody;

/** The room the clinician has open, as the renderer said (`roomOpened`). */
export const selectOpenRoomId = (state: BleepState) => state.view.openRoomId;
