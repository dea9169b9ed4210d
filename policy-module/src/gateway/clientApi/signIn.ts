// The sign-in flow (POST /login): only an enrolled desktop, presenting its device credential, may sign in; the
// gateway asks Synapse only after that check, reads Synapse's answer to record who signed in where, and checks the
// device once more afterwards, so that a sign-in still in flight while trust IT revoked the desktop does not leave
// a working token behind. Every sign-in, refused or not, goes to the audit trail.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { AuditSink } from '../../audit/auditEntry.ts';
import { MatrixError } from '../matrixError.ts';
import { readJsonBody } from '../readJsonBody.ts';
import { checkDeviceLogin, type DeviceEnrolment } from '../rules/deviceEnrolment.ts';
import { checkEnrolledSession, type DeviceStatusView } from '../rules/enrolledSession.ts';
import { isRecord } from '../rules/rule.ts';
import type { SynapseProxy } from '../synapseProxy.ts';
import type { Refuse } from './clientRefusal.ts';

export type SignInDeps = Readonly<{
  enrolment: DeviceEnrolment;
  devices: DeviceStatusView;
  enrolmentRequired: boolean;
  proxy: SynapseProxy;
  /** Signs a token out at Synapse (POST /logout with it). */
  discardToken: (accessToken: string) => Promise<void>;
  audit: AuditSink;
  refuse: Refuse;
  maxJsonBodyBytes: number;
  /** Runs the policy rules on the sign-in body (an NHS number in a device name is refused like anywhere else). */
  checkBody: (body: unknown) => MatrixError | undefined;
  log: Logger;
}>;

/** The device id a sign-in names, for the audit trail (capped: it is the client's own text). */
function namedDevice(body: unknown): string | null {
  if (!isRecord(body) || typeof body.device_id !== 'string') return null;
  return body.device_id.slice(0, 128);
}

export function createSignIn(deps: SignInDeps) {
  return async function signIn(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const refused = (error: MatrixError, device: string | null, auditReason?: string) =>
      deps.refuse(response, { what: 'login', identity: undefined, device, room: null, auditReason }, error);
    let body: Awaited<ReturnType<typeof readJsonBody>>;
    try {
      body = await readJsonBody(request, deps.maxJsonBodyBytes);
    } catch (error) {
      // A sign-in with an unreadable body is a refused sign-in like any other, and audited as one.
      if (error instanceof MatrixError) return refused(error, null);
      throw error;
    }
    const deviceId = namedDevice(body.value);
    const credential = request.headers['x-bleep-device-credential'];
    const bodyRefusal = deps.checkBody(body.value);
    if (bodyRefusal) return refused(bodyRefusal, deviceId);
    const refusal = await checkDeviceLogin(
      deps.enrolment,
      deps.enrolmentRequired,
      isRecord(body.value) ? body.value.device_id : undefined,
      typeof credential === 'string' ? credential : undefined,
    );
    if (refusal) return refused(refusal.error, deviceId, refusal.auditReason);

    const answer = await deps.proxy.exchange(request, body.raw);
    if (answer.statusCode !== 200) {
      await deps.audit.record({
        actor: null,
        device: deviceId,
        action: 'login',
        room: null,
        result: `homeserver refused (${answer.statusCode})`,
      });
      response.writeHead(answer.statusCode, answer.headers);
      response.end(answer.body);
      return;
    }
    const signedIn = JSON.parse(answer.body.toString('utf8')) as {
      user_id?: unknown;
      access_token?: unknown;
    };
    const userId = typeof signedIn.user_id === 'string' ? signedIn.user_id : null;
    // The revocation may have committed while Synapse was signing in: look again, and if so take the token back.
    const late =
      userId === null || deviceId === null
        ? undefined
        : checkEnrolledSession({ userId, deviceId }, deps.devices, deps.enrolmentRequired);
    if (late) {
      if (typeof signedIn.access_token === 'string') await deps.discardToken(signedIn.access_token);
      return deps.refuse(
        response,
        { what: 'login', identity: { userId: userId ?? '', deviceId }, room: null },
        late,
      );
    }
    if (userId && deviceId) await deps.enrolment.recordLogin(deviceId, userId);
    await deps.audit.record({ actor: userId, device: deviceId, action: 'login', room: null, result: 'ok' });
    response.writeHead(answer.statusCode, answer.headers);
    response.end(answer.body);
  };
}
