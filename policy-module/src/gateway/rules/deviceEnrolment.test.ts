import { describe, expect, it } from 'vitest';
import { checkDeviceLogin, type DeviceEnrolment, type EnrolmentRefusal } from './deviceEnrolment.ts';

/** An enrolment store that answers every login check with `answer`, recording what it was asked. */
function store(answer: Readonly<{ ok: true }> | EnrolmentRefusal) {
  const asked: [string, string | undefined][] = [];
  const enrolment: DeviceEnrolment = {
    checkLogin: (deviceId, credential) => {
      asked.push([deviceId, credential]);
      return Promise.resolve(answer);
    },
    recordLogin: () => Promise.resolve(),
    deviceOfCredential: () => Promise.resolve(undefined),
    redeemCode: () => Promise.reject(new Error('not part of a sign-in')),
  };
  return { asked, enrolment };
}

const notEnrolled: EnrolmentRefusal = {
  ok: false,
  code: 'DEVICE_LOGIN_REFUSED',
  message: 'This computer is not enrolled with the trust.',
  auditReason: 'CREDENTIAL_MISMATCH',
};

describe('rule: only enrolled desktops sign in', () => {
  it('lets a sign-in through when the store accepts the device and its credential', async () => {
    const { asked, enrolment } = store({ ok: true });
    expect(await checkDeviceLogin(enrolment, true, 'PC1', 'cred')).toBeUndefined();
    expect(asked).toEqual([['PC1', 'cred']]);
  });

  it("refuses what the store refuses, telling the person what to do and the audit trail the store's reason", async () => {
    const refusal = await checkDeviceLogin(store(notEnrolled).enrolment, true, 'PC1', 'wrong');
    expect(refusal?.auditReason).toBe('CREDENTIAL_MISMATCH');
    expect(refusal?.error).toMatchObject({
      status: 403,
      errcode: 'M_FORBIDDEN',
      rule: 'device-enrolment',
      message: 'This computer is not enrolled with the trust. Ask trust IT to enrol this computer.',
    });
    const { auditReason: _, ...withoutReason } = notEnrolled;
    expect((await checkDeviceLogin(store(withoutReason).enrolment, true, 'PC1', 'x'))?.auditReason).toBe(
      'DEVICE_LOGIN_REFUSED',
    );
  });

  it('refuses a sign-in that names no device without asking the store', async () => {
    for (const deviceId of [undefined, '', 42, ['PC1']]) {
      const { asked, enrolment } = store({ ok: true });
      const refusal = await checkDeviceLogin(enrolment, true, deviceId, 'cred');
      expect(refusal, String(deviceId)).toMatchObject({
        auditReason: 'DEVICE_ID_MISSING',
        error: {
          status: 403,
          rule: 'device-enrolment',
          message: expect.stringContaining('this login names no device') as string,
        },
      });
      expect(asked).toEqual([]);
    }
  });

  it('answers a malformed device ID as a bad request, without the advice to enrol', async () => {
    const malformed: EnrolmentRefusal = {
      ok: false,
      code: 'INVALID_DEVICE_ID',
      message: 'A device ID is 1 to 64 letters.',
    };
    expect((await checkDeviceLogin(store(malformed).enrolment, true, 'PC/1', 'x'))?.error).toMatchObject({
      status: 400,
      errcode: 'M_INVALID_PARAM',
      rule: 'device-enrolment',
      message: 'A device ID is 1 to 64 letters.',
    });
  });

  it('checks nothing when the policy does not require enrolment', async () => {
    const { asked, enrolment } = store(notEnrolled);
    expect(await checkDeviceLogin(enrolment, false, undefined, undefined)).toBeUndefined();
    expect(asked).toEqual([]);
  });
});
