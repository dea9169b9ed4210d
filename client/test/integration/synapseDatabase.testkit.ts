// Test support: what a trust's databases hold, read directly (the tests judge by outcomes, not by answers).
import pg from 'pg';
import type { RunningTrust } from '../../../deploy/local/src/stackStatus.ts';

export async function queryDatabase<T extends pg.QueryResultRow>(
  url: string,
  sql: string,
  values: unknown[],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

/** The public master key Synapse holds for a clinician, as its database stores it. */
export async function masterKeyAtSynapse(trust: RunningTrust, userId: string): Promise<string | undefined> {
  const rows = await queryDatabase<{ keydata: string }>(
    trust.databaseUrl,
    "SELECT keydata FROM e2e_cross_signing_keys WHERE user_id = $1 AND keytype = 'master' ORDER BY stream_id DESC LIMIT 1",
    [userId],
  );
  const keydata = rows[0] ? (JSON.parse(rows[0].keydata) as { keys: Record<string, string> }) : undefined;
  return keydata ? Object.values(keydata.keys)[0] : undefined;
}

/** The devices Synapse holds a self-signing signature for (a cross-signing signature by the clinician themselves). */
export async function signedDevicesAtSynapse(trust: RunningTrust, userId: string): Promise<string[]> {
  const rows = await queryDatabase<{ target_device_id: string }>(
    trust.databaseUrl,
    'SELECT target_device_id FROM e2e_cross_signing_signatures WHERE user_id = $1 AND target_user_id = $1 ORDER BY 1',
    [userId],
  );
  return rows.map((row) => row.target_device_id);
}

/** The events a clinician has sent into a room, as their homeserver's database holds them. */
export async function eventsSentBy(trust: RunningTrust, roomId: string, userId: string): Promise<number> {
  const rows = await queryDatabase<{ count: string }>(
    trust.databaseUrl,
    'SELECT count(*) FROM events WHERE room_id = $1 AND sender = $2 AND state_key IS NULL',
    [roomId, userId],
  );
  return Number(rows[0]?.count ?? 0);
}
