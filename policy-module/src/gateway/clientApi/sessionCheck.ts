// Who is behind a request to a route that needs a session, and whether their device may hold one now: the access
// token as Synapse reads it, its owner from Synapse, and the owner's device against the enrolment list. The
// outcome is either an identity to go on with, or the error to answer with.
import type { IncomingMessage } from 'node:http';
import { MatrixError } from '../matrixError.ts';
import { enrolmentError, type DeviceEnrolment } from '../rules/deviceEnrolment.ts';
import { checkEnrolledSession, type DeviceStatusView } from '../rules/enrolledSession.ts';
import { upstreamUnavailable } from '../synapseProxy.ts';
import type { Identity, WhoAmI } from '../whoAmI.ts';
import { findAccessToken } from './accessToken.ts';

export type SessionCheck =
  | Readonly<{ outcome: 'session'; identity: Identity; token: string }>
  | Readonly<{ outcome: 'refused'; error: MatrixError; identity?: Identity }>;

/** A session held by one device, as Bleep's per-desktop routes need (the expiry report, the device signature). */
export type DeviceSessionCheck =
  | Readonly<{ outcome: 'session'; identity: Readonly<{ userId: string; deviceId: string }>; token: string }>
  | Readonly<{ outcome: 'refused'; error: MatrixError; identity?: Identity; auditReason?: string }>;

export type SessionCheckDeps = Readonly<{
  whoAmI: WhoAmI;
  devices: DeviceStatusView;
  enrolmentRequired: boolean;
}>;

export async function checkSession(request: IncomingMessage, deps: SessionCheckDeps): Promise<SessionCheck> {
  const token = findAccessToken(request);
  if (token.outcome === 'none') {
    return { outcome: 'refused', error: new MatrixError(401, 'M_MISSING_TOKEN', 'Missing access token') };
  }
  if (token.outcome === 'ambiguous') {
    return {
      outcome: 'refused',
      error: new MatrixError(401, 'M_MISSING_TOKEN', `The access token is ambiguous: ${token.reason}`),
    };
  }
  const owner = await deps.whoAmI(token.token);
  if (owner.outcome === 'unavailable') return { outcome: 'refused', error: upstreamUnavailable() };
  if (owner.outcome === 'unknown-token') {
    return {
      outcome: 'refused',
      // Synapse's own soft logout passes on: a client told the token merely expired renews it or signs in again and
      // keeps its data; one told it is unknown erases what it holds.
      error: owner.softLogout
        ? new MatrixError(401, 'M_UNKNOWN_TOKEN', 'The access token has expired', undefined, true)
        : new MatrixError(401, 'M_UNKNOWN_TOKEN', 'Unrecognised access token'),
    };
  }
  const refusal = checkEnrolledSession(owner.identity, deps.devices, deps.enrolmentRequired);
  return refusal
    ? { outcome: 'refused', error: refusal, identity: owner.identity }
    : { outcome: 'session', identity: owner.identity, token: token.token };
}

/**
 * As checkSession, and the session must be a device's (a policy that does not require enrolment lets sessions with
 * no device through): `noDevice` is the refusal for one that is not.
 */
export async function checkDeviceSession(
  request: IncomingMessage,
  deps: SessionCheckDeps,
  noDevice: () => MatrixError,
): Promise<DeviceSessionCheck> {
  const session = await checkSession(request, deps);
  if (session.outcome === 'refused') return session;
  const { identity, token } = session;
  if (identity.deviceId === null) return { outcome: 'refused', error: noDevice(), identity };
  return { outcome: 'session', identity: { userId: identity.userId, deviceId: identity.deviceId }, token };
}

/**
 * As checkDeviceSession, and the request must come from the enrolled desktop itself: it carries that device's
 * credential in x-bleep-device-credential, which a session the homeserver made on its own (a clinician's password
 * used on some other machine) does not have. For the routes through which the trust answers one desktop (its
 * device signature, the staff directory). `notEnrolled` ends the refusal's sentence: what only that desktop may do.
 */
export async function checkEnrolledDesktopSession(
  request: IncomingMessage,
  deps: SessionCheckDeps & Readonly<{ enrolment: DeviceEnrolment }>,
  noDevice: () => MatrixError,
  notEnrolled: string,
): Promise<DeviceSessionCheck> {
  const session = await checkDeviceSession(request, deps, noDevice);
  if (session.outcome === 'refused') return session;
  const credential = request.headers['x-bleep-device-credential'];
  const enrolled = await deps.enrolment.checkLogin(
    session.identity.deviceId,
    typeof credential === 'string' ? credential : undefined,
  );
  if (enrolled.ok) return session;
  return {
    outcome: 'refused',
    error: enrolmentError(enrolled, notEnrolled),
    identity: session.identity,
    auditReason: enrolled.auditReason ?? enrolled.code,
  };
}
