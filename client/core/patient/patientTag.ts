// The patient a message is about: an NHS number carried as a structured field inside the message's content
// (`uk.nhs.bleep.patient: { nhs_number }`), which Megolm encrypts with the rest, so the homeserver, partner servers
// and push never see it. Never in plaintext metadata (room names, topics, state, reasons): the gateway refuses a
// valid NHS number in any plaintext string (policy-module rules/noPatientIdentifiers.ts). The number is checked
// with policy-module's Modulus 11 check (its browser-safe entry, `@bleep/policy-module/nhsNumber`: the package's
// index also exports the gateway, with Node-only dependencies) and kept as ten ASCII digits.
import { findNhsNumbers, isValidNhsNumber } from '@bleep/policy-module/nhsNumber';
import { InvalidNhsNumberError } from '../errors/clientErrors.ts';

/** The content key: namespaced, so no other client reads it as anything of its own. */
export const patientContentKey = 'uk.nhs.bleep.patient';

/**
 * The NHS number as ten ASCII digits, from the way a clinician may type it ("943 476 5919", "943-476-5919", other
 * scripts' digits); throws InvalidNhsNumberError for anything that is not exactly one valid number.
 */
export function normalisedNhsNumber(typed: string): string {
  const digits = isValidNhsNumber(typed.trim()) ? findNhsNumbers(typed.trim())[0] : undefined;
  if (digits === undefined) throw new InvalidNhsNumberError();
  return digits;
}

/** The content of a text message tagged with a patient (to be sent encrypted: delivery and sendSafety see to it). */
export function patientTaggedContent(body: string, nhsNumber: string): Record<string, unknown> {
  return {
    msgtype: 'm.text',
    body,
    [patientContentKey]: { nhs_number: normalisedNhsNumber(nhsNumber) },
  };
}

/**
 * The NHS number a received message's content carries, as ten digits, or null: no tag, or one that is malformed or
 * fails the check (another client's mistake is not a patient, so it is not filed under one).
 */
export function patientNhsNumberIn(content: Readonly<Record<string, unknown>>): string | null {
  const tag = content[patientContentKey];
  if (typeof tag !== 'object' || tag === null) return null;
  const nhsNumber = (tag as Record<string, unknown>).nhs_number;
  if (typeof nhsNumber !== 'string' || !/^[0-9]{10}$/.test(nhsNumber)) return null;
  return isValidNhsNumber(nhsNumber) ? nhsNumber : null;
}

/** What a message keeps of its patient tag: the number, and when it was filed to the patient's record (or null). */
export type PatientMark = Readonly<{ nhsNumber: string; filedAt: number | null }>;

export function isPatientMark(value: unknown): value is PatientMark {
  if (typeof value !== 'object' || value === null) return false;
  const mark = value as Record<string, unknown>;
  return (
    typeof mark.nhsNumber === 'string' &&
    /^[0-9]{10}$/.test(mark.nhsNumber) &&
    (mark.filedAt === null || (typeof mark.filedAt === 'number' && Number.isFinite(mark.filedAt)))
  );
}
