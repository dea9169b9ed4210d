// The latest expiry report of each (user, device): written by the gateway when a desktop reports, read by the
// retention service. The gateway's role may insert and update the table and read only its key columns (which
// PostgreSQL needs for the UPDATE's WHERE), never what other desktops reported.
import type { Pool } from 'pg';

export type ExpiryReport = Readonly<{
  /** The send time of the oldest message the desktop's archive holds; null when it is empty. */
  oldestTs: Date | null;
  /** When the desktop last swept its archive, by its own clock. */
  sweptAt: Date;
}>;

export interface ExpiryReportStore {
  /** Keeps the report as the latest for this user on this device; returns when the server received it. */
  record(userId: string, deviceId: string, report: ExpiryReport): Promise<Date>;
}

export type ExpiryReportStoreDeps = Readonly<{ pool: Pool; clock: () => Date }>;

const uniqueViolation = '23505';

export function createExpiryReportStore(deps: ExpiryReportStoreDeps): ExpiryReportStore {
  const { pool, clock } = deps;

  async function update(userId: string, deviceId: string, report: ExpiryReport, at: Date): Promise<boolean> {
    const updated = await pool.query(
      `UPDATE bleep_expiry_report SET oldest_ts = $3, swept_at = $4, received_at = $5
       WHERE user_id = $1 AND device_id = $2`,
      [userId, deviceId, report.oldestTs, report.sweptAt, at],
    );
    return updated.rowCount === 1;
  }

  return {
    async record(userId, deviceId, report) {
      const at = clock();
      // Not INSERT ... ON CONFLICT DO UPDATE: PostgreSQL asks for SELECT on every column that updates, and the
      // gateway's role has no business reading what other desktops reported.
      if (await update(userId, deviceId, report, at)) return at;
      try {
        await pool.query(
          `INSERT INTO bleep_expiry_report (user_id, device_id, oldest_ts, swept_at, received_at)
           VALUES ($1, $2, $3, $4, $5)`,
          [userId, deviceId, report.oldestTs, report.sweptAt, at],
        );
      } catch (error) {
        // The desktop's first two reports crossed: the other one inserted the row, so this one updates it.
        if ((error as { code?: unknown }).code !== uniqueViolation) throw error;
        await update(userId, deviceId, report, at);
      }
      return at;
    },
  };
}
