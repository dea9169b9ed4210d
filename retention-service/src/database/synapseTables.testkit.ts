// Test support, not used in production: a throwaway PostgreSQL database holding the Synapse 1.160 tables the
// retention service reads and deletes from (their definitions copied from a local trust's schema with pg_dump),
// and helpers that write rows as Synapse would. Purge and proof SQL is tested against it; the integration tests in
// deploy/test/integration/ run the same code against the real Synapse.
import { randomBytes } from 'node:crypto';
import {
  createThrowawayDatabase,
  type ThrowawayDatabase,
} from '../../../policy-module/src/database/throwawayDatabase.testkit.ts';

export const synapseTablesSql = `
CREATE TABLE devices (
    user_id text NOT NULL,
    device_id text NOT NULL,
    display_name text,
    last_seen bigint,
    ip text,
    user_agent text,
    hidden boolean DEFAULT false,
    CONSTRAINT device_uniqueness UNIQUE (user_id, device_id)
);
CREATE TABLE users (
    name text UNIQUE,
    password_hash text,
    creation_ts bigint,
    admin smallint DEFAULT 0 NOT NULL,
    deactivated smallint DEFAULT 0 NOT NULL
);
CREATE TABLE current_state_events (
    event_id text NOT NULL,
    room_id text NOT NULL,
    type text NOT NULL,
    state_key text NOT NULL,
    membership text,
    event_stream_ordering bigint
);
CREATE TABLE dehydrated_devices (
    user_id text NOT NULL,
    device_id text NOT NULL,
    device_data text NOT NULL
);
CREATE TABLE delayed_events (
    delay_id text NOT NULL,
    user_localpart text NOT NULL,
    device_id text,
    delay bigint NOT NULL,
    send_ts bigint NOT NULL,
    room_id text NOT NULL,
    event_type text NOT NULL,
    state_key text,
    origin_server_ts bigint,
    content text NOT NULL,
    is_processed boolean DEFAULT false NOT NULL,
    sticky_duration_ms bigint
);
CREATE TABLE device_federation_outbox (
    destination text NOT NULL,
    stream_id bigint NOT NULL,
    queued_ts bigint NOT NULL,
    messages_json text NOT NULL,
    instance_name text
);
CREATE TABLE device_inbox (
    user_id text NOT NULL,
    device_id text NOT NULL,
    stream_id bigint NOT NULL,
    message_json text NOT NULL,
    instance_name text
);
CREATE SEQUENCE device_inbox_sequence
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;
CREATE TABLE e2e_room_keys (
    user_id text NOT NULL,
    room_id text NOT NULL,
    session_id text NOT NULL,
    version bigint NOT NULL,
    first_message_index integer,
    forwarded_count integer,
    is_verified boolean,
    session_data text NOT NULL
);
CREATE TABLE event_json (
    event_id text NOT NULL,
    room_id text NOT NULL,
    internal_metadata text NOT NULL,
    json text NOT NULL,
    format_version integer
);
CREATE TABLE event_search (
    event_id text,
    room_id text,
    sender text,
    key text,
    vector tsvector,
    origin_server_ts bigint,
    stream_ordering bigint
);
CREATE TABLE events (
    topological_ordering bigint NOT NULL,
    event_id text NOT NULL,
    type text NOT NULL,
    room_id text NOT NULL,
    content text,
    unrecognized_keys text,
    processed boolean NOT NULL,
    outlier boolean NOT NULL,
    depth bigint DEFAULT 0 NOT NULL,
    origin_server_ts bigint,
    received_ts bigint,
    sender text,
    contains_url boolean,
    instance_name text,
    stream_ordering bigint,
    state_key text,
    rejection_reason text
);
CREATE TABLE federation_inbound_events_staging (
    origin text NOT NULL,
    room_id text NOT NULL,
    event_id text NOT NULL,
    received_ts bigint NOT NULL,
    event_json text NOT NULL,
    internal_metadata text NOT NULL
);
CREATE TABLE local_current_membership (
    room_id text NOT NULL,
    user_id text NOT NULL,
    event_id text NOT NULL,
    membership text NOT NULL,
    event_stream_ordering bigint
);
CREATE TABLE local_media_repository (
    media_id text,
    media_type text,
    media_length integer,
    created_ts bigint,
    upload_name text,
    user_id text,
    quarantined_by text,
    url_cache text,
    last_access_ts bigint,
    safe_from_quarantine boolean DEFAULT false NOT NULL,
    authenticated boolean DEFAULT false NOT NULL,
    sha256 text
);
CREATE TABLE profiles (
    user_id text NOT NULL,
    displayname text,
    avatar_url text,
    full_user_id text,
    fields jsonb,
    CONSTRAINT full_user_id_not_null CHECK ((full_user_id IS NOT NULL))
);
CREATE TABLE redactions (
    event_id text NOT NULL,
    redacts text NOT NULL,
    have_censored boolean DEFAULT false NOT NULL,
    received_ts bigint,
    recheck boolean DEFAULT true NOT NULL
);
CREATE TABLE remote_media_cache (
    media_origin text,
    media_id text,
    media_type text,
    created_ts bigint,
    upload_name text,
    media_length integer,
    filesystem_id text,
    last_access_ts bigint,
    quarantined_by text,
    authenticated boolean DEFAULT false NOT NULL,
    sha256 text
);
CREATE TABLE room_memberships (
    event_id text NOT NULL,
    user_id text NOT NULL,
    sender text NOT NULL,
    room_id text NOT NULL,
    membership text NOT NULL,
    forgotten integer DEFAULT 0,
    display_name text,
    avatar_url text,
    event_stream_ordering bigint,
    participant boolean DEFAULT false
);
CREATE TABLE room_stats_state (
    room_id text NOT NULL,
    name text,
    canonical_alias text,
    join_rules text,
    history_visibility text,
    encryption text,
    avatar text,
    guest_access text,
    is_federatable boolean,
    topic text,
    room_type text
);
CREATE TABLE rooms (
    room_id text NOT NULL,
    is_public boolean,
    creator text,
    room_version text,
    has_auth_chain_index boolean
);
CREATE TABLE state_events (
    event_id text NOT NULL,
    room_id text NOT NULL,
    type text NOT NULL,
    state_key text NOT NULL,
    prev_state text
);
`;

