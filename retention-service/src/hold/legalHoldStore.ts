// Legal holds as Bleep's database keeps them: placed (with the rooms they cover at once), covering more rooms as
// the retention service resolves them, released once, and listed. Only this module writes the hold tables.
import { inTransaction } from '@bleep/policy-module';
import type { Pool } from 'pg';
import { heldRoomView } from '../database/legalHoldSchema.ts';
import { lockHoldGateForPlacement } from './holdGate.ts';
import { HoldError } from './legalHoldInput.ts';

export type HoldSubjectKind = 'room' | 'user';

export type LegalHold = Readonly<{
  id: number;
  kind: HoldSubjectKind;
  subject: string;
  reason: string;
  reference: string;
  placedBy: string;
  placedAt: Date;
  releasedAt: Date | null;
  releasedBy: string | null;
  releaseReason: string | null;
  /** The rooms the hold covers (for a user: every room they are or were a member of, as last resolved). */
  rooms: readonly string[];
}>;

type HoldRow = {
  id: string;
  subject_kind: HoldSubjectKind;
  subject: string;
  reason: string;
  reference: string;
  placed_by: string;
  placed_at: Date;
  released_at: Date | null;
  released_by: string | null;
  release_reason: string | null;
  rooms: string[] | null;
};

function holdOf(row: HoldRow): LegalHold {
  return {
    id: Number(row.id),
    kind: row.subject_kind,
    subject: row.subject,
    reason: row.reason,
    reference: row.reference,
    placedBy: row.placed_by,
    placedAt: row.placed_at,
    releasedAt: row.released_at,
    releasedBy: row.released_by,
    releaseReason: row.release_reason,
    rooms: row.rooms ?? [],
  };
}

const selectHolds = `
  SELECT h.*, (SELECT array_agg(r.room_id ORDER BY r.room_id) FROM bleep_legal_hold_room r WHERE r.hold_id = h.id)
    AS rooms
  FROM bleep_legal_hold h`;

export type NewHold = Readonly<{
  kind: HoldSubjectKind;
  subject: string;
  reason: string;
  reference: string;
  placedBy: string;
  placedAt: Date;
  rooms: readonly string[];
}>;

export type HoldPeriod = Readonly<{ from: Date; to: Date }>;

export type LegalHoldStore = ReturnType<typeof createLegalHoldStore>;

export function createLegalHoldStore(pool: Pool) {
  async function get(id: number): Promise<LegalHold | undefined> {
    const { rows } = await pool.query<HoldRow>(`${selectHolds} WHERE h.id = $1`, [id]);
    return rows[0] ? holdOf(rows[0]) : undefined;
  }

  return {
    get,

    /**
     * Records a hold and the rooms it covers now, in one transaction holding the legal-hold gate (holdGate.ts): it
     * waits for a purge in flight to finish, and no purge starts until it is committed. `onWait` is told first.
     */
    async place(hold: NewHold, onWait: () => void = () => undefined): Promise<LegalHold> {
      const id = await inTransaction(pool, async (client) => {
        await lockHoldGateForPlacement(client, onWait);
        let inserted;
        try {
          inserted = await client.query<{ id: string }>(
            `INSERT INTO bleep_legal_hold (subject_kind, subject, reason, reference, placed_by, placed_at)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
            [hold.kind, hold.subject, hold.reason, hold.reference, hold.placedBy, hold.placedAt],
          );
        } catch (error) {
          if ((error as { code?: unknown }).code === '23505') {
            throw new HoldError(
              'HOLD_EXISTS',
              `${hold.subject} is already held under reference "${hold.reference}"`,
            );
          }
          throw error;
        }
        const holdId = Number(inserted.rows[0]?.id);
        await client.query(
          `INSERT INTO bleep_legal_hold_room (hold_id, room_id, since)
           SELECT $1, room_id, $3 FROM unnest($2::text[]) AS room_id ON CONFLICT DO NOTHING`,
          [holdId, hold.rooms, hold.placedAt],
        );
        return holdId;
      });
      const placed = await get(id);
      if (!placed) throw new Error(`legal hold ${id} vanished after it was placed`);
      return placed;
    },

    /** Releases an active hold; a hold that does not exist or was released already is a HoldError. */
    async release(id: number, by: string, reason: string, at: Date): Promise<LegalHold> {
      const { rowCount } = await pool.query(
        `UPDATE bleep_legal_hold SET released_at = $2, released_by = $3, release_reason = $4
         WHERE id = $1 AND released_at IS NULL`,
        [id, at, by, reason],
      );
      const hold = await get(id);
      if (!hold) throw new HoldError('HOLD_NOT_FOUND', `there is no legal hold ${id}`);
      if (rowCount === 0) {
        throw new HoldError(
          'HOLD_ALREADY_RELEASED',
          `legal hold ${id} was released already, on ${hold.releasedAt?.toISOString() ?? '?'} by ${hold.releasedBy ?? '?'}`,
        );
      }
      return hold;
    },

    /** Active holds first (newest first), then released ones. */
    async list(): Promise<LegalHold[]> {
      const { rows } = await pool.query<HoldRow>(
        `${selectHolds} ORDER BY (h.released_at IS NULL) DESC, h.placed_at DESC, h.id DESC`,
      );
      return rows.map(holdOf);
    },

    async active(): Promise<LegalHold[]> {
      const { rows } = await pool.query<HoldRow>(`${selectHolds} WHERE h.released_at IS NULL ORDER BY h.id`);
      return rows.map(holdOf);
    },

    /** Holds in force at any time in the period: placed before its end, not released before its start. */
    async inPeriod(period: HoldPeriod): Promise<LegalHold[]> {
      const { rows } = await pool.query<HoldRow>(
        `${selectHolds} WHERE h.placed_at < $2 AND (h.released_at IS NULL OR h.released_at >= $1)
         ORDER BY h.placed_at, h.id`,
        [period.from, period.to],
      );
      return rows.map(holdOf);
    },

    /** Active holds by kind, and the rooms they keep (for the metrics). */
    async counts(): Promise<Readonly<{ room: number; user: number; roomsHeld: number }>> {
      const { rows } = await pool.query<{ rooms: string; users: string; held: string }>(
        `SELECT count(*) FILTER (WHERE subject_kind = 'room') AS rooms,
           count(*) FILTER (WHERE subject_kind = 'user') AS users,
           (SELECT count(*) FROM ${heldRoomView}) AS held
         FROM bleep_legal_hold WHERE released_at IS NULL`,
      );
      const row = rows[0];
      return {
        room: Number(row?.rooms ?? 0),
        user: Number(row?.users ?? 0),
        roomsHeld: Number(row?.held ?? 0),
      };
    },

    /** Adds rooms to an active hold's cover (a held user's new rooms); answers how many were new. */
    async cover(holdId: number, rooms: readonly string[], since: Date): Promise<number> {
      if (rooms.length === 0) return 0;
      const { rowCount } = await pool.query(
        `INSERT INTO bleep_legal_hold_room (hold_id, room_id, since)
         SELECT $1, room_id, $3 FROM unnest($2::text[]) AS room_id
         WHERE EXISTS (SELECT 1 FROM bleep_legal_hold WHERE id = $1 AND released_at IS NULL)
         ON CONFLICT DO NOTHING`,
        [holdId, rooms, since],
      );
      return rowCount ?? 0;
    },
  };
}
