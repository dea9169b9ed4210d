// What a contender left behind, judged the same way for all three: the retention service's own proof
// (proveRetention, through the service's read-only proof role; no legal holds) at the window's cutoff, and the old
// messages still in `events` (the count a purge's throughput is measured on). "Old" is by either clock, as the
// service defines it.
import pg from 'pg';
import { proveRetention } from '../src/proof/proveRetention.ts';
import { eventTimeSql } from '../src/purge/eventTime.ts';

export type ContentLeft = Readonly<{
  /** Non-state events dated before the cutoff, whatever their content. */
  oldEvents: number;
  /** The proof's findings, summed by kind (event-content, search-row, ...). */
  rowsByKind: Readonly<Record<string, number>>;
  rowsLeft: number;
  /** Age of the oldest message content or search row held at all (new content included), in hours. */
  oldestContentHours: number | null;
  /** How long the proof took. */
  proofSeconds: number;
}>;

export type ContentCheckDatabases = Readonly<{
  /** Synapse's database as the proof's read-only role. */
  proofDatabaseUrl: string;
  /** Bleep's database as the service's role (the proof reads its to-device stream marks). */
  bleepDatabaseUrl: string;
  mediaStorePath: string;
  serverName: string;
}>;

export async function countOldEvents(proofDatabaseUrl: string, cutoff: Date): Promise<number> {
  const db = new pg.Client({ connectionString: proofDatabaseUrl });
  await db.connect();
  try {
    const { rows } = await db.query<{ count: string }>(
      `SELECT count(*) AS count FROM events e WHERE ${eventTimeSql('e')} < $1
         AND NOT EXISTS (SELECT 1 FROM state_events s WHERE s.event_id = e.event_id)`,
      [cutoff.getTime()],
    );
    return Number(rows[0]?.count ?? 0);
  } finally {
    await db.end();
  }
}

export async function contentLeft(databases: ContentCheckDatabases, cutoff: Date): Promise<ContentLeft> {
  const proofDb = new pg.Pool({ connectionString: databases.proofDatabaseUrl, max: 1 });
  const bleepDb = new pg.Pool({ connectionString: databases.bleepDatabaseUrl, max: 1 });
  try {
    const proofStarted = Date.now();
    const proof = await proveRetention(
      {
        proofDb,
        bleepDb,
        mediaStorePath: databases.mediaStorePath,
        serverName: databases.serverName,
      },
      cutoff,
    );
    const proofSeconds = (Date.now() - proofStarted) / 1000;
    const rowsByKind: Record<string, number> = {};
    for (const finding of proof.findings) {
      rowsByKind[finding.kind] = (rowsByKind[finding.kind] ?? 0) + finding.count;
    }
    const oldest = [proof.oldestHeld.event, proof.oldestHeld.search]
      .filter((date): date is Date => date !== null)
      .map((date) => date.getTime());
    return {
      oldEvents: await countOldEvents(databases.proofDatabaseUrl, cutoff),
      rowsByKind,
      rowsLeft: Object.values(rowsByKind).reduce((sum, value) => sum + value, 0),
      oldestContentHours: oldest.length === 0 ? null : (Date.now() - Math.min(...oldest)) / 3_600_000,
      proofSeconds,
    };
  } finally {
    await Promise.allSettled([proofDb.end(), bleepDb.end()]);
  }
}
