import { describe, expect, it } from 'vitest';
import {
  hashEnrolmentCode,
  hashesMatch,
  newDeviceCredential,
  newEnrolmentCode,
  normaliseEnrolmentCode,
  sha256,
} from './enrolmentSecrets.ts';

describe('enrolment secrets', () => {
  it('makes codes of four groups of four Crockford base32 characters', () => {
    for (let round = 0; round < 200; round += 1) {
      expect(newEnrolmentCode().code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/);
    }
  });

  it('uses every one of the 80 random bits', () => {
    expect(newEnrolmentCode(() => Buffer.alloc(10, 0)).code).toBe('0000-0000-0000-0000');
    expect(newEnrolmentCode(() => Buffer.alloc(10, 0xff)).code).toBe('ZZZZ-ZZZZ-ZZZZ-ZZZZ');
    expect(newEnrolmentCode(() => Buffer.from('00000000000000000001', 'hex')).code).toBe(
      '0000-0000-0000-0001',
    );
  });

  it('makes a different code every time', () => {
    const codes = new Set(Array.from({ length: 1000 }, () => newEnrolmentCode().code));
    expect(codes.size).toBe(1000);
  });

  it('accepts a code typed in lower case, with spaces, or with O, I and L for 0, 1 and 1', () => {
    expect(normaliseEnrolmentCode('7k3m-q9xa-b2cd-efgh')).toBe('7K3MQ9XAB2CDEFGH');
    expect(normaliseEnrolmentCode(' 7K3M Q9XA B2CD EFGH ')).toBe('7K3MQ9XAB2CDEFGH');
    expect(normaliseEnrolmentCode('OIL0-0000-0000-0000')).toBe('0110000000000000');
  });

  it('refuses text that cannot be a code', () => {
    expect(normaliseEnrolmentCode('')).toBeUndefined();
    expect(normaliseEnrolmentCode('7K3M-Q9XA-B2CD')).toBeUndefined();
    expect(normaliseEnrolmentCode('7K3M-Q9XA-B2CD-EFGU')).toBeUndefined();
    expect(normaliseEnrolmentCode('7K3M-Q9XA-B2CD-EFG!')).toBeUndefined();
  });

  it('stores a hash that matches the code however it is typed, and no other code', () => {
    const { code, hash } = newEnrolmentCode();
    expect(hash).toHaveLength(32);
    expect(hash.toString('hex')).not.toContain(code);
    expect(hashEnrolmentCode(code.toLowerCase().replaceAll('-', ' '))).toEqual(hash);
    expect(hashEnrolmentCode(newEnrolmentCode().code)).not.toEqual(hash);
    expect(hashEnrolmentCode('not a code')).toBeUndefined();
  });

  it('makes 256-bit credentials', () => {
    const credential = newDeviceCredential();
    expect(Buffer.from(credential, 'base64url')).toHaveLength(32);
    expect(newDeviceCredential()).not.toBe(credential);
  });

  it('matches a secret only against its own hash', () => {
    expect(hashesMatch(sha256('secret'), sha256('secret'))).toBe(true);
    expect(hashesMatch(sha256('secret'), sha256('Secret'))).toBe(false);
    expect(hashesMatch(sha256('secret'), Buffer.alloc(3))).toBe(false);
  });
});
