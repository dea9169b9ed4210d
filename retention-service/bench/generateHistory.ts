// The batch half of the seed: the later messages of the plan written straight into Synapse's database (Synapse
// stopped), row for row as Synapse itself writes a message event (events, event_json, event_edges,
// event_to_state_groups, stream_ordering_to_exterm, event_search for plaintext; then the rooms' forward extremities
// and the events stream position), each event hashed, signed with the homeserver's key and named by its reference
// hash (matrixEventHashes.ts), so Synapse reads them back as its own. About a thousand times faster than the
// client API on this machine; the application service seeds the first messages, so both kinds sit in every room.
import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { completeEvent, signingKeyFrom, type SigningKey } from './matrixEventHashes.ts';
import { encryptedContent, plaintextContent } from './seedContent.ts';
import type { PlannedMessage, SeedPlan } from './seedPlan.ts';

type RoomHead = { depth: number; prev: string[]; stateGroup: number; create: string; powerLevels: string };

type Batch = {
  eventId: string[];
  type: string[];
  roomId: string[];
  depth: number[];
  ts: number[];
  sender: string[];
  stream: number[];
  json: string[];
  stateGroup: number[];
  edgeEvent: string[];
  edgePrev: string[];
  searchEvent: string[];
  searchRoom: string[];
  searchBody: string[];
  searchTs: number[];
  searchStream: number[];
};

const emptyBatch = (): Batch => ({
  eventId: [],
  type: [],
  roomId: [],
  depth: [],
  ts: [],
  sender: [],
  stream: [],
  json: [],
  stateGroup: [],
  edgeEvent: [],
  edgePrev: [],
  searchEvent: [],
  searchRoom: [],
  searchBody: [],
  searchTs: [],
  searchStream: [],
});

async function readRoomHeads(db: pg.Client, roomIds: readonly string[]): Promise<Map<string, RoomHead>> {
  const { rows } = await db.query<{
    room_id: string;
    depth: string;
    extremities: string[];
    state_group: string;
    create_id: string;
    power_id: string;
  }>(
    `SELECT r.room_id,
       (SELECT max(depth) FROM events e WHERE e.room_id = r.room_id AND NOT e.outlier) AS depth,
       (SELECT array_agg(event_id ORDER BY event_id) FROM event_forward_extremities f WHERE f.room_id = r.room_id)
         AS extremities,
       (SELECT max(g.state_group) FROM event_forward_extremities f JOIN event_to_state_groups g USING (event_id)
         WHERE f.room_id = r.room_id) AS state_group,
       (SELECT event_id FROM current_state_events c WHERE c.room_id = r.room_id AND c.type = 'm.room.create'
         AND c.state_key = '') AS create_id,
       (SELECT event_id FROM current_state_events c WHERE c.room_id = r.room_id AND c.type = 'm.room.power_levels'
         AND c.state_key = '') AS power_id
     FROM unnest($1::text[]) AS r(room_id)`,
    [roomIds],
  );
  return new Map(
    rows.map((row) => [
      row.room_id,
      {
        depth: Number(row.depth),
        prev: row.extremities,
        stateGroup: Number(row.state_group),
        create: row.create_id,
        powerLevels: row.power_id,
      },
    ]),
  );
}

async function readMemberEvents(db: pg.Client, roomIds: readonly string[]): Promise<Map<string, string>> {
  const { rows } = await db.query<{ room_id: string; state_key: string; event_id: string }>(
    `SELECT room_id, state_key, event_id FROM current_state_events
     WHERE room_id = ANY($1::text[]) AND type = 'm.room.member'`,
    [roomIds],
  );
  return new Map(rows.map((row) => [`${row.room_id} ${row.state_key}`, row.event_id]));
}

async function flush(db: pg.Client, batch: Batch): Promise<void> {
  await db.query(
    `INSERT INTO events (topological_ordering, event_id, type, room_id, processed, outlier, depth, origin_server_ts,
       received_ts, sender, contains_url, instance_name, stream_ordering)
     SELECT depth, event_id, type, room_id, true, false, depth, ts, ts, sender, false, 'master', stream
     FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::text[], $7::bigint[])
       AS t(event_id, type, room_id, depth, ts, sender, stream)`,
    [batch.eventId, batch.type, batch.roomId, batch.depth, batch.ts, batch.sender, batch.stream],
  );
  await db.query(
    `INSERT INTO event_json (event_id, room_id, internal_metadata, json, format_version)
     SELECT event_id, room_id, '{}', json, 3 FROM unnest($1::text[], $2::text[], $3::text[]) AS t(event_id, room_id, json)`,
    [batch.eventId, batch.roomId, batch.json],
  );
  await db.query(
    `INSERT INTO event_to_state_groups (event_id, state_group)
     SELECT * FROM unnest($1::text[], $2::bigint[])`,
    [batch.eventId, batch.stateGroup],
  );
  await db.query(
    `INSERT INTO stream_ordering_to_exterm (stream_ordering, room_id, event_id)
     SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[])`,
    [batch.stream, batch.roomId, batch.eventId],
  );
  await db.query(
    `INSERT INTO event_edges (event_id, prev_event_id, room_id, is_state)
     SELECT event_id, prev_event_id, NULL, false FROM unnest($1::text[], $2::text[]) AS t(event_id, prev_event_id)`,
    [batch.edgeEvent, batch.edgePrev],
  );
  await db.query(
    `INSERT INTO event_search (event_id, room_id, sender, key, vector, origin_server_ts, stream_ordering)
     SELECT event_id, room_id, NULL, 'content.body', to_tsvector('english', body), ts, stream
     FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[]) AS t(event_id, room_id, body, ts, stream)`,
    [batch.searchEvent, batch.searchRoom, batch.searchBody, batch.searchTs, batch.searchStream],
  );
}

