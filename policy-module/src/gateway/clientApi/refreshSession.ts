// The session renewal (POST /refresh): a desktop swaps its refresh token for a new access token every few minutes.
// A refresh token lives for the whole session (12 hours), so it is held to what a sign-in is: the request must carry
// an enrolled, unrevoked desktop's credential, or Synapse never hears of it. Someone who copied a refresh token off a
// desktop gets nothing from a machine that is not an enrolled desktop. (Left: which desktop's credential is not
// matched against the token's device, since only Synapse knows it and asking it would use the renewed token; an
// insider with an enrolled desktop of their own and a copied token is the case this does not stop.)
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MatrixError, policyRefusal } from '../matrixError.ts';
import { readJsonBody } from '../readJsonBody.ts';
import type { DeviceEnrolment } from '../rules/deviceEnrolment.ts';
import type { SynapseProxy } from '../synapseProxy.ts';
import type { Refuse } from './clientRefusal.ts';

export type RefreshSessionDeps = Readonly<{
  enrolment: DeviceEnrolment;
  enrolmentRequired: boolean;
  proxy: SynapseProxy;
  refuse: Refuse;
  maxJsonBodyBytes: number;
}>;

export function createRefreshSession(deps: RefreshSessionDeps) {
  return async function refreshSession(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const what = 'refresh';
    let body: Awaited<ReturnType<typeof readJsonBody>>;
    try {
      body = await readJsonBody(request, deps.maxJsonBodyBytes);
    } catch (error) {
      if (error instanceof MatrixError)
        return deps.refuse(response, { what, identity: undefined, room: null }, error);
      throw error;
    }
    if (deps.enrolmentRequired) {
      const header = request.headers['x-bleep-device-credential'];
      const credential = typeof header === 'string' ? header : '';
      const device = await deps.enrolment.deviceOfCredential(credential);
      if (device === undefined) {
        return deps.refuse(
          response,
          {
            what,
            identity: undefined,
            room: null,
            auditReason: credential === '' ? 'CREDENTIAL_MISSING' : 'CREDENTIAL_UNKNOWN',
          },
          policyRefusal(
            'device-enrolment',
            'Renew the session from the enrolled Bleep desktop that holds it',
          ),
        );
      }
    }
    await deps.proxy.forward(request, response, body.raw);
  };
}
