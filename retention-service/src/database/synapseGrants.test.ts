// Runs against real PostgreSQL: a throwaway database with Synapse 1.160's tables, and two throwaway roles given the
// retention service's and the proof's access by grantSynapseAccess.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ThrowawayDatabase } from '../../../policy-module/src/database/throwawayDatabase.testkit.ts';
import { grantSynapseAccess } from './synapseGrants.ts';
import { createSynapseTestDatabase, createTestRole, insertEvent } from './synapseTables.testkit.ts';

let database: ThrowawayDatabase;
let purgeRole: Awaited<ReturnType<typeof createTestRole>>;
let proofRole: Awaited<ReturnType<typeof createTestRole>>;
let purge: pg.Pool;
let proof: pg.Pool;

beforeAll(async () => {
  database = await createSynapseTestDatabase();
  purgeRole = await createTestRole(database, 'bleep_test_purge');
  proofRole = await createTestRole(database, 'bleep_test_proof');
  await grantSynapseAccess(database.pool, { purgeRole: purgeRole.role, proofRole: proofRole.role });
  purge = new pg.Pool({ connectionString: purgeRole.url, max: 2 });
  proof = new pg.Pool({ connectionString: proofRole.url, max: 2 });
  await database.pool.query(
    `INSERT INTO device_inbox (user_id, device_id, stream_id, message_json) VALUES ('@a:x', 'D', 1, '{"secret":1}')`,
  );
  await insertEvent(database, {
    roomId: '!r:x',
    type: 'm.room.encrypted',
    sender: '@a:x',
    depth: 1,
    receivedTs: 1,
    content: { ciphertext: 'x' },
  });
});

afterAll(async () => {
  await Promise.all([purge.end(), proof.end()]);
  await purgeRole.drop();
  await proofRole.drop();
  await database.drop();
});

describe("the retention roles' access to Synapse's tables", () => {
  it('lets the service delete undelivered to-device messages by position without reading them', async () => {
    await expect(purge.query('SELECT message_json FROM device_inbox')).rejects.toThrow(/permission denied/);
    const deleted = await purge.query('DELETE FROM device_inbox WHERE stream_id <= 1');
    expect(deleted.rowCount).toBe(1);
  });

  it("never lets the service change an event, nor delete one (that is Synapse's purge)", async () => {
    await expect(purge.query(`UPDATE event_json SET json = '{}'`)).rejects.toThrow(/permission denied/);
    await expect(purge.query('DELETE FROM events')).rejects.toThrow(/permission denied/);
    await expect(purge.query('SELECT password_hash FROM users')).rejects.toThrow(
      /does not exist|permission denied/,
    );
  });

  it('lets the proof read what it checks and change nothing', async () => {
    await expect(proof.query('SELECT count(*) FROM event_json')).resolves.toBeTruthy();
    await expect(proof.query('DELETE FROM event_search')).rejects.toThrow(/permission denied/);
    await expect(proof.query('DELETE FROM device_inbox')).rejects.toThrow(/permission denied/);
    await expect(proof.query('SELECT nextval($1)', ['device_inbox_sequence'])).rejects.toThrow(
      /permission denied/,
    );
  });

  it('refuses a role name it would have to quote', async () => {
    await expect(
      grantSynapseAccess(database.pool, { purgeRole: 'x; DROP TABLE events', proofRole: proofRole.role }),
    ).rejects.toThrow(/not a plain role name/);
  });
});
