import { describe, expect, it } from 'vitest';
import { registrationMac } from './registerUser.ts';

const EXPECTED_NOTADMIN = '42e32623fe124933c326f9d2d67ff7c617915a10';

describe('shared-secret registration MAC', () => {
  // Worked example computed independently with: printf 'abc\0alice\0pw\0notadmin' | openssl dgst -sha1 -hmac secret
  it('is HMAC-SHA1 over nonce, user, password and admin flag, NUL-separated', () => {
    expect(registrationMac('secret', 'abc', 'alice', 'pw', false)).toBe(EXPECTED_NOTADMIN);
    expect(registrationMac('secret', 'abc', 'alice', 'pw', true)).not.toBe(EXPECTED_NOTADMIN);
  });
});
