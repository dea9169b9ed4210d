import { describe, expect, it } from 'vitest';
import {
  couldNotSend,
  endOf,
  verificationShown,
  type VerificationSnapshot,
} from './ownDesktopVerification.ts';

const emoji = [
  { symbol: '🐶', name: 'Dog' },
  { symbol: '🔑', name: 'Key' },
];

function snapshot(change: Partial<VerificationSnapshot>): VerificationSnapshot {
  return {
    phase: 'requested',
    direction: 'outgoing',
    otherDeviceId: null,
    emoji: null,
    confirmedHere: false,
    cancellationCode: null,
    cancelledHere: false,
    ...change,
  };
}

describe('the verification shown for a request', () => {
  it('is requested on the desktop that asked and incoming on the one asked', () => {
    expect(verificationShown(snapshot({ direction: 'outgoing' })).status).toBe('requested');
    expect(verificationShown(snapshot({ phase: 'unsent', direction: 'outgoing' })).status).toBe('requested');
    const incoming = verificationShown(snapshot({ direction: 'incoming', otherDeviceId: 'WARD1' }));
    expect(incoming).toEqual({
      status: 'incoming',
      otherDeviceId: 'WARD1',
      emoji: null,
      confirmedHere: false,
      reason: null,
    });
  });

  it('stays ready while the emoji are being worked out after the start, and shows them once they are', () => {
    expect(verificationShown(snapshot({ phase: 'ready' })).status).toBe('ready');
    expect(verificationShown(snapshot({ phase: 'started' })).status).toBe('ready');
    const showing = verificationShown(snapshot({ phase: 'started', emoji, otherDeviceId: 'WARD2' }));
    expect(showing).toMatchObject({ status: 'showing-emoji', emoji, otherDeviceId: 'WARD2' });
  });

  it('says the clinician confirmed here while the other desktop has not, and keeps the emoji once done', () => {
    expect(verificationShown(snapshot({ phase: 'started', emoji, confirmedHere: true }))).toMatchObject({
      status: 'showing-emoji',
      confirmedHere: true,
    });
    expect(verificationShown(snapshot({ phase: 'done', emoji, confirmedHere: true }))).toEqual({
      status: 'done',
      otherDeviceId: null,
      emoji,
      confirmedHere: true,
      reason: null,
    });
  });

  it('shows no emoji once cancelled, with the reason', () => {
    const cancelled = verificationShown(
      snapshot({ phase: 'cancelled', emoji, cancellationCode: 'm.mismatched_sas', cancelledHere: true }),
    );
    expect(cancelled).toMatchObject({ status: 'cancelled', reason: 'emoji-mismatch', emoji: null });
  });

  it('marks a verification that could not be sent as failed', () => {
    expect(couldNotSend('WARD3')).toEqual({
      status: 'failed',
      otherDeviceId: 'WARD3',
      emoji: null,
      confirmedHere: false,
      reason: 'could-not-send',
    });
  });
});

describe('why a verification ended early', () => {
  it('tells emoji that did not match apart, whichever desktop said so', () => {
    expect(endOf('m.mismatched_sas', true)).toEqual({ status: 'cancelled', reason: 'emoji-mismatch' });
    expect(endOf('m.mismatched_sas', false)).toEqual({ status: 'cancelled', reason: 'emoji-mismatch' });
  });

  it('tells a cancel here from one on the other desktop (m.user does not say which)', () => {
    expect(endOf('m.user', true).reason).toBe('cancelled-here');
    expect(endOf('m.user', false).reason).toBe('cancelled-on-other-desktop');
    expect(endOf(null, false).reason).toBe('cancelled-on-other-desktop');
  });

  it('says another desktop answered, or time ran out', () => {
    expect(endOf('m.accepted', false)).toEqual({ status: 'cancelled', reason: 'accepted-elsewhere' });
    expect(endOf('m.timeout', false)).toEqual({ status: 'cancelled', reason: 'timed-out' });
  });

  it('fails, rather than cancels, when the keys proved do not match the keys the server gave', () => {
    expect(endOf('m.key_mismatch', false)).toEqual({ status: 'failed', reason: 'keys-mismatch' });
    expect(endOf('m.mismatched_commitment', false)).toEqual({ status: 'failed', reason: 'keys-mismatch' });
    expect(endOf('m.unexpected_message', false)).toEqual({ status: 'failed', reason: 'protocol-error' });
  });
});
