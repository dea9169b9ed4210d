// POST /_bleep/staff/search: a clinician on an enrolled desktop finds colleagues to start a conversation with, by
// name, role, department or user id, in the trust's staff directory (kept by trust IT: bleep-policy staff ...).
// Asked `{"term": "...", "limit": 20}`, answered `{"results": [{"user_id", "display_name", "role", "department"}]}`.
// Only the desktop itself may ask, as for the device signature: its session's device must be enrolled and the
// request must carry that device's credential (a session made with a password alone on some other machine has none).
// Only the caller's own trust's staff are ever answered. The term is never logged or audited: what a clinician looks
// for is theirs.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { TrustPolicy } from '../../policy/trustPolicy.ts';
import {
  maxSearchWords,
  maxStaffResults,
  type StaffSearch,
} from '../../staffDirectory/staffDirectoryStore.ts';
import { serverNameOf, type StaffMember } from '../../staffDirectory/staffMember.ts';
import type { GatewayMetrics } from '../gatewayMetrics.ts';
import { MatrixError, policyRefusal, sendMatrixError } from '../matrixError.ts';
import { readJsonBody } from '../readJsonBody.ts';
import type { DeviceEnrolment } from '../rules/deviceEnrolment.ts';
import type { DeviceStatusView } from '../rules/enrolledSession.ts';
import type { WhoAmI } from '../whoAmI.ts';
import type { Refuse } from './clientRefusal.ts';
import { checkEnrolledDesktopSession } from './sessionCheck.ts';

/** What the route needs of the staff directory. */
export interface StaffLookup {
  search(search: StaffSearch): Promise<StaffMember[]>;
}

export type StaffSearchRouteDeps = Readonly<{
  policy: TrustPolicy;
  whoAmI: WhoAmI;
  devices: DeviceStatusView;
  enrolment: DeviceEnrolment;
  staff: StaffLookup;
  refuse: Refuse;
  metrics: GatewayMetrics;
  log: Logger;
}>;

export const staffDirectoryRule = 'staff-directory';
export const defaultStaffResults = 20;
const maxTermLength = 100;
const maxRequestBytes = 1024;
// eslint-disable-next-line no-control-regex -- the point is to find control characters
const controlCharacters = /[\u0000-\u001f\u007f]/;

/** The search asked for, or undefined when the body is not `{"term": <text>, "limit"?: <whole number>}`. */
function searchOf(value: unknown): Readonly<{ term: string; limit: number }> | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const { term, limit, ...rest } = value as Record<string, unknown>;
  if (Object.keys(rest).length > 0) return undefined;
  if (typeof term !== 'string' || term.length > maxTermLength || controlCharacters.test(term))
    return undefined;
  if (!term.isWellFormed() || term.trim() === '' || term.trim().split(/\s+/u).length > maxSearchWords) {
    return undefined;
  }
  if (limit !== undefined && !(Number.isInteger(limit) && (limit as number) >= 1)) return undefined;
  return { term, limit: Math.min((limit as number | undefined) ?? defaultStaffResults, maxStaffResults) };
}

export function createStaffSearchRoute(deps: StaffSearchRouteDeps) {
  const what = 'staffSearch';
  const serverName = deps.policy.trust.serverName;

  return async function staffSearch(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const session = await checkEnrolledDesktopSession(
      request,
      // Always: the directory is for the trust's own desktops, whatever the policy lets sign in.
      { whoAmI: deps.whoAmI, devices: deps.devices, enrolmentRequired: true, enrolment: deps.enrolment },
      () => policyRefusal(staffDirectoryRule, 'Search the staff directory from an enrolled Bleep desktop'),
      ' Only an enrolled Bleep desktop can search the staff directory.',
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
    const { identity } = session;
    // The homeserver only has its own users' sessions; checked anyway, as the answer is this trust's staff.
    if (serverNameOf(identity.userId) !== serverName) {
      await deps.refuse(
        response,
        { what, identity, room: null },
        policyRefusal(staffDirectoryRule, "Only the trust's own clinicians may search its staff directory"),
      );
      return;
    }
    let body: unknown;
    try {
      body = (await readJsonBody(request, maxRequestBytes)).value;
    } catch (error) {
      if (!(error instanceof MatrixError)) throw error;
      await deps.refuse(response, { what, identity, room: null }, error);
      return;
    }
    const search = searchOf(body);
    if (!search) {
      await deps.refuse(
        response,
        { what, identity, room: null },
        new MatrixError(
          400,
          'M_INVALID_PARAM',
          `Expected {"term": "<1 to ${String(maxTermLength)} characters>", "limit": <1 to ${String(maxStaffResults)}>}`,
          staffDirectoryRule,
        ),
      );
      return;
    }
    let found: StaffMember[];
    try {
      found = await deps.staff.search({ ...search, serverName });
    } catch (error) {
      // Bleep's database is down: said in the log by its code only, never with the term.
      deps.metrics.gatewayErrors.inc({ api: 'client' });
      deps.log.error({ what, code: (error as { code?: unknown }).code }, 'staff directory unreadable');
      sendMatrixError(
        response,
        new MatrixError(503, 'M_UNKNOWN', 'The staff directory cannot be read just now: try again shortly'),
      );
      return;
    }
    const answer = JSON.stringify({
      results: found.map((member) => ({
        user_id: member.userId,
        display_name: member.displayName,
        role: member.role,
        department: member.department,
      })),
    });
    response.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(answer),
      'cache-control': 'no-store',
    });
    response.end(answer);
  };
}
