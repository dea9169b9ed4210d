// First run on a trust desktop: the one-time code trust IT issued for this device id is exchanged at the trust's
// gateway (POST /_bleep/enrol) for the device credential, which is kept in the SecretStore only. The trust's
// policy is read first, so a wrong address is told as "unknown server" before any code is sent to it.
import type { Platform } from '../platform.ts';
import { UnexpectedAnswerError } from '../errors/clientErrors.ts';
import { fetchTrustPolicy, type TrustPolicyView } from '../trust/trustPolicy.ts';
import { requestTrustJson } from '../trust/trustRequest.ts';
import { keepEnrolment, type DesktopEnrolment } from './sessionRecords.ts';

export type EnrolmentRequest = Readonly<{ serverUrl: string; deviceId: string; code: string }>;

export async function enrolThisDesktop(
  platform: Platform,
  request: EnrolmentRequest,
): Promise<Readonly<{ enrolment: DesktopEnrolment; policy: TrustPolicyView }>> {
  const serverUrl = new URL(request.serverUrl).origin;
  const policy = await fetchTrustPolicy(platform, serverUrl);
  const answer = await requestTrustJson(platform, {
    serverUrl,
    method: 'POST',
    path: '/_bleep/enrol',
    purpose: 'enrol',
    body: { device_id: request.deviceId, code: request.code },
  });
  const credential = (answer as { credential?: unknown }).credential;
  if (typeof credential !== 'string' || credential === '') throw new UnexpectedAnswerError(200, undefined);
  const enrolment: DesktopEnrolment = {
    serverUrl,
    deviceId: request.deviceId,
    credential,
    enrolledAt: platform.clock.now(),
  };
  await keepEnrolment(platform.secrets, enrolment);
  return { enrolment, policy };
}