export async function createSynapseTestDatabase(): Promise<ThrowawayDatabase> {
  const database = await createThrowawayDatabase('bleep_retention_synapse_test');
  try {
    await database.pool.query(synapseTablesSql);
  } catch (error) {
    await database.drop();
    throw error;
  }
  return database;
}

export type TestEvent = Readonly<{
  roomId: string;
  type: string;
  sender: string;
  depth: number;
  receivedTs: number;
  content: Record<string, unknown>;
  stateKey?: string;
  outlier?: boolean;
  eventId?: string;
}>;

let streamOrdering = 0;

/** Writes an event the way Synapse stores it: events, event_json and, for state, state_events. */
export async function insertEvent(database: ThrowawayDatabase, event: TestEvent): Promise<string> {
  const eventId = event.eventId ?? `$${randomBytes(8).toString('hex')}`;
  streamOrdering += 1;
  await database.pool.query(
    `INSERT INTO events (topological_ordering, event_id, type, room_id, processed, outlier, depth,
       origin_server_ts, received_ts, sender, stream_ordering, state_key)
     VALUES ($1, $2, $3, $4, true, $5, $1, $6, $6, $7, $8, $9)`,
    [
      event.depth,
      eventId,
      event.type,
      event.roomId,
      event.outlier ?? false,
      event.receivedTs,
      event.sender,
      streamOrdering,
      event.stateKey ?? null,
    ],
  );
  const json = {
    event_id: eventId,
    type: event.type,
    room_id: event.roomId,
    sender: event.sender,
    content: event.content,
    origin_server_ts: event.receivedTs,
    ...(event.stateKey === undefined ? {} : { state_key: event.stateKey }),
  };
  await database.pool.query(
    `INSERT INTO event_json (event_id, room_id, internal_metadata, json, format_version) VALUES ($1, $2, '{}', $3, 3)`,
    [eventId, event.roomId, JSON.stringify(json)],
  );
  if (event.stateKey !== undefined) {
    await database.pool.query(
      'INSERT INTO state_events (event_id, room_id, type, state_key) VALUES ($1, $2, $3, $4)',
      [eventId, event.roomId, event.type, event.stateKey],
    );
    if (event.type === 'm.room.member') {
      await database.pool.query(
        `INSERT INTO room_memberships (event_id, user_id, sender, room_id, membership, event_stream_ordering)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [
          eventId,
          event.stateKey,
          event.sender,
          event.roomId,
          typeof event.content.membership === 'string' ? event.content.membership : 'join',
          streamOrdering,
        ],
      );
    }
    await database.pool.query(
      `INSERT INTO current_state_events (event_id, room_id, type, state_key, membership)
       VALUES ($1, $2, $3, $4, $5)`,
      [
        eventId,
        event.roomId,
        event.type,
        event.stateKey,
        event.type === 'm.room.member' ? (event.content.membership ?? null) : null,
      ],
    );
  }
  return eventId;
}

/** A local member's join, as local_current_membership records it. */
export async function insertLocalMember(
  database: ThrowawayDatabase,
  roomId: string,
  userId: string,
  eventId: string,
  membership = 'join',
): Promise<void> {
  await database.pool.query(
    'INSERT INTO local_current_membership (room_id, user_id, event_id, membership) VALUES ($1, $2, $3, $4)',
    [roomId, userId, eventId, membership],
  );
}

/** A login role on the test server with a pool connected as it; dropped with `drop`. */
export async function createTestRole(
  database: ThrowawayDatabase,
  prefix: string,
): Promise<Readonly<{ role: string; url: string; drop: () => Promise<void> }>> {
  const role = `${prefix}_${randomBytes(4).toString('hex')}`;
  const password = randomBytes(16).toString('hex');
  await database.pool.query(`CREATE ROLE ${role} LOGIN PASSWORD '${password}'`);
  const url = new URL(database.url);
  url.username = role;
  url.password = password;
  return {
    role,
    url: url.toString(),
    drop: async () => {
      await database.pool.query(`DROP OWNED BY ${role}`);
      await database.pool.query(`DROP ROLE ${role}`);
    },
  };
}