function add(
  batch: Batch,
  head: RoomHead,
  message: PlannedMessage,
  n: number,
  ids: Readonly<{ roomId: string; sender: string; member: string; stream: number }>,
  key: SigningKey,
): void {
  const depth = head.depth + 1;
  const body = `Bench plaintext message ${n}`;
  const { eventId, json } = completeEvent(
    {
      type: message.plaintext ? 'm.room.message' : 'm.room.encrypted',
      room_id: ids.roomId,
      sender: ids.sender,
      content: message.plaintext ? plaintextContent(body) : encryptedContent(message.room),
      depth,
      prev_events: head.prev,
      auth_events: [head.create, head.powerLevels, ids.member],
      origin_server_ts: message.ts,
    },
    key,
  );
  batch.eventId.push(eventId);
  batch.type.push(message.plaintext ? 'm.room.message' : 'm.room.encrypted');
  batch.roomId.push(ids.roomId);
  batch.depth.push(depth);
  batch.ts.push(message.ts);
  batch.sender.push(ids.sender);
  batch.stream.push(ids.stream);
  batch.json.push(JSON.stringify(json));
  batch.stateGroup.push(head.stateGroup);
  for (const prev of head.prev) {
    batch.edgeEvent.push(eventId);
    batch.edgePrev.push(prev);
  }
  if (message.plaintext) {
    batch.searchEvent.push(eventId);
    batch.searchRoom.push(ids.roomId);
    batch.searchBody.push(body);
    batch.searchTs.push(message.ts);
    batch.searchStream.push(ids.stream);
  }
  head.depth = depth;
  head.prev = [eventId];
}

export type GenerateInput = Readonly<{
  databaseUrl: string;
  signingKeyPath: string;
  serverName: string;
  plan: SeedPlan;
  /** Plan messages from this index on are generated (the earlier ones went through the application service). */
  from: number;
  roomIds: readonly string[];
  userId: (index: number) => string;
}>;

/** Writes the plan's messages from `input.from` on; Synapse must be stopped. */
export async function generateHistory(input: GenerateInput): Promise<void> {
  const key = signingKeyFrom(await readFile(input.signingKeyPath, 'utf8'), input.serverName);
  const db = new pg.Client({ connectionString: input.databaseUrl });
  await db.connect();
  try {
    await db.query('BEGIN');
    const heads = await readRoomHeads(db, input.roomIds);
    const members = await readMemberEvents(db, input.roomIds);
    const { rows } = await db.query<{ last: string }>(
      'SELECT GREATEST((SELECT max(stream_ordering) FROM events), (SELECT last_value FROM events_stream_seq)) AS last',
    );
    let stream = Number(rows[0]?.last ?? 0);
    let batch = emptyBatch();
    for (let n = input.from; n < input.plan.messages.length; n += 1) {
      const message = input.plan.messages[n];
      const room = message ? input.plan.rooms[message.room] : undefined;
      const roomId = message ? input.roomIds[message.room] : undefined;
      const head = roomId ? heads.get(roomId) : undefined;
      const senderIndex = message ? room?.members[message.sender] : undefined;
      if (!message || !roomId || !head || senderIndex === undefined)
        throw new Error(`seed plan: message ${n}`);
      const sender = input.userId(senderIndex);
      const member = members.get(`${roomId} ${sender}`);
      if (!member) throw new Error(`seed: ${sender} has no membership in a bench room`);
      stream += 1;
      add(batch, head, message, n, { roomId, sender, member, stream }, key);
      if (batch.eventId.length >= 2000) {
        await flush(db, batch);
        batch = emptyBatch();
      }
    }
    await flush(db, batch);
    for (const [roomId, head] of heads) {
      await db.query('DELETE FROM event_forward_extremities WHERE room_id = $1', [roomId]);
      await db.query(
        'INSERT INTO event_forward_extremities (event_id, room_id) SELECT unnest($1::text[]), $2',
        [head.prev, roomId],
      );
    }
    await db.query("SELECT setval('events_stream_seq', $1)", [stream]);
    await db.query(
      "UPDATE stream_positions SET stream_id = $1 WHERE stream_name = 'events' AND instance_name = 'master'",
      [stream],
    );
    await db.query('COMMIT');
  } catch (error) {
    await db.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await db.end();
  }
}
