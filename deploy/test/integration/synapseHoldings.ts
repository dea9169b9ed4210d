// What a trust's Synapse holds, read past the gateway: through Synapse's internal client listener (with a user's own
// token, or an admin's for the admin API) and, most thoroughly, straight from its PostgreSQL database. The attack
// tests judge by these reads, not by the gateway's status codes.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { registerUser } from '@bleep/policy-module';
import type { RunningTrust } from '../../local/src/stackStatus.ts';

export type SynapseAnswer = Readonly<{ status: number; body: Record<string, unknown> }>;

/** A request to Synapse's own client listener (the gateway is not in the way). */
export async function askSynapse(
  trust: RunningTrust,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<SynapseAnswer> {
  const response = await fetch(`${trust.synapseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const parsed: unknown = await response.json().catch(() => ({}));
  const object =
    typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : {};
  return { status: response.status, body: object };
}

const adminTokens = new Map<string, Promise<string>>();

/** An admin account of the trust's Synapse, made once per test file (as trust IT has one). */
export function synapseAdminToken(trust: RunningTrust): Promise<string> {
  let token = adminTokens.get(trust.name);
  if (!token) {
    token = registerUser({
      synapseUrl: trust.synapseUrl,
      sharedSecret: trust.registrationSharedSecret,
      username: `attack-it-${randomBytes(4).toString('hex')}`,
      password: randomBytes(16).toString('hex'),
      admin: true,
    }).then((registered) => registered.accessToken);
    adminTokens.set(trust.name, token);
  }
  return token;
}

/** The IDs of the user's devices, as Synapse's admin API lists them. */
export async function synapseDeviceIds(trust: RunningTrust, userId: string): Promise<string[]> {
  const answer = await askSynapse(
    trust,
    await synapseAdminToken(trust),
    'GET',
    `/_synapse/admin/v2/users/${encodeURIComponent(userId)}/devices`,
  );
  if (answer.status !== 200)
    throw new Error(`admin device list: ${answer.status} ${JSON.stringify(answer.body)}`);
  const devices = answer.body.devices as { device_id: string }[];
  return devices.map((device) => device.device_id).sort();
}

/** The user's rooms, as Synapse has them. */
export async function synapseJoinedRooms(trust: RunningTrust, token: string): Promise<string[]> {
  const answer = await askSynapse(trust, token, 'GET', '/_matrix/client/v3/joined_rooms');
  if (answer.status !== 200) throw new Error(`joined_rooms: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body.joined_rooms as string[];
}

/** The user's rooms, as Synapse's admin API lists them (for a user whose own token no longer works). */
export async function synapseRoomsOfUser(trust: RunningTrust, userId: string): Promise<string[]> {
  const answer = await askSynapse(
    trust,
    await synapseAdminToken(trust),
    'GET',
    `/_synapse/admin/v1/users/${encodeURIComponent(userId)}/joined_rooms`,
  );
  if (answer.status !== 200)
    throw new Error(`admin joined_rooms: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body.joined_rooms as string[];
}

export type StoredEvent = Readonly<{
  type: string;
  event_id: string;
  sender: string;
  content: Record<string, unknown>;
  state_key?: string;
}>;

/** Every event of a room that Synapse gives the user (newest first), read from Synapse directly. */
export async function synapseRoomEvents(
  trust: RunningTrust,
  token: string,
  roomId: string,
): Promise<StoredEvent[]> {
  const answer = await askSynapse(
    trust,
    token,
    'GET',
    `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/messages?dir=b&limit=1000`,
  );
  if (answer.status !== 200) throw new Error(`messages: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body.chunk as StoredEvent[];
}

/** A room's state event content as Synapse holds it; undefined when there is none. */
export async function synapseRoomState(
  trust: RunningTrust,
  token: string,
  roomId: string,
  eventType: string,
  stateKey = '',
): Promise<Record<string, unknown> | undefined> {
  const answer = await askSynapse(
    trust,
    token,
    'GET',
    `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/state/${encodeURIComponent(eventType)}/${encodeURIComponent(stateKey)}`,
  );
  if (answer.status === 404) return undefined;
  if (answer.status !== 200)
    throw new Error(`state ${eventType}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}

/** One query against the trust's Synapse database, as its owner. */
export async function querySynapseDatabase<Row extends Record<string, unknown>>(
  trust: RunningTrust,
  sql: string,
  values: readonly unknown[] = [],
): Promise<Row[]> {
  const client = new pg.Client({ connectionString: trust.databaseUrl });
  await client.connect();
  try {
    return (await client.query<Row>(sql, [...values])).rows;
  } finally {
    await client.end();
  }
}

export type StoredRow = Readonly<{ table: string; text: string }>;

/** Row text with each bytea value (written as \\x and hex digits) followed by its bytes read as UTF-8 text. */
function withByteaDecoded(text: string): string {
  const decoded = [...text.matchAll(/\\x((?:[0-9a-f]{2})+)/g)].map((match) =>
    Buffer.from(match[1] ?? '', 'hex').toString('utf8'),
  );
  return [text, ...decoded].join('\n');
}

/**
 * Every row of every table in the trust's Synapse database, each as PostgreSQL writes a row as text. Small on the
 * local stack (a few thousand rows), and the one read no Synapse API can hide anything from. Binary columns (Synapse
 * keeps filters and some JSON as bytea) are decoded as text too.
 */
export async function everySynapseRow(trust: RunningTrust): Promise<StoredRow[]> {
  const client = new pg.Client({ connectionString: trust.databaseUrl });
  await client.connect();
  try {
    const tables = await client.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables
        WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`,
    );
    const rows: StoredRow[] = [];
    for (const { table_name: table } of tables.rows) {
      const found = await client.query<{ text: string }>(
        `SELECT row_text::text AS text FROM ${client.escapeIdentifier(table)} AS row_text`,
      );
      for (const row of found.rows) rows.push({ table, text: withByteaDecoded(row.text) });
    }
    return rows;
  } finally {
    await client.end();
  }
}
