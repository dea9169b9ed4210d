// Reads audit rows back as the records they were hashed from, in chain order: filtered for an export, or a page
// at a time for verification, which must not hold a trust's whole trail in memory.
import type { Pool } from 'pg';
import type { AuditRecord } from './auditRecord.ts';

export type StoredAuditRow = AuditRecord & Readonly<{ prevHash: string; hash: string }>;

/** Rows at or after `from`, before `to`, by one actor; each bound optional. */
export type AuditFilter = Readonly<{ from?: Date; to?: Date; actor?: string }>;

type Row = {
  seq: string;
  at: Date;
  actor: string | null;
  device: string | null;
  action: string;
  room: string | null;
  result: string;
  detail: Record<string, string | number | boolean | null>;
  prev_hash: string;
  hash: string;
};

const columns = 'seq, at, actor, device, action, room, result, detail, prev_hash, hash';

function toStoredRow(row: Row): StoredAuditRow {
  return {
    seq: Number(row.seq),
    at: row.at.toISOString(),
    actor: row.actor,
    device: row.device,
    action: row.action,
    room: row.room,
    result: row.result,
    detail: row.detail,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

export async function readAuditRows(pool: Pool, filter: AuditFilter = {}): Promise<StoredAuditRow[]> {
  const found = await pool.query<Row>(
    `SELECT ${columns} FROM bleep_audit
     WHERE ($1::timestamptz IS NULL OR at >= $1) AND ($2::timestamptz IS NULL OR at < $2)
       AND ($3::text IS NULL OR actor = $3)
     ORDER BY seq`,
    [filter.from ?? null, filter.to ?? null, filter.actor ?? null],
  );
  return found.rows.map(toStoredRow);
}

// The chain is numbered from 1, and a seq must survive the trip through a JavaScript number.
const chainBounds = `seq BETWEEN 1 AND ${Number.MAX_SAFE_INTEGER}`;

/** Up to `limit` rows of the chain with seq greater than `afterSeq`, in seq order. */
export async function readAuditPage(pool: Pool, afterSeq: number, limit: number): Promise<StoredAuditRow[]> {
  const found = await pool.query<Row>(
    `SELECT ${columns} FROM bleep_audit WHERE seq > $1 AND ${chainBounds} ORDER BY seq LIMIT $2`,
    [afterSeq, limit],
  );
  return found.rows.map(toStoredRow);
}

/**
 * Rows numbered outside the chain, which a walk from row 1 never reads: how many there are, and the seqs (as
 * text, exactly) of the first `limit` in seq order.
 */
export async function readRowsOutsideChain(
  pool: Pool,
  limit: number,
): Promise<Readonly<{ count: number; seqs: readonly string[] }>> {
  const found = await pool.query<{ seq_text: string; count: string }>(
    `SELECT seq::text AS seq_text, count(*) OVER () AS count FROM bleep_audit WHERE NOT (${chainBounds})
     ORDER BY seq LIMIT $1`,
    [limit],
  );
  return { count: Number(found.rows[0]?.count ?? 0), seqs: found.rows.map((row) => row.seq_text) };
}
