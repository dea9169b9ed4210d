// Where Synapse's to-device stream stood, when. device_inbox rows (undelivered device-to-device messages, which
// carry room keys) have no timestamp, only a stream position; the service records the position with the time at
// every run and every RETENTION_STREAM_MARK_SECONDS, so "older than the window" becomes "at or below the position
// recorded at the last mark before the cutoff". A message is thus dropped at most one mark interval late.
import type { Pool } from 'pg';
import type { Queryable } from './roomPlan.ts';

export const toDeviceStream = 'to_device';

export type StreamMark = Readonly<{ at: Date; position: number }>;

/** Reads the to-device stream's position in Synapse (the sequence both device_inbox and the outbox draw from). */
export async function currentToDevicePosition(synapseDb: Queryable): Promise<number> {
  const { rows } = await synapseDb.query<{ last_value: string }>(
    'SELECT last_value FROM device_inbox_sequence',
  );
  return Number(rows[0]?.last_value ?? 0);
}

export async function recordStreamMark(bleepDb: Pool, mark: StreamMark): Promise<void> {
  await bleepDb.query(
    `INSERT INTO bleep_retention_stream_mark (stream, at, position) VALUES ($1, $2, $3)
     ON CONFLICT (stream, at) DO NOTHING`,
    [toDeviceStream, mark.at, mark.position],
  );
}

/** The newest mark at or before `time`: positions at or below it were allocated before `time`. */
export async function markAtOrBefore(bleepDb: Pool, time: Date): Promise<StreamMark | undefined> {
  const { rows } = await bleepDb.query<{ at: Date; position: string }>(
    `SELECT at, position FROM bleep_retention_stream_mark WHERE stream = $1 AND at <= $2
     ORDER BY at DESC LIMIT 1`,
    [toDeviceStream, time],
  );
  const row = rows[0];
  return row ? { at: row.at, position: Number(row.position) } : undefined;
}

/** Drops marks no run will need again: older than `before`, except the newest of those. */
export async function pruneStreamMarks(bleepDb: Pool, before: Date): Promise<void> {
  await bleepDb.query(
    `DELETE FROM bleep_retention_stream_mark WHERE stream = $1 AND at < (
       SELECT max(at) FROM bleep_retention_stream_mark WHERE stream = $1 AND at <= $2)`,
    [toDeviceStream, before],
  );
}
