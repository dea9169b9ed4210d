// The trust's staff directory (bleep_staff_member): trust IT sets, removes and lists entries; a clinician's
// search finds colleagues by name, role, department or user id, never anyone of another trust.
import type { Pool } from 'pg';
import { inTransaction } from '../database/inTransaction.ts';
import { checkStaffMember, searchForm, type StaffMember, type StaffMemberProblem } from './staffMember.ts';

export type StaffSearch = Readonly<{
  /** Words that must each appear in the name, role, department or user id, in any case. */
  term: string;
  limit: number;
  /** Only clinicians whose user id is on this server: the searching clinician's own trust. */
  serverName: string;
}>;

/** At most this many results whatever a search asks for, and at most this many words in its term. */
export const maxStaffResults = 50;
export const maxSearchWords = 8;

export type StaffSetResult =
  Readonly<{ ok: true; created: boolean }> | Readonly<{ ok: false; problem: StaffMemberProblem }>;

export interface StaffDirectoryStore {
  /** Adds or replaces a clinician's entry. */
  set(member: StaffMember, updatedBy: string): Promise<StaffSetResult>;
  /** Adds or replaces every entry in one transaction: all or, at the first problem, none. */
  setAll(
    members: readonly StaffMember[],
    updatedBy: string,
  ): Promise<
    | Readonly<{ ok: true; count: number }>
    | Readonly<{ ok: false; index: number; problem: StaffMemberProblem }>
  >;
  /** Removes a clinician's entry; false when there was none. */
  remove(userId: string): Promise<boolean>;
  list(): Promise<StaffMember[]>;
  search(search: StaffSearch): Promise<StaffMember[]>;
}

type StaffRow = { user_id: string; display_name: string; role: string; department: string };

function memberOf(row: StaffRow): StaffMember {
  return { userId: row.user_id, displayName: row.display_name, role: row.role, department: row.department };
}

const upsertSql = `
  INSERT INTO bleep_staff_member (user_id, display_name, role, department, search_text, updated_at, updated_by)
  VALUES ($1, $2, $3, $4, $5, $6, $7)
  ON CONFLICT (user_id) DO UPDATE SET
    display_name = EXCLUDED.display_name,
    role = EXCLUDED.role,
    department = EXCLUDED.department,
    search_text = EXCLUDED.search_text,
    updated_at = EXCLUDED.updated_at,
    updated_by = EXCLUDED.updated_by
  RETURNING (xmax = 0) AS created`;

function upsertValues(member: StaffMember, updatedBy: string, now: Date): unknown[] {
  const searchText = searchForm(
    [member.displayName, member.role, member.department, member.userId].join('\n'),
  );
  return [member.userId, member.displayName, member.role, member.department, searchText, now, updatedBy];
}

export function createStaffDirectoryStore(
  deps: Readonly<{ pool: Pool; clock: () => Date }>,
): StaffDirectoryStore {
  const { pool, clock } = deps;

  return {
    async set(member, updatedBy) {
      const checked = checkStaffMember(member);
      if (!checked.ok) return checked;
      const result = await pool.query<{ created: boolean }>(
        upsertSql,
        upsertValues(checked.member, updatedBy, clock()),
      );
      return { ok: true, created: result.rows[0]?.created ?? false };
    },

    async setAll(members, updatedBy) {
      const checked: StaffMember[] = [];
      for (const [index, member] of members.entries()) {
        const result = checkStaffMember(member);
        if (!result.ok) return { ok: false, index, problem: result.problem };
        checked.push(result.member);
      }
      const now = clock();
      await inTransaction(pool, async (client) => {
        for (const member of checked) await client.query(upsertSql, upsertValues(member, updatedBy, now));
      });
      return { ok: true, count: checked.length };
    },

    async remove(userId) {
      const result = await pool.query('DELETE FROM bleep_staff_member WHERE user_id = $1', [userId]);
      return result.rowCount !== 0;
    },

    async list() {
      const found = await pool.query<StaffRow>(
        'SELECT user_id, display_name, role, department FROM bleep_staff_member ORDER BY user_id',
      );
      return found.rows.map(memberOf);
    },

    async search({ term, limit, serverName }) {
      const words = searchForm(term)
        .split(/\s+/u)
        .filter((word) => word !== '');
      if (words.length === 0 || words.length > maxSearchWords) return [];
      const bounded = Math.max(1, Math.min(maxStaffResults, Math.trunc(limit)));
      // strpos, not LIKE: a word holding % or _ is matched as typed, never as a pattern.
      const wordTests = words.map((_, index) => `AND strpos(search_text, $${index + 3}) > 0`).join(' ');
      const found = await pool.query<StaffRow>(
        `SELECT user_id, display_name, role, department FROM bleep_staff_member
         WHERE right(user_id, length($1) + 1) = ':' || $1 ${wordTests}
         ORDER BY display_name, user_id
         LIMIT $2`,
        [serverName, Number.isFinite(bounded) ? bounded : 1, ...words],
      );
      return found.rows.map(memberOf);
    },
  };
}
