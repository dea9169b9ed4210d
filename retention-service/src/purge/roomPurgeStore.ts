// The record of purge-room in Bleep's database: each purge of one room an officer asked for, with who, why, the
// incident's reference and what it removed. Insert-only for the service's role; the report reads it by period.
import type { Pool } from 'pg';

export type RoomPurgeCounts = Readonly<{
  eventsPurged: number;
  redactionsSent: number;
  searchRows: number;
  media: number;
  /** Old events of the room still holding content after the purge (waiting for a partner or Synapse's censor). */
  eventsLeft: number;
  searchRowsLeft: number;
}>;

export type RoomPurgeRecord = Readonly<{
  id: number;
  roomId: string;
  at: Date;
  by: string;
  reason: string;
  reference: string;
  cutoff: Date;
  outcome: string;
  counts: RoomPurgeCounts;
}>;

type Row = {
  id: string;
  room_id: string;
  at: Date;
  purged_by: string;
  reason: string;
  reference: string;
  cutoff: Date;
  outcome: string;
  counts: RoomPurgeCounts;
};

function recordOf(row: Row): RoomPurgeRecord {
  return {
    id: Number(row.id),
    roomId: row.room_id,
    at: row.at,
    by: row.purged_by,
    reason: row.reason,
    reference: row.reference,
    cutoff: row.cutoff,
    outcome: row.outcome,
    counts: row.counts,
  };
}

export async function recordRoomPurge(pool: Pool, record: Omit<RoomPurgeRecord, 'id'>): Promise<number> {
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO bleep_room_purge (room_id, at, purged_by, reason, reference, cutoff, outcome, counts)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
    [
      record.roomId,
      record.at,
      record.by,
      record.reason,
      record.reference,
      record.cutoff,
      record.outcome,
      JSON.stringify(record.counts),
    ],
  );
  return Number(rows[0]?.id);
}

export async function roomPurgesIn(
  pool: Pool,
  period: Readonly<{ from: Date; to: Date }>,
): Promise<RoomPurgeRecord[]> {
  const { rows } = await pool.query<Row>(
    'SELECT * FROM bleep_room_purge WHERE at >= $1 AND at < $2 ORDER BY at, id',
    [period.from, period.to],
  );
  return rows.map(recordOf);
}
