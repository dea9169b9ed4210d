// The desktop's screen lock: a PIN the clinician sets after their first sign-in here, asked for after the policy's
// idle minutes, on demand, when the operating system locks, and at every start. While locked the renderer shows
// nothing but the lock (the session keeps syncing, so nothing is missed). Five wrong PINs in a row block the lock:
// whoever is at the keyboard must sign in with the password again (the renderer signs out, erasing this desktop's
// copy), so a PIN cannot be guessed. The PIN itself is never kept: only its verifier, sealed in the SecretStore.
import { createStore, type StoreApi } from 'zustand/vanilla';
import { WeakPinError } from '../errors/clientErrors.ts';
import type { Platform } from '../platform.ts';
import { isPinVerifier, makePinVerifier, pinMatches, type PinVerifier } from './pinVerifier.ts';
import { readJsonSecret, writeJsonSecret } from '../secrets/secretStore.ts';

export const minimumScreenPinLength = 6;
export const maximumWrongPins = 5;

/** 'needs-pin': signed in, no PIN set yet; 'blocked': too many wrong PINs (sign in again). */
export type ScreenLockStatus = 'loading' | 'needs-pin' | 'locked' | 'unlocked' | 'blocked';

export type ScreenLockState = Readonly<{
  status: ScreenLockStatus;
  wrongPins: number;
  /** When the clinician last did something (ms since the epoch); the idle lock counts from here. */
  lastActivityAt: number;
}>;

export interface ScreenLock {
  readonly store: StoreApi<ScreenLockState>;
  /** Reads whether a PIN is set: locked if so (every start asks for it), needs-pin if not. */
  load(): Promise<void>;
  /** Sets the clinician's PIN (only while none is set) and unlocks. */
  setPin(pin: string): Promise<void>;
  /** True and unlocked when the PIN is right; false otherwise (blocked after maximumWrongPins in a row). */
  unlock(pin: string): Promise<boolean>;
  lock(): void;
  /** The clinician did something: the idle time starts again. */
  noteActivity(): void;
  /** Locks when nothing was done for `idleMinutes`; returns whether it is locked now. */
  lockIfIdle(idleMinutes: number): boolean;
  /** The session ended: the PIN goes with it (the next sign-in sets one). */
  forget(): Promise<void>;
}

export function createScreenLock(
  platform: Pick<Platform, 'secrets' | 'clock' | 'randomBytes'>,
  pinHashIterations?: number,
): ScreenLock {
  const store = createStore<ScreenLockState>()(() => ({
    status: 'loading',
    wrongPins: 0,
    lastActivityAt: platform.clock.now(),
  }));
  let verifier: PinVerifier | undefined;
  const patch = (change: Partial<ScreenLockState>) => {
    store.setState(change);
  };

  return {
    store,
    load: async () => {
      const kept = await readJsonSecret(platform.secrets, 'screen-lock-pin');
      verifier = isPinVerifier(kept) ? kept : undefined;
      patch({ status: verifier ? 'locked' : 'needs-pin', wrongPins: 0 });
    },
    setPin: async (pin) => {
      if (verifier) throw new Error('a PIN is already set on this desktop');
      if (pin.length < minimumScreenPinLength) throw new WeakPinError(minimumScreenPinLength);
      const made = await makePinVerifier(pin, platform.randomBytes, pinHashIterations);
      await writeJsonSecret(platform.secrets, 'screen-lock-pin', made);
      verifier = made;
      patch({ status: 'unlocked', wrongPins: 0, lastActivityAt: platform.clock.now() });
    },
    unlock: async (pin) => {
      const state = store.getState();
      if (!verifier || state.status === 'blocked') return false;
      if (await pinMatches(verifier, pin)) {
        patch({ status: 'unlocked', wrongPins: 0, lastActivityAt: platform.clock.now() });
        return true;
      }
      const wrongPins = store.getState().wrongPins + 1;
      patch({ wrongPins, status: wrongPins >= maximumWrongPins ? 'blocked' : 'locked' });
      return false;
    },
    lock: () => {
      if (store.getState().status === 'unlocked') patch({ status: 'locked' });
    },
    noteActivity: () => {
      if (store.getState().status === 'unlocked') patch({ lastActivityAt: platform.clock.now() });
    },
    lockIfIdle: (idleMinutes) => {
      const state = store.getState();
      if (state.status === 'unlocked' && platform.clock.now() - state.lastActivityAt >= idleMinutes * 60_000)
        patch({ status: 'locked' });
      return store.getState().status === 'locked';
    },
    forget: async () => {
      await platform.secrets.delete('screen-lock-pin');
      verifier = undefined;
      patch({ status: 'needs-pin', wrongPins: 0 });
    },
  };
}
