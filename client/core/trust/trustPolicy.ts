// The trust's limits as its gateway states them at GET /_bleep/policy (retention days, idle lock, notification
// content, partners, and the partners' names from the signed trust directory, to mark referral rooms). The shape is policy-module's ClientPolicyView: the core reads it, never re-declares it. An
// answer that is not that view means the address is not a Bleep gateway.
import type { ClientPolicyView } from '@bleep/policy-module';
import { UnknownServerError } from '../errors/clientErrors.ts';
import type { Platform } from '../platform.ts';
import { requestTrustJson } from './trustRequest.ts';

export type TrustPolicyView = ClientPolicyView;

/** The name a partner trust's server is known by (a referral room's other side), if the directory names it. */
export function partnerTrustName(policy: TrustPolicyView, serverName: string): string | undefined {
  return policy.partnerTrusts.find((partner) => partner.serverName === serverName)?.name;
}

/** Each partner a server name and a name to show; the names are the directory's, shown as text only. */
function arePartnerTrusts(value: unknown): value is ClientPolicyView['partnerTrusts'] {
  return (
    Array.isArray(value) &&
    value.every((partner: unknown) => {
      if (typeof partner !== 'object' || partner === null) return false;
      const { serverName, name } = partner as Partial<Record<'serverName' | 'name', unknown>>;
      return typeof serverName === 'string' && serverName !== '' && typeof name === 'string' && name !== '';
    })
  );
}

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
    arePartnerTrusts(view.partnerTrusts) &&
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
  // A plain copy of the answer, which the stores may hold as it is; each partner only the two fields it has.
  return {
    ...structuredClone(body),
    partnerTrusts: body.partnerTrusts.map(({ serverName, name }) => ({ serverName, name })),
  };
}
