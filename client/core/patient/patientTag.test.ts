import { MatrixEvent } from 'matrix-js-sdk';
import { describe, expect, it } from 'vitest';
import { InvalidNhsNumberError } from '../errors/clientErrors.ts';
import { timelineItemFor } from '../sync/timelineItem.ts';
import {
  normalisedNhsNumber,
  patientContentKey,
  patientNhsNumberIn,
  patientTaggedContent,
} from './patientTag.ts';

describe('the patient tag', () => {
  it('takes an NHS number as a clinician types it and keeps ten digits', () => {
    expect(normalisedNhsNumber('943 476 5919')).toBe('9434765919');
    expect(normalisedNhsNumber(' 943-476-5919 ')).toBe('9434765919');
    expect(normalisedNhsNumber('9434765919')).toBe('9434765919');
  });

  it('refuses a number whose Modulus 11 check digit is wrong, with a typed error that does not repeat it', () => {
    let thrown: unknown;
    try {
      normalisedNhsNumber('943 476 5918');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidNhsNumberError);
    expect((thrown as InvalidNhsNumberError).code).toBe('invalid-nhs-number');
    expect((thrown as InvalidNhsNumberError).message).not.toContain('5918');
  });

  it('refuses nine or eleven digits, two numbers, and text around a number', () => {
    for (const typed of ['943476591', '94347659190', '9434765919 4010232137', 'NHS 9434765919', '', 'abc']) {
      expect(() => normalisedNhsNumber(typed), typed).toThrow(InvalidNhsNumberError);
    }
  });

  it('puts the number in a namespaced field of the content, beside the text, and nowhere else', () => {
    const content = patientTaggedContent('Bloods back, K+ 5.9', '943 476 5919');
    expect(content).toEqual({
      msgtype: 'm.text',
      body: 'Bloods back, K+ 5.9',
      'uk.nhs.bleep.patient': { nhs_number: '9434765919' },
    });
    expect(patientContentKey).toBe('uk.nhs.bleep.patient');
  });

  it('refuses to make content for an invalid number (nothing to send)', () => {
    expect(() => patientTaggedContent('text', '9434765918')).toThrow(InvalidNhsNumberError);
  });

  it('reads a received tag only when it is ten digits passing the check', () => {
    expect(patientNhsNumberIn({ body: 'x', [patientContentKey]: { nhs_number: '9434765919' } })).toBe(
      '9434765919',
    );
    expect(patientNhsNumberIn({ body: 'x', [patientContentKey]: { nhs_number: '9434765918' } })).toBeNull();
    expect(patientNhsNumberIn({ body: 'x', [patientContentKey]: { nhs_number: '943 476 5919' } })).toBeNull();
    expect(patientNhsNumberIn({ body: 'x', [patientContentKey]: '9434765919' })).toBeNull();
    expect(patientNhsNumberIn({ body: 'x' })).toBeNull();
  });
});

describe('a patient tag read from sync', () => {
  const base = { room_id: '!ward:trust-a.example', origin_server_ts: 1_700_000_000_000, sender: '@bob:b' };
  const content = { msgtype: 'm.text', body: 'Bed 4', [patientContentKey]: { nhs_number: '9434765919' } };

  it('is kept on the item of a message that travelled encrypted', () => {
    const event = new MatrixEvent({
      ...base,
      event_id: '$e',
      type: 'm.room.encrypted',
      content: { algorithm: 'm.megolm.v1.aes-sha2', ciphertext: 'x', session_id: 's', sender_key: 'k' },
    });
    // What rust crypto's decryption leaves on the event (the SDK's clearEvent): the content it decrypted.
    Object.assign(event, {
      clearEvent: { type: 'm.room.message', content, room_id: base.room_id },
    });
    expect(event.isEncrypted()).toBe(true);
    expect(timelineItemFor(event, '@me:a')?.patient).toEqual({ nhsNumber: '9434765919', filedAt: null });
  });

  it('is not taken from a message that came in the clear (the servers have read it)', () => {
    const event = new MatrixEvent({ ...base, event_id: '$p', type: 'm.room.message', content });
    expect(timelineItemFor(event, '@me:a')?.patient).toBeUndefined();
  });
});
