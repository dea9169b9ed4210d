// Reading the session slice. Each selector returns a value already in the store (or a primitive), so a component
// subscribed with it re-renders only when that value changes.
import type { BleepState } from '../bleepStore.ts';

export const selectSession = (state: BleepState) => state.session;
export const selectSessionStatus = (state: BleepState) => state.session.status;
export const selectSignedInUserId = (state: BleepState) => state.session.userId;
export const selectSyncStatus = (state: BleepState) => state.session.sync;
export const selectCryptoStatus = (state: BleepState) => state.session.crypto;
export const selectSessionProblem = (state: BleepState) => state.session.problem;
export const selectTrustPolicy = (state: BleepState) => state.session.policy;
/** Days a message is kept on this desktop, from the trust's policy; null until the policy is loaded. */
export const selectClientRetentionDays = (state: BleepState) =>
  state.session.policy?.retention.clientDays ?? null;
export const selectIdleLockMinutes = (state: BleepState) => state.session.policy?.idleLockMinutes ?? null;
/** True when this desktop may show the room list: signed in and through its first sync. */
export const selectIsReady = (state: BleepState) =>
  state.session.status === 'ready' && (state.session.sync === 'syncing' || state.session.sync === 'error');
