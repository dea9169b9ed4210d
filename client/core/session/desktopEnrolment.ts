// First run on a trust desktop: the one-time code trust IT issued is exchanged at the trust's gateway (POST
// /_bleep/enrol) for the device credential, which is kept in the SecretStore only. The code is all a person types:
// the gateway answers with the device id IT issued it for, which this desktop then signs in as. The trust's policy
// is read first, so a wrong address is told as "unknown server" before any code is sent to it.
// The subpath, not the package's index: the index also exports the gateway, whose Node-only code would break the page.
import { isDeviceId } from '@bleep/policy-module/deviceId';
import type { Platform } from '../platform.ts';
import { UnexpectedAnswerError } from '../errors/clientErrors.ts';
import { fetchTrustPolicy, type TrustPolicyView } from '../trust/trustPolicy.ts';
import { requestTrustJson } from '../trust/trustRequest.ts';
import { keepEnrolment, type DesktopEnrolment } from './sessionRecords.ts';

/** deviceId only when this desktop already knows its own (the gateway checks the code was issued for it). */
export type EnrolmentRequest = Readonly<{ serverUrl: string; code: string; deviceId?: string | undefined }>;

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
    body:
      request.deviceId === undefined
        ? { code: request.code }
        : { device_id: request.deviceId, code: request.code },
  });
  const { credential, device_id: deviceId } = answer as { credential?: unknown; device_id?: unknown };
  if (typeof credential !== 'string' || credential === '') throw new UnexpectedAnswerError(200, undefined);
  // The device id is what this desktop signs in as from now on: it must be one, and the one asked for if any.
  if (
    typeof deviceId !== 'string' ||
    !isDeviceId(deviceId) ||
    (request.deviceId !== undefined && deviceId !== request.deviceId)
  ) {
    throw new UnexpectedAnswerError(200, undefined);
  }
  const enrolment: DesktopEnrolment = {
    serverUrl,
    deviceId,
    credential,
    enrolledAt: platform.clock.now(),
  };
  await keepEnrolment(platform.secrets, enrolment);
  return { enrolment, policy };
}
