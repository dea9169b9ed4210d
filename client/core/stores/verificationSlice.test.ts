import { describe, expect, it } from 'vitest';
import type { WipeRecord } from '../session/clinicianDataWipe.ts';
import { createBleepStore } from './bleepStore.ts';
import {
  selectVerification,
  selectVerificationEmoji,
  selectVerificationStatus,
} from './selectors/verificationSelectors.ts';

const emoji = [{ symbol: '🦄', name: 'Unicorn' }];

describe('the verification slice', () => {
  it('starts idle, with no other desktop and no emoji', () => {
    const store = createBleepStore();
    expect(selectVerification(store.getState())).toEqual({
      status: 'idle',
      otherDeviceId: null,
      emoji: null,
      confirmedHere: false,
      reason: null,
    });
  });

  it('shows what the verifier hands it, the same object until it changes', () => {
    const store = createBleepStore();
    const showing = {
      status: 'showing-emoji' as const,
      otherDeviceId: 'WARD2',
      emoji,
      confirmedHere: false,
      reason: null,
    };
    store.getState().verificationChanged(showing);
    expect(selectVerificationStatus(store.getState())).toBe('showing-emoji');
    expect(selectVerificationEmoji(store.getState())).toBe(emoji);
    store.getState().roomOpened('!room:trust-a');
    expect(selectVerification(store.getState())).toBe(showing);
  });

  it('goes back to idle when the clinician’s data is wiped', () => {
    const store = createBleepStore();
    store.getState().verificationChanged({
      status: 'done',
      otherDeviceId: 'WARD2',
      emoji,
      confirmedHere: true,
      reason: null,
    });
    const wipe: WipeRecord = { reason: 'signed-out', wipedAt: 1, erased: ['session'], failed: [] };
    store.getState().clinicianDataWiped(wipe, null);
    expect(selectVerificationStatus(store.getState())).toBe('idle');
  });
});
