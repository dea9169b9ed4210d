// Reading the expiry slice.
import type { BleepState } from '../bleepStore.ts';

export const selectExpiry = (state: BleepState) => state.expiry;
export const selectLastSweptAt = (state: BleepState) => state.expiry.lastSweptAt;
export const selectOldestKeptAt = (state: BleepState) => state.expiry.oldestKeptAt;
export const selectLegalHolds = (state: BleepState) => state.expiry.legalHolds;
export const selectExpiryReport = (state: BleepState) => state.expiry.report;
