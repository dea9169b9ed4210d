// The verification slice: the emoji (SAS) verification between this desktop and another of the clinician's own, as
// plain data (crypto/ownDesktopVerification.ts), written only by crypto/ownDesktopVerifier.ts through the running
// session. The renderer's "Verify another of my desktops" screen reads it and calls session.verification.
import type { StateCreator } from 'zustand/vanilla';
import { idleVerification, type OwnDesktopVerification } from '../crypto/ownDesktopVerification.ts';
import type { BleepState } from './bleepStore.ts';

export type VerificationSlice = Readonly<{
  verification: OwnDesktopVerification;
  verificationChanged: (verification: OwnDesktopVerification) => void;
}>;

export const initialVerification: OwnDesktopVerification = idleVerification;

export const createVerificationSlice: StateCreator<BleepState, [], [], VerificationSlice> = (set) => ({
  verification: initialVerification,
  verificationChanged: (verification) => {
    set({ verification });
  },
});
