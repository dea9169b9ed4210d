import { describe, expect, it } from 'vitest';
import { checkEnrolledSession, type DeviceStatus } from './enrolledSession.ts';

const devices = (status: DeviceStatus) => ({ status: () => status });
const identity = { userId: '@a:x', deviceId: 'PC1' };

describe('rule: every session belongs to a desktop enrolled now', () => {
  it('allows an active device and refuses revoked and unknown ones with one answer', () => {
    expect(checkEnrolledSession(identity, devices('active'), true)).toBeUndefined();
    const revoked = checkEnrolledSession(identity, devices('revoked'), true);
    const unknown = checkEnrolledSession(identity, devices('unknown-device'), true);
    expect(revoked).toMatchObject({ status: 401, errcode: 'M_UNKNOWN_TOKEN', rule: 'device-enrolment' });
    expect(unknown?.toJSON()).toEqual(revoked?.toJSON());
    expect(checkEnrolledSession({ userId: '@a:x', deviceId: null }, devices('active'), true)).toEqual(
      revoked,
    );
  });

  it('fails closed when the enrolment list is unavailable', () => {
    expect(checkEnrolledSession(identity, devices('unavailable'), true)).toMatchObject({
      status: 503,
      errcode: 'M_UNKNOWN',
      message: expect.stringContaining('try again') as string,
    });
  });

  it('checks nothing when the policy does not require enrolment', () => {
    expect(checkEnrolledSession(identity, devices('revoked'), false)).toBeUndefined();
  });
});
