// Synapse's background processors (room statistics, the user directory, the application service and federation
// senders) follow the events stream from positions kept in the database. Events written in SQL are behind all of
// them, so after a seed Synapse is started once and left to catch up before the snapshot: otherwise every contender
// would purge while Synapse worked through the backlog, which no real server that had received this history does.
import pg from 'pg';

const positions = `
  SELECT (SELECT max(stream_ordering) FROM events) AS head,
    LEAST(
      (SELECT min(stream_id) FROM stats_incremental_position),
      (SELECT min(stream_id) FROM user_directory_stream_pos),
      (SELECT min(stream_ordering) FROM appservice_stream_position),
      (SELECT min(stream_id) FROM federation_stream_position WHERE type = 'events')
    ) AS slowest`;

/**
 * Waits until every processor has reached the head of the events stream; answers how long it took, in seconds. The
 * senders move only when a new event wakes them, so `poke` sends one each round.
 */
export async function waitForCatchUp(
  databaseUrl: string,
  timeoutMs: number,
  poke: () => Promise<void>,
): Promise<number> {
  const started = Date.now();
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    for (;;) {
      const { rows } = await db.query<{ head: string; slowest: string }>(positions);
      const head = Number(rows[0]?.head ?? 0);
      const slowest = Number(rows[0]?.slowest ?? 0);
      if (slowest >= head) return (Date.now() - started) / 1000;
      if (Date.now() - started > timeoutMs) {
        throw new Error(`Synapse's background processors are still at ${slowest} of ${head} after the seed`);
      }
      await poke();
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  } finally {
    await db.end();
  }
}
