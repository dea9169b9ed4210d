// POST /_bleep/device-signature: an enrolled desktop, signed in, asks the trust to vouch for it. The trust signs
// the desktop's device keys with its clinician's self-signing key (identity/deviceSigning.ts), making the
// clinician's identity first if they have none, so that other clinicians' clients (which share room keys only
// with devices their owner signed) send this desktop room keys from its first sign-in. Only the desktop itself may
// ask: its access token's device must be enrolled and the request must carry that device's credential, which a
// device the homeserver made on its own (with a clinician's password, say) does not have. The clinician's password is
// in the body only after trust IT reset their identity (Synapse replaces one only with it); it goes to Synapse's
// interactive auth and nowhere else (never logged or audited).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { AuditSink } from '../../audit/auditEntry.ts';
import { signEnrolledDevice, deviceSigningRule } from '../../identity/deviceSigning.ts';
import type { IdentityStore } from '../../identity/identityStore.ts';
import { SynapseKeysError, type SynapseKeys } from '../../identity/synapseKeys.ts';
import type { TrustPolicy } from '../../policy/trustPolicy.ts';
import { MatrixError, policyRefusal } from '../matrixError.ts';
import { readJsonBody } from '../readJsonBody.ts';
import type { DeviceEnrolment } from '../rules/deviceEnrolment.ts';
import type { DeviceStatusView } from '../rules/enrolledSession.ts';
import { upstreamUnavailable } from '../synapseProxy.ts';
import type { WhoAmI } from '../whoAmI.ts';
import type { Refuse } from './clientRefusal.ts';
import { checkEnrolledDesktopSession } from './sessionCheck.ts';

export type DeviceSignatureRouteDeps = Readonly<{
  policy: TrustPolicy;
  whoAmI: WhoAmI;
  devices: DeviceStatusView;
  enrolment: DeviceEnrolment;
  identities: IdentityStore;
  synapseKeys: SynapseKeys;
  audit: AuditSink;
  refuse: Refuse;
  log: Logger;
}>;

/** One Ed25519 key: 32 bytes as unpadded base64. */
const ed25519KeyPattern = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]$/;
const maxRequestBytes = 1024;

export function createDeviceSignatureRoute(deps: DeviceSignatureRouteDeps) {
  const what = 'deviceSignature';

  return async function deviceSignature(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const session = await checkEnrolledDesktopSession(
      request,
      // Always: a signature is the trust vouching for one enrolled desktop, whatever the policy lets sign in.
      { whoAmI: deps.whoAmI, devices: deps.devices, enrolmentRequired: true, enrolment: deps.enrolment },
      () =>
        policyRefusal(deviceSigningRule, 'This session has no device to sign: sign in from a Bleep desktop'),
      ' Only the enrolled desktop itself can ask the trust to vouch for it.',
    );
    if (session.outcome === 'refused') {
      const { identity, auditReason } = session;
      await deps.refuse(
        response,
        { what, identity, room: null, ...(auditReason ? { auditReason } : {}) },
        session.error,
      );
      return;
    }
    const { identity, token } = session;
    let claimed: unknown;
    try {
      claimed = (await readJsonBody(request, maxRequestBytes)).value;
    } catch (error) {
      if (!(error instanceof MatrixError)) throw error;
      await deps.refuse(response, { what, identity, room: null }, error);
      return;
    }
    const { ed25519, password } = (claimed ?? {}) as { ed25519?: unknown; password?: unknown };
    if (
      typeof ed25519 !== 'string' ||
      !ed25519KeyPattern.test(ed25519) ||
      (password !== undefined && typeof password !== 'string')
    ) {
      await deps.refuse(
        response,
        { what, identity, room: null },
        new MatrixError(
          400,
          'M_BAD_JSON',
          'Expected {"ed25519": "<this desktop\'s Ed25519 device key>"}, with "password" only when asked for it',
        ),
      );
      return;
    }
    let outcome: Awaited<ReturnType<typeof signEnrolledDevice>>;
    try {
      outcome = await signEnrolledDevice(
        {
          accessToken: token,
          userId: identity.userId,
          deviceId: identity.deviceId,
          claimedEd25519: ed25519,
          ...(password === undefined ? {} : { password }),
        },
        deps,
      );
    } catch (error) {
      if (!(error instanceof SynapseKeysError)) throw error;
      deps.log.warn({ err: { message: error.message } }, 'device signature: Synapse failed');
      await deps.refuse(response, { what, identity, room: null }, upstreamUnavailable());
      return;
    }
    if (outcome.outcome === 'refused') {
      await deps.refuse(response, { what, identity, room: null, auditReason: outcome.reason }, outcome.error);
      return;
    }
    if (outcome.outcome === 'signed') {
      await deps.audit.record({
        actor: identity.userId,
        device: identity.deviceId,
        action: 'identity.device-signed',
        room: null,
        result: 'ok',
        detail: { identityPublished: outcome.published, masterKey: outcome.masterKey },
      });
    }
    const answer = JSON.stringify({ master_key: outcome.masterKey, outcome: outcome.outcome });
    response.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(answer),
    });
    response.end(answer);
  };
}
