import { describe, expect, it } from 'vitest';
import { EnrolmentRefusedError, UnexpectedAnswerError } from '../errors/clientErrors.ts';
import {
  answeringFetch,
  createTestPlatform,
  jsonResponse,
  type RecordedRequest,
} from '../platform.testkit.ts';
import { enrolThisDesktop } from './desktopEnrolment.ts';
import { readEnrolment } from './sessionRecords.ts';

const serverUrl = 'https://bleep.trust-a.example';
const policyView = {
  version: 1,
  trust: { name: 'Trust A', odsCode: 'RAA', serverName: 'trust-a.example' },
  partners: [],
  partnerTrusts: [],
  retention: { clientDays: 90, serverHours: 72 },
  idleLockMinutes: 5,
  encryptionRequired: true,
  plaintextEventTypes: [],
  maxUploadBytes: 10_485_760,
  notificationContent: 'none',
  keyBackupAllowed: false,
};

/** A gateway that serves its policy and answers the enrolment with `enrolAnswer`. */
function gateway(enrolAnswer: (request: RecordedRequest) => Response) {
  const answering = answeringFetch((request) =>
    request.url.pathname === '/_bleep/policy' ? jsonResponse(200, policyView) : enrolAnswer(request),
  );
  const test = createTestPlatform({ fetch: answering.fetch });
  return { ...test, requests: answering.requests };
}

describe("enrolling this desktop with trust IT's one-time code", () => {
  it('sends the code alone and keeps the device id the gateway answers with, and the credential', async () => {
    const { platform, secrets, requests } = gateway(() =>
      jsonResponse(200, { device_id: 'WARD12-PC03', credential: 'the-credential' }),
    );
    const { enrolment } = await enrolThisDesktop(platform, { serverUrl, code: '7K3M-Q9XA-B2CD-EFGH' });
    expect(requests.at(-1)).toMatchObject({
      method: 'POST',
      body: { code: '7K3M-Q9XA-B2CD-EFGH' },
    });
    expect(requests.at(-1)?.url.pathname).toBe('/_bleep/enrol');
    expect(enrolment).toMatchObject({ serverUrl, deviceId: 'WARD12-PC03', credential: 'the-credential' });
    expect(await readEnrolment(secrets)).toMatchObject({
      deviceId: 'WARD12-PC03',
      credential: 'the-credential',
    });
  });

  it('names the device when the desktop knows it, and refuses an answer for another device', async () => {
    const named = gateway(() => jsonResponse(200, { device_id: 'WARD12-PC03', credential: 'c' }));
    await enrolThisDesktop(named.platform, { serverUrl, deviceId: 'WARD12-PC03', code: 'x' });
    expect(named.requests.at(-1)?.body).toEqual({ device_id: 'WARD12-PC03', code: 'x' });

    const other = gateway(() => jsonResponse(200, { device_id: 'THEATRE-PC2', credential: 'c' }));
    await expect(
      enrolThisDesktop(other.platform, { serverUrl, deviceId: 'WARD12-PC03', code: 'x' }),
    ).rejects.toBeInstanceOf(UnexpectedAnswerError);
    expect(await readEnrolment(other.secrets)).toBeUndefined();
  });

  it('keeps nothing when the answer names no device, or something that cannot be one', async () => {
    for (const deviceId of [undefined, '', '../admin', 42]) {
      const { platform, secrets } = gateway(() =>
        jsonResponse(200, { device_id: deviceId, credential: 'the-credential' }),
      );
      await expect(enrolThisDesktop(platform, { serverUrl, code: 'x' })).rejects.toBeInstanceOf(
        UnexpectedAnswerError,
      );
      expect(await readEnrolment(secrets)).toBeUndefined();
    }
  });

  it('tells a refused code as the enrolment refusal', async () => {
    const { platform } = gateway(() =>
      jsonResponse(403, {
        errcode: 'M_FORBIDDEN',
        error: 'This enrolment code is not valid, or has already been used.',
        'uk.nhs.bleep.rule': 'device-enrolment',
      }),
    );
    await expect(enrolThisDesktop(platform, { serverUrl, code: 'x' })).rejects.toBeInstanceOf(
      EnrolmentRefusedError,
    );
  });
});
