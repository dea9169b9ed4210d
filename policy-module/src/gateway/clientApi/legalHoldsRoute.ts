// GET /_bleep/legal-holds: an enrolled desktop, with its own access token, asks which of its rooms are under legal
// hold, so that it keeps their messages past the policy's clientDays until the hold is released (the Records
// Management Code: deletion pauses for an inquiry, a legal claim or an open subject access request). The answer is
// `{ "rooms": [...] }`: the held rooms among those the caller is joined to now, as Synapse says with the caller's own
// token. A hold on a room the caller is not in is never mentioned, nor which hold it is, nor that a user is held
// (a held user's rooms are listed as held rooms, like any other).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { TrustPolicy } from '../../policy/trustPolicy.ts';
import type { GatewayMetrics } from '../gatewayMetrics.ts';
import type { HeldRoomsView } from '../heldRoomsView.ts';
import type { JoinedRooms } from '../joinedRooms.ts';
import { MatrixError, sendMatrixError } from '../matrixError.ts';
import type { DeviceStatusView } from '../rules/enrolledSession.ts';
import { upstreamUnavailable } from '../synapseProxy.ts';
import type { WhoAmI } from '../whoAmI.ts';
import type { Refuse } from './clientRefusal.ts';
import { checkSession } from './sessionCheck.ts';

export type LegalHoldLookup = Readonly<{ joinedRooms: JoinedRooms; heldRooms: HeldRoomsView }>;

export type LegalHoldsRouteDeps = Readonly<{
  policy: TrustPolicy;
  whoAmI: WhoAmI;
  devices: DeviceStatusView;
  legalHolds: LegalHoldLookup;
  refuse: Refuse;
  metrics: GatewayMetrics;
  log: Logger;
}>;

function holdsUnavailable(): MatrixError {
  return new MatrixError(
    503,
    'M_UNKNOWN',
    'Legal holds cannot be read just now: keep every message for now and ask again later',
  );
}

export function createLegalHoldsRoute(deps: LegalHoldsRouteDeps) {
  const what = 'legalHolds';

  return async function legalHolds(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const session = await checkSession(request, {
      whoAmI: deps.whoAmI,
      devices: deps.devices,
      enrolmentRequired: deps.policy.devices.enrolmentRequired,
    });
    if (session.outcome === 'refused') {
      await deps.refuse(response, { what, identity: session.identity, room: null }, session.error);
      return;
    }
    const joined = await deps.legalHolds.joinedRooms(session.token);
    if (joined.outcome === 'unknown-token') {
      await deps.refuse(
        response,
        { what, identity: session.identity, room: null },
        new MatrixError(401, 'M_UNKNOWN_TOKEN', 'Unrecognised access token'),
      );
      return;
    }
    if (joined.outcome === 'unavailable') {
      deps.metrics.upstreamFailures.inc({ api: 'client' });
      deps.log.warn({ what, reason: joined.reason }, 'joined rooms unavailable');
      sendMatrixError(response, upstreamUnavailable());
      return;
    }
    let rooms: string[];
    try {
      rooms = await deps.legalHolds.heldRooms(joined.roomIds);
    } catch (error) {
      // Bleep's database is down, or the retention service's migration has not made the view (42P01): the
      // client is told to keep everything for now, which is always safe, and the gateway says why in its log.
      deps.metrics.gatewayErrors.inc({ api: 'client' });
      deps.log.error({ what, code: (error as { code?: unknown }).code }, 'legal holds unreadable');
      sendMatrixError(response, holdsUnavailable());
      return;
    }
    const body = JSON.stringify({ rooms });
    response.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      // Which rooms are held is for this session alone: no shared cache may keep it.
      'cache-control': 'no-store',
    });
    response.end(body);
  };
}
