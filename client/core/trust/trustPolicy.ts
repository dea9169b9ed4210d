// The trust's limits as its gateway states them at GET /_bleep/policy (retention days, idle lock, notification
// content, partners). The shape is policy-module's ClientPolicyView: the core reads it, never re-declares it. An
// answer that is not that view means the address is not a Bleep gateway.
import type { ClientPolicyView } from '@bleep/policy-module';
import { UnknownServerError } from '../errors/clientErrors.ts';
import type { Platform } from '../platform.ts';
import { requestTrustJson } from './trustRequest.ts';

export type TrustPolicyView = ClientPolicyView;

/** True for the view's version 1, checked on the fields the core acts on; anything else is not a Bleep gateway. */
function isClientPolicyView(value: unknown): value is ClientPolicyView {
  if (typeof value !== 'object' || value === null) return false;
  const view = value as Partial<Record<keyof ClientPolicyView, unknown>>;
  const retention = view.retention as
    Partial<Record<keyof ClientPolicyView['retention'], unknown>> | undefined;
  return (
    view.version === 1 &&
    view.keyBackupAllowed === false &&
    typeof view.idleLockMinutes === 'number' &&
    typeof view.maxUploadBytes === 'number' &&
    typeof view.notificationContent === 'string' &&
    Array.isArray(view.partners) &&
    typeof retention?.clientDays === 'number' &&
    typeof retention.serverHours === 'number'
  );
}

export async function fetchTrustPolicy(
  platform: Pick<Platform, 'fetch'>,
  serverUrl: string,
): Promise<TrustPolicyView> {
  const body = await requestTrustJson(platform, {
    serverUrl,
    method: 'GET',
    path: '/_bleep/policy',
    purpose: 'policy',
  });
  if (!isClientPolicyView(body)) throw new UnknownServerError(serverUrl, 'not-a-bleep-server');
  // A plain copy of the answer, which the stores may hold as it is.
  return structuredClone(body);
}
