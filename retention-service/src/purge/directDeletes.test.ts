// Runs against real PostgreSQL: a throwaway database with Synapse 1.160's tables, the deletes made through a role
// given exactly the retention service's grants (so the test also proves the grants suffice).
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ThrowawayDatabase } from '../../../policy-module/src/database/throwawayDatabase.testkit.ts';
import { grantSynapseAccess } from '../database/synapseGrants.ts';
import { createSynapseTestDatabase, createTestRole, insertEvent } from '../database/synapseTables.testkit.ts';
import {
  deleteOldFederationOutbox,
  deleteOldFederationStaging,
  deleteOldSearchRows,
  deleteOldToDevice,
} from './directDeletes.ts';

const cutoff = new Date('2026-11-28T10:00:00Z');
const before = cutoff.getTime() - 1000;
const after = cutoff.getTime() + 1000;
const roomId = '!room:trust-a.example';

let database: ThrowawayDatabase;
let roles: Awaited<ReturnType<typeof createTestRole>>[];
let service: pg.Pool;

async function count(table: string): Promise<number> {
  const { rows } = await database.pool.query<{ count: string }>(`SELECT count(*) AS count FROM ${table}`);
  return Number(rows[0]?.count);
}

beforeAll(async () => {
  database = await createSynapseTestDatabase();
  roles = [
    await createTestRole(database, 'bleep_test_purge'),
    await createTestRole(database, 'bleep_test_proof'),
  ];
  await grantSynapseAccess(database.pool, {
    purgeRole: roles[0]?.role ?? '',
    proofRole: roles[1]?.role ?? '',
  });
  service = new pg.Pool({ connectionString: roles[0]?.url, max: 2 });
});

afterAll(async () => {
  await service.end();
  for (const role of roles) await role.drop();
  await database.drop();
});

describe('the deletes no admin API does', () => {
  it("deletes the search rows of events received before the cutoff, a kept room name's included", async () => {
    const oldName = await insertEvent(database, {
      roomId,
      type: 'm.room.name',
      sender: '@a:x',
      depth: 1,
      receivedTs: before,
      content: { name: 'Bay 4' },
      stateKey: '',
    });
    const newTopic = await insertEvent(database, {
      roomId,
      type: 'm.room.topic',
      sender: '@a:x',
      depth: 2,
      receivedTs: after,
      content: { topic: 'Rota' },
      stateKey: '',
    });
    for (const [eventId, ts] of [
      [oldName, before],
      [newTopic, after],
      ['$gone', before],
    ] as const) {
      await database.pool.query(
        `INSERT INTO event_search (event_id, room_id, sender, key, vector, origin_server_ts) VALUES ($1, $2, '@a:x', 'k', to_tsvector('x'), $3)`,
        [eventId, roomId, ts],
      );
    }
    expect(await deleteOldSearchRows(service, cutoff)).toBe(2);
    const { rows } = await database.pool.query<{ event_id: string }>('SELECT event_id FROM event_search');
    expect(rows.map((row) => row.event_id)).toEqual([newTopic]);
  });

  it('drops undelivered to-device messages at or below the position, all devices of a position together', async () => {
    for (const [device, position] of [
      ['A', 1],
      ['B', 1],
      ['C', 2],
      ['D', 3],
    ] as const) {
      await database.pool.query(
        `INSERT INTO device_inbox (user_id, device_id, stream_id, message_json) VALUES ('@a:x', $1, $2, '{}')`,
        [device, position],
      );
    }
    expect(await deleteOldToDevice(service, 2)).toBe(3);
    expect(await count('device_inbox')).toBe(1);
  });

  it("drops messages queued for a partner and a partner's unprocessed events received before the cutoff", async () => {
    await database.pool.query(
      `INSERT INTO device_federation_outbox (destination, stream_id, queued_ts, messages_json) VALUES ('b', 1, $1, '{}'), ('b', 2, $2, '{}')`,
      [before, after],
    );
    await database.pool.query(
      `INSERT INTO federation_inbound_events_staging (origin, room_id, event_id, received_ts, event_json, internal_metadata)
       VALUES ('b', $1, '$old', $2, '{}', '{}'), ('b', $1, '$new', $3, '{}', '{}')`,
      [roomId, before, after],
    );
    expect(await deleteOldFederationOutbox(service, cutoff)).toBe(1);
    expect(await deleteOldFederationStaging(service, cutoff)).toBe(1);
    expect(await count('device_federation_outbox')).toBe(1);
    expect(await count('federation_inbound_events_staging')).toBe(1);
  });
});
