// What the retention service's two roles may do in Synapse's database. Synapse owns its tables; these grants are
// given by their owner in a deploy step (`bleep-retention grant-synapse`, after Synapse has made its schema), and
// again after a Synapse upgrade. Everything Synapse has an admin API for (history purge, redaction, media) goes
// through the API, so Synapse's caches and files stay in step; SQL deletes only rows no API removes.
//
// The service's role reads what it must decide on and deletes from four tables; where it only needs to know a
// row's age it may read just the id and time columns, not the message it holds (column privileges). The proof's
// role may only read, so a proof can never be made true by the checker changing what it checks.
import type { Pool } from 'pg';
import { BleepSchemaError } from '@bleep/policy-module';

type TableGrant = Readonly<{ table: string; columns?: readonly string[] }>;

/** Read by the service to choose what to purge: rooms, their events' order, content and state, members, media. */
const purgeReads: readonly TableGrant[] = [
  // The client expiry check: which sessions exist, when each was last used, and who is an administrator.
  { table: 'devices', columns: ['user_id', 'device_id', 'last_seen', 'hidden'] },
  { table: 'users', columns: ['name', 'admin'] },
  { table: 'rooms', columns: ['room_id', 'room_version', 'creator'] },
  { table: 'events' },
  { table: 'event_json' },
  { table: 'state_events' },
  { table: 'redactions' },
  { table: 'current_state_events' },
  { table: 'local_current_membership' },
  { table: 'local_media_repository', columns: ['media_id', 'created_ts', 'user_id'] },
  { table: 'remote_media_cache', columns: ['media_origin', 'media_id', 'created_ts'] },
  { table: 'profiles', columns: ['avatar_url'] },
  { table: 'room_stats_state', columns: ['room_id', 'avatar'] },
  // Who is or was in a room, and since which event: what a legal hold on a user covers.
  { table: 'room_memberships', columns: ['room_id', 'user_id', 'event_id'] },
];

/** Rows with no admin API, deleted by the service: it may see only their age, never their content. */
const purgeDeletes: readonly TableGrant[] = [
  { table: 'event_search', columns: ['event_id', 'room_id', 'origin_server_ts'] },
  { table: 'device_inbox', columns: ['stream_id'] },
  { table: 'device_federation_outbox', columns: ['stream_id', 'queued_ts'] },
  { table: 'federation_inbound_events_staging', columns: ['origin', 'event_id', 'room_id', 'received_ts'] },
];

/** The to-device stream's position, recorded with the time (device_inbox has no timestamp). */
const purgeSequences = ['device_inbox_sequence'] as const;

/** Read by the proof: every place content or key material could be left behind. */
const proofReads: readonly TableGrant[] = [
  { table: 'events' },
  { table: 'event_json' },
  { table: 'state_events' },
  { table: 'redactions' },
  { table: 'event_search', columns: ['event_id', 'room_id', 'origin_server_ts'] },
  { table: 'device_inbox', columns: ['stream_id'] },
  { table: 'device_federation_outbox', columns: ['stream_id', 'queued_ts'] },
  { table: 'federation_inbound_events_staging', columns: ['room_id', 'received_ts'] },
  { table: 'local_media_repository', columns: ['media_id', 'created_ts', 'user_id'] },
  { table: 'remote_media_cache', columns: ['media_origin', 'media_id', 'created_ts', 'filesystem_id'] },
  { table: 'room_memberships', columns: ['room_id', 'user_id', 'event_id'] },
  { table: 'profiles', columns: ['avatar_url'] },
  { table: 'room_stats_state', columns: ['room_id', 'avatar'] },
  { table: 'delayed_events', columns: ['room_id', 'send_ts'] },
  { table: 'e2e_room_keys', columns: ['user_id'] },
  { table: 'dehydrated_devices', columns: ['user_id'] },
];

export type SynapseRoles = Readonly<{ purgeRole: string; proofRole: string }>;

function roleIdentifier(role: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(role)) throw new BleepSchemaError(`not a plain role name: "${role}"`);
  return role;
}

function grantSql(privileges: string, grants: readonly TableGrant[], role: string): string[] {
  return grants.map(({ table, columns }) =>
    columns
      ? `GRANT ${privileges
          .split(', ')
          .map((privilege) => (privilege === 'SELECT' ? `SELECT (${columns.join(', ')})` : privilege))
          .join(', ')} ON ${table} TO ${role};`
      : `GRANT ${privileges} ON ${table} TO ${role};`,
  );
}

function revokeSql(role: string): string[] {
  const tables = new Set([...purgeReads, ...purgeDeletes, ...proofReads].map((grant) => grant.table));
  return [
    `REVOKE ALL ON ${[...tables].join(', ')} FROM ${role};`,
    `REVOKE ALL ON SEQUENCE ${purgeSequences.join(', ')} FROM ${role};`,
  ];
}

/** The tables the grants name, so a deploy step can check Synapse has made its schema first. */
export const synapseTablesGranted: readonly string[] = [
  ...new Set([...purgeReads, ...purgeDeletes, ...proofReads].map((grant) => grant.table)),
];

/**
 * Gives the two roles exactly their access (everything else they held on these tables is revoked first). Run as
 * the owner of Synapse's tables once Synapse has created them; the roles themselves must exist.
 */
export async function grantSynapseAccess(pool: Pool, roles: SynapseRoles): Promise<void> {
  const purge = roleIdentifier(roles.purgeRole);
  const proof = roleIdentifier(roles.proofRole);
  const { rows } = await pool.query<{ name: string }>(
    'SELECT name FROM unnest($1::text[]) AS name WHERE to_regclass(name) IS NULL',
    [synapseTablesGranted],
  );
  if (rows.length > 0) {
    throw new BleepSchemaError(
      `Synapse's database has no ${rows.map((row) => row.name).join(', ')}: start Synapse once (it makes its schema), then grant`,
    );
  }
  await pool.query(
    [
      ...revokeSql(purge),
      ...revokeSql(proof),
      `GRANT USAGE ON SCHEMA public TO ${purge}, ${proof};`,
      ...grantSql('SELECT', purgeReads, purge),
      ...grantSql('SELECT, DELETE', purgeDeletes, purge),
      `GRANT SELECT ON SEQUENCE ${purgeSequences.join(', ')} TO ${purge};`,
      ...grantSql('SELECT', proofReads, proof),
    ].join('\n'),
  );
}
