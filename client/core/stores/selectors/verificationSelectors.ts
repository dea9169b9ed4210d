// Reading the verification with another of the clinician's desktops (the same object until it changes).
import type { BleepState } from '../bleepStore.ts';

export const selectVerification = (state: BleepState) => state.verification;
export const selectVerificationStatus = (state: BleepState) => state.verification.status;
/** The seven emoji to compare while 'showing-emoji' (and after 'done'); null otherwise. */
export const selectVerificationEmoji = (state: BleepState) => state.verification.emoji;
