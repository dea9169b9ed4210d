// How an emoji (SAS) verification between two of the clinician's own desktops stands, as plain data for the store:
// derived from what the SDK's request says (mapped to plain words by ownDesktopVerifier.ts) and what was done here.
// Trust between a clinician's desktops comes from the trust's signature at sign-in; this is the clinician checking
// for themselves, by comparing seven emoji on two screens, that the other desktop is really theirs.

/**
 * 'requested': this desktop asked, waiting for another to accept. 'incoming': another of the clinician's desktops
 * asks this one. 'ready': accepted on both, either may start the emoji (also while they are being worked out).
 * 'showing-emoji': compare them with the other desktop. 'done': both confirmed: this desktop now verified the other
 * itself. 'cancelled': a person stopped it (here, there, emoji that did not match, another desktop answered, time
 * ran out). 'failed': the exchange itself went wrong (keys that did not match, a message out of order, a request
 * that could not be sent).
 */
export type OwnDesktopVerificationStatus =
  'idle' | 'requested' | 'incoming' | 'ready' | 'showing-emoji' | 'done' | 'cancelled' | 'failed';

export type OwnDesktopVerificationReason =
  | 'emoji-mismatch'
  | 'cancelled-here'
  | 'cancelled-on-other-desktop'
  | 'accepted-elsewhere'
  | 'timed-out'
  | 'keys-mismatch'
  | 'protocol-error'
  | 'could-not-send';

/** One of the seven emoji: the character and its English name (spoken aloud, or shown beneath it). */
export type SasEmoji = Readonly<{ symbol: string; name: string }>;

export type OwnDesktopVerification = Readonly<{
  status: OwnDesktopVerificationStatus;
  /** The other desktop's device id; null while a request to all the clinician's desktops awaits an answer. */
  otherDeviceId: string | null;
  /** Seven emoji while 'showing-emoji' (kept for 'done'); null otherwise. */
  emoji: readonly SasEmoji[] | null;
  /** The clinician confirmed the emoji here; the other desktop's confirmation is awaited until 'done'. */
  confirmedHere: boolean;
  /** Why it was cancelled or failed; null otherwise. */
  reason: OwnDesktopVerificationReason | null;
}>;

export const idleVerification: OwnDesktopVerification = {
  status: 'idle',
  otherDeviceId: null,
  emoji: null,
  confirmedHere: false,
  reason: null,
};

/** The SDK's request phase in plain words (VerificationPhase). */
export type RequestPhase = 'unsent' | 'requested' | 'ready' | 'started' | 'cancelled' | 'done';

/** What the SDK says of a request, and what was done about it here. */
export type VerificationSnapshot = Readonly<{
  phase: RequestPhase;
  /** 'outgoing': this desktop asked; 'incoming': another desktop asked this one. */
  direction: 'outgoing' | 'incoming';
  otherDeviceId: string | null;
  emoji: readonly SasEmoji[] | null;
  confirmedHere: boolean;
  /** The Matrix cancellation code (m.user, m.mismatched_sas, ...), once cancelled. */
  cancellationCode: string | null;
  /** The clinician cancelled here (a code of m.user alone does not say which side sent it). */
  cancelledHere: boolean;
}>;

/** Why a verification ended early, from its Matrix cancellation code; 'failed' unless a person stopped it. */
export function endOf(
  code: string | null,
  cancelledHere: boolean,
): Readonly<{ status: 'cancelled' | 'failed'; reason: OwnDesktopVerificationReason }> {
  switch (code) {
    case 'm.mismatched_sas':
      return { status: 'cancelled', reason: 'emoji-mismatch' };
    case 'm.user':
    case null:
      return { status: 'cancelled', reason: cancelledHere ? 'cancelled-here' : 'cancelled-on-other-desktop' };
    case 'm.accepted':
      return { status: 'cancelled', reason: 'accepted-elsewhere' };
    case 'm.timeout':
      return { status: 'cancelled', reason: 'timed-out' };
    case 'm.key_mismatch':
    case 'm.mismatched_commitment':
      // The keys the other side proved are not the ones the server gave us: worth more than a shrug.
      return { status: 'failed', reason: 'keys-mismatch' };
    default:
      return { status: 'failed', reason: 'protocol-error' };
  }
}

/** The plain state shown for a request. */
export function verificationShown(snapshot: VerificationSnapshot): OwnDesktopVerification {
  const shown = {
    otherDeviceId: snapshot.otherDeviceId,
    emoji: null,
    confirmedHere: false,
    reason: null,
  };
  switch (snapshot.phase) {
    case 'unsent':
    case 'requested':
      return { ...shown, status: snapshot.direction === 'outgoing' ? 'requested' : 'incoming' };
    case 'ready':
      return { ...shown, status: 'ready' };
    case 'started':
      // The emoji take a round trip to work out after the start: until then the start is under way, as 'ready'.
      return snapshot.emoji === null
        ? { ...shown, status: 'ready' }
        : { ...shown, status: 'showing-emoji', emoji: snapshot.emoji, confirmedHere: snapshot.confirmedHere };
    case 'done':
      return { ...shown, status: 'done', emoji: snapshot.emoji, confirmedHere: snapshot.confirmedHere };
    case 'cancelled':
      return { ...shown, ...endOf(snapshot.cancellationCode, snapshot.cancelledHere) };
  }
}

/** A request this desktop could not send or answer (the SDK threw). */
export function couldNotSend(otherDeviceId: string | null): OwnDesktopVerification {
  return { ...idleVerification, status: 'failed', otherDeviceId, reason: 'could-not-send' };
}
