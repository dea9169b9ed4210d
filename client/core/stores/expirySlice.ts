// The expiry slice: how this desktop's archive stands against the trust's clientDays rule, as plain data. When it
// last swept, the send time of the oldest message it kept, the legal holds it was told of, and how the expiry
// report to the gateway stands. Written by expiry/expirySchedule.ts only.
import type { StateCreator } from 'zustand/vanilla';
import type { ClientErrorCode } from '../errors/clientErrors.ts';
import type { BleepState } from './bleepStore.ts';

export type LegalHoldsState = Readonly<{
  /** 'in-force': the gateway listed these rooms; 'unavailable': it could not be asked, so nothing is held. */
  status: 'unknown' | 'in-force' | 'unavailable';
  roomIds: readonly string[];
  checkedAt: number | null;
}>;

export type ExpiryReportState = Readonly<{
  /** 'retrying': the last attempt failed (server down, or the gateway has no such route yet); another is due. */
  status: 'idle' | 'sending' | 'sent' | 'retrying' | 'stopped';
  /** The send time of the oldest message outside a hold and the sweep time, as last reported or being reported. */
  oldestTs: number | null;
  sweptAt: number | null;
  lastSentAt: number | null;
  attempts: number;
  nextAttemptAt: number | null;
  problem: ClientErrorCode | null;
  /** The HTTP status of the last failed attempt, when the gateway answered (404: it has no such route yet). */
  failedStatus: number | null;
}>;

export type ExpiryState = Readonly<{
  lastSweptAt: number | null;
  /** The limit of the last sweep: messages sent before it were deleted, outside legal holds. */
  lastCutoff: number | null;
  oldestKeptAt: number | null;
  oldestOutsideHoldAt: number | null;
  keptMessages: number | null;
  legalHolds: LegalHoldsState;
  report: ExpiryReportState;
  /** The last sweep failed (the archive could not be written); the next one is on its timer. */
  sweepFailed: boolean;
}>;

export type ExpirySlice = Readonly<{
  expiry: ExpiryState;
  expiryReportChanged: (report: ExpiryReportState) => void;
  expirySweepFailed: () => void;
}>;

export const initialExpiryReport: ExpiryReportState = {
  status: 'idle',
  oldestTs: null,
  sweptAt: null,
  lastSentAt: null,
  attempts: 0,
  nextAttemptAt: null,
  problem: null,
  failedStatus: null,
};

export const initialExpiry: ExpiryState = {
  lastSweptAt: null,
  lastCutoff: null,
  oldestKeptAt: null,
  oldestOutsideHoldAt: null,
  keptMessages: null,
  legalHolds: { status: 'unknown', roomIds: [], checkedAt: null },
  report: initialExpiryReport,
  sweepFailed: false,
};

export const createExpirySlice: StateCreator<BleepState, [], [], ExpirySlice> = (set) => ({
  expiry: initialExpiry,
  expiryReportChanged: (report) => {
    set((state) => ({ expiry: { ...state.expiry, report } }));
  },
  expirySweepFailed: () => {
    set((state) => ({ expiry: { ...state.expiry, sweepFailed: true } }));
  },
});
