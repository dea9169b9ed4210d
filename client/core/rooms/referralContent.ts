// A referral's first message: the patient (an NHS number, patient/patientTag.ts) and the reason, as fields inside
// the message's content, which Megolm encrypts. A referral room's name and state say neither: room state is
// plaintext on every server in the room, and the gateway refuses a valid NHS number in any plaintext.
import { InvalidReferralError } from '../errors/clientErrors.ts';
import { patientTaggedContent } from '../patient/patientTag.ts';

export const referralContentKey = 'uk.nhs.bleep.referral';

/** Longest reason accepted: a referral's reason is a line or two; the conversation carries the rest. */
export const maxReferralReasonLength = 2_000;

/** The referral message's content; throws InvalidNhsNumberError or InvalidReferralError before anything is sent. */
export function referralContent(nhsNumber: string, reason: string): Record<string, unknown> {
  const trimmed = reason.trim();
  if (trimmed.length === 0) throw new InvalidReferralError('A referral needs a reason.');
  if (trimmed.length > maxReferralReasonLength) {
    throw new InvalidReferralError(`A referral's reason is at most ${maxReferralReasonLength} characters.`);
  }
  return {
    ...patientTaggedContent(`Referral: ${trimmed}`, nhsNumber),
    [referralContentKey]: { reason: trimmed },
  };
}

/** The referral's reason a received message carries, or null when it is not a referral message. */
export function referralReasonIn(content: Readonly<Record<string, unknown>>): string | null {
  const referral = content[referralContentKey];
  if (typeof referral !== 'object' || referral === null) return null;
  const reason = (referral as Record<string, unknown>).reason;
  return typeof reason === 'string' && reason.length > 0 ? reason : null;
}
