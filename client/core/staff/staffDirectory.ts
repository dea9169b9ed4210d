// The trust's staff directory, as its gateway searches it (POST /_bleep/staff/search with this desktop's access
// token and device credential): who a clinician can start a conversation with, by name, role, department or user
// id, within their own trust. Plain data for the renderer's "New conversation"; a failure is the core's typed error
// (errors/classifyFailure.ts), as for every other request of a session.
import { UnexpectedAnswerError } from '../errors/clientErrors.ts';
import { requestTrustJson } from '../trust/trustRequest.ts';

export type StaffMember = Readonly<{
  userId: string;
  displayName: string;
  role: string;
  department: string;
}>;

export type StaffSearchOptions = Readonly<{
  /** At most this many (the gateway's default 20; it never answers more than 50). */
  limit?: number;
}>;

export interface StaffDirectory {
  /**
   * Colleagues whose name, role, department or user id holds every word of the term, in any case, by name. A term of
   * only spaces finds nobody, without asking. Throws the core's typed errors (the session ended, the desktop is no
   * longer enrolled, the server is down...).
   */
  search(term: string, options?: StaffSearchOptions): Promise<readonly StaffMember[]>;
}

/** What a search needs of the signed-in session: its fetch (which renews the token), its token and credential. */
export type StaffSearchSession = Readonly<{
  fetch: typeof globalThis.fetch;
  serverUrl: string;
  accessToken: string;
  deviceCredential: string;
}>;

const userIdPattern = /^@[^:\s]+:\S+$/;

/** The members of a well-formed answer `{"results": [...]}`, or undefined. */
export function staffMembersIn(body: unknown): StaffMember[] | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const results = (body as { results?: unknown }).results;
  if (!Array.isArray(results)) return undefined;
  const members: StaffMember[] = [];
  for (const result of results as unknown[]) {
    if (typeof result !== 'object' || result === null) return undefined;
    const { user_id, display_name, role, department } = result as Record<string, unknown>;
    if (
      typeof user_id !== 'string' ||
      !userIdPattern.test(user_id) ||
      typeof display_name !== 'string' ||
      typeof role !== 'string' ||
      typeof department !== 'string'
    ) {
      return undefined;
    }
    members.push({ userId: user_id, displayName: display_name, role, department });
  }
  return members;
}

export function createStaffDirectory(session: () => Promise<StaffSearchSession>): StaffDirectory {
  return {
    async search(term, options = {}) {
      if (term.trim() === '') return [];
      const current = await session();
      const body = await requestTrustJson(
        { fetch: current.fetch },
        {
          serverUrl: current.serverUrl,
          method: 'POST',
          path: '/_bleep/staff/search',
          purpose: 'session',
          headers: {
            authorization: `Bearer ${current.accessToken}`,
            'x-bleep-device-credential': current.deviceCredential,
          },
          body: { term, ...(options.limit === undefined ? {} : { limit: options.limit }) },
        },
      );
      const members = staffMembersIn(body);
      if (members === undefined) throw new UnexpectedAnswerError(200, undefined);
      return members;
    },
  };
}
