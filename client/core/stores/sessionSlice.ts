// The session slice: who is signed in on this desktop, to which trust, how sync and crypto stand, and the last
// problem to show. Plain data only: the policy view as the gateway sent it, errors as ClientProblem, never an SDK
// object, a token or the device credential.
import type { StateCreator } from 'zustand/vanilla';
import type { CryptoStatus } from '../crypto/cryptoStatus.ts';
import type { ClientProblem } from '../errors/clientErrors.ts';
import type { WipeRecord } from '../session/clinicianDataWipe.ts';
import type { TrustPolicyView } from '../trust/trustPolicy.ts';
import type { BleepState } from './bleepStore.ts';

export type SessionStatus = 'signed-out' | 'enrolling' | 'signing-in' | 'restoring' | 'ready' | 'ended';

/** 'catching-up': the first sync after a start or a reconnect; 'error': the last sync failed and is being retried. */
export type SyncStatus = 'stopped' | 'catching-up' | 'syncing' | 'error';

export type SessionState = Readonly<{
  status: SessionStatus;
  /** The trust this desktop is enrolled with, and its device id there (kept across sign-outs). */
  serverUrl: string | null;
  enrolledDeviceId: string | null;
  userId: string | null;
  deviceId: string | null;
  policy: TrustPolicyView | null;
  sync: SyncStatus;
  crypto: CryptoStatus | null;
  problem: ClientProblem | null;
  /** What the last end of a session erased from this desktop, and why; null until a session has ended here. */
  wipe: WipeRecord | null;
}>;

export type SessionSlice = Readonly<{
  session: SessionState;
  /** A step began (enrolling, signing in, restoring): the previous problem no longer applies. */
  sessionStepBegan: (status: 'enrolling' | 'signing-in' | 'restoring') => void;
  desktopEnrolled: (enrolment: Readonly<{ serverUrl: string; deviceId: string }>) => void;
  policyLoaded: (policy: TrustPolicyView) => void;
  sessionStarted: (identity: Readonly<{ userId: string; deviceId: string }>) => void;
  /** A step failed: back to signed out (the enrolment is kept), with the problem to show. */
  sessionStepFailed: (problem: ClientProblem) => void;
  /** The server ended a running session (revoked desktop, signed out elsewhere). */
  sessionEnded: (problem: ClientProblem) => void;
  syncChanged: (sync: SyncStatus, problem: ClientProblem | null) => void;
  cryptoChanged: (crypto: CryptoStatus) => void;
  /** Signed out on purpose: the session goes, the desktop's enrolment stays. */
  sessionCleared: () => void;
}>;

export const initialSession: SessionState = {
  status: 'signed-out',
  serverUrl: null,
  enrolledDeviceId: null,
  userId: null,
  deviceId: null,
  policy: null,
  sync: 'stopped',
  crypto: null,
  problem: null,
  wipe: null,
};

export const createSessionSlice: StateCreator<BleepState, [], [], SessionSlice> = (set) => {
  const patch = (change: Partial<SessionState>) => {
    set((state) => ({ session: { ...state.session, ...change } }));
  };
  return {
    session: initialSession,
    sessionStepBegan: (status) => {
      patch({ status, problem: null });
    },
    desktopEnrolled: ({ serverUrl, deviceId }) => {
      patch({ serverUrl, enrolledDeviceId: deviceId });
    },
    policyLoaded: (policy) => {
      patch({ policy });
    },
    sessionStarted: ({ userId, deviceId }) => {
      patch({ status: 'ready', userId, deviceId, problem: null });
    },
    sessionStepFailed: (problem) => {
      patch({ status: 'signed-out', userId: null, deviceId: null, sync: 'stopped', crypto: null, problem });
    },
    sessionEnded: (problem) => {
      patch({ status: 'ended', sync: 'stopped', problem });
    },
    syncChanged: (sync, problem) => {
      patch({ sync, problem });
    },
    cryptoChanged: (crypto) => {
      patch({ crypto });
    },
    sessionCleared: () => {
      set((state) => ({
        session: {
          ...initialSession,
          serverUrl: state.session.serverUrl,
          enrolledDeviceId: state.session.enrolledDeviceId,
          policy: state.session.policy,
          wipe: state.session.wipe,
        },
      }));
    },
  };
};
