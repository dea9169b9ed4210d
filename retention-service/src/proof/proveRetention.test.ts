// Runs against real PostgreSQL: a throwaway database with Synapse 1.160's tables (read through the proof's own
// read-only role, as in production), a throwaway Bleep database for the stream marks, and a media store in a
// temporary folder.
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ThrowawayDatabase } from '../../../policy-module/src/database/throwawayDatabase.testkit.ts';
import { createBleepTestDatabase } from '../database/bleepTables.testkit.ts';
import { grantSynapseAccess } from '../database/synapseGrants.ts';
import { createSynapseTestDatabase, createTestRole, insertEvent } from '../database/synapseTables.testkit.ts';
import { retentionMarker } from '../purge/contentHeld.ts';
import { recordStreamMark } from '../purge/streamMarks.ts';
import { proveRetention } from './proveRetention.ts';

const server = 'trust-a.example';
const horizon = new Date('2026-11-28T10:00:00Z');
const before = horizon.getTime() - 60_000;
const after = horizon.getTime() + 60_000;
const roomId = '!room:trust-a.example';

let synapse: ThrowawayDatabase;
let bleep: ThrowawayDatabase;
let proofRole: Awaited<ReturnType<typeof createTestRole>>;
let purgeRole: Awaited<ReturnType<typeof createTestRole>>;
let proofDb: pg.Pool;
let mediaStore: string;

async function prove() {
  return proveRetention(
    { proofDb, bleepDb: bleep.pool, mediaStorePath: mediaStore, serverName: server },
    horizon,
  );
}

async function wipe(): Promise<void> {
  await synapse.pool.query(`TRUNCATE events, event_json, state_events, redactions, event_search, device_inbox,
    device_federation_outbox, federation_inbound_events_staging, local_media_repository, remote_media_cache,
    profiles, room_stats_state, delayed_events, e2e_room_keys, dehydrated_devices, room_memberships`);
  await bleep.pool.query('TRUNCATE bleep_retention_stream_mark');
}

beforeAll(async () => {
  synapse = await createSynapseTestDatabase();
  bleep = await createBleepTestDatabase();
  proofRole = await createTestRole(synapse, 'bleep_test_proof');
  purgeRole = await createTestRole(synapse, 'bleep_test_purge');
  await grantSynapseAccess(synapse.pool, { purgeRole: purgeRole.role, proofRole: proofRole.role });
  proofDb = new pg.Pool({ connectionString: proofRole.url, max: 2 });
});

afterAll(async () => {
  await proofDb.end();
  await proofRole.drop();
  await purgeRole.drop();
  await synapse.drop();
  await bleep.drop();
});

beforeEach(async () => {
  await wipe();
  mediaStore = await mkdtemp(join(tmpdir(), 'bleep-media-'));
});

afterEach(async () => {
  await rm(mediaStore, { recursive: true, force: true });
});

describe('proveRetention', () => {
  it('is clean when only new content and content-free old events remain', async () => {
    await insertEvent(synapse, {
      roomId,
      type: 'm.room.name',
      sender: '@a:x',
      depth: 1,
      receivedTs: before,
      content: { name: 'Ward 12' },
      stateKey: '',
    });
    await insertEvent(synapse, {
      roomId,
      type: 'm.room.encrypted',
      sender: '@a:x',
      depth: 2,
      receivedTs: before,
      content: {},
    });
    await insertEvent(synapse, {
      roomId,
      type: 'm.room.redaction',
      sender: '@a:x',
      depth: 3,
      receivedTs: before,
      content: { redacts: '$x', [retentionMarker]: true },
    });
    await insertEvent(synapse, {
      roomId,
      type: 'm.room.encrypted',
      sender: '@a:x',
      depth: 4,
      receivedTs: after,
      content: { ciphertext: 'new' },
    });

    const proof = await prove();
    expect(proof.findings).toEqual([]);
    expect(proof.oldestHeld.event).toEqual(new Date(after));
  });

  it('finds old message content, a redaction with a reason, and search rows, by room', async () => {
    await insertEvent(synapse, {
      roomId,
      type: 'm.room.encrypted',
      sender: '@a:x',
      depth: 1,
      receivedTs: before,
      content: { ciphertext: 'old' },
    });
    await insertEvent(synapse, {
      roomId,
      type: 'm.room.redaction',
      sender: '@a:x',
      depth: 2,
      receivedTs: before,
      content: { redacts: '$x', reason: 'typo' },
    });
    const named = await insertEvent(synapse, {
      roomId,
      type: 'm.room.name',
      sender: '@a:x',
      depth: 3,
      receivedTs: before,
      content: { name: 'Bay 4' },
      stateKey: '',
    });
    await synapse.pool.query(
      `INSERT INTO event_search (event_id, room_id, sender, key, vector, origin_server_ts) VALUES ($1, $2, '@a:x', 'content.name', to_tsvector('Bay 4'), $3)`,
      [named, roomId, before],
    );

    const proof = await prove();
    expect(proof.findings).toEqual([
      { kind: 'event-content', roomId, count: 2, oldest: new Date(before) },
      { kind: 'search-row', roomId, count: 1, oldest: new Date(before) },
    ]);
  });

  it('finds undelivered to-device messages only once a stream mark dates them', async () => {
    await synapse.pool.query(
      `INSERT INTO device_inbox (user_id, device_id, stream_id, message_json) VALUES ('@a:x', 'D', 10, '{}')`,
    );
    expect((await prove()).toDeviceChecked).toBe(false);

    await recordStreamMark(bleep.pool, { at: new Date(before), position: 10 });
    const proof = await prove();
    expect(proof.toDeviceChecked).toBe(true);
    expect(proof.findings).toEqual([{ kind: 'to-device', roomId: null, count: 1, oldest: null }]);
  });

  it("finds the partners' queues, old media rows and key material the policy forbids", async () => {
    await synapse.pool.query(
      `INSERT INTO device_federation_outbox (destination, stream_id, queued_ts, messages_json) VALUES ('trust-b', 1, $1, '{}')`,
      [before],
    );
    await synapse.pool.query(
      `INSERT INTO federation_inbound_events_staging (origin, room_id, event_id, received_ts, event_json, internal_metadata)
       VALUES ('trust-b', $1, '$e', $2, '{}', '{}')`,
      [roomId, before],
    );
    await synapse.pool.query(
      `INSERT INTO local_media_repository (media_id, media_type, media_length, created_ts, user_id) VALUES ('old', 'x', 1, $1, '@a:x'), ('avatar', 'x', 1, $1, '@a:x')`,
      [before],
    );
    await synapse.pool.query(
      `INSERT INTO profiles (user_id, full_user_id, avatar_url) VALUES ('a', '@a:${server}', 'mxc://${server}/avatar')`,
    );
    await synapse.pool.query(
      `INSERT INTO remote_media_cache (media_origin, media_id, media_type, created_ts, media_length, filesystem_id) VALUES ('trust-b', 'r', 'x', $1, 1, 'f')`,
      [before],
    );
    await synapse.pool.query(
      `INSERT INTO e2e_room_keys (user_id, room_id, session_id, version, first_message_index, forwarded_count, is_verified, session_data) VALUES ('@a:x', $1, 's', 1, 0, 0, false, '{}')`,
      [roomId],
    );

    const kinds = (await prove()).findings.map((finding) => [finding.kind, finding.count]);
    expect(kinds).toEqual([
      ['federation-outbox', 1],
      ['federation-staging', 1],
      ['local-media', 1],
      ['remote-media', 1],
      ['key-backup', 1],
    ]);
  });

  it('finds old files in the media store whatever the database says, except a current avatar', async () => {
    const oldFile = join(mediaStore, 'local_content', 'ab', 'cd', 'efgh');
    const avatar = join(mediaStore, 'local_thumbnails', 'av', 'at', 'ar', '32-32-image-png');
    const fresh = join(mediaStore, 'remote_content', 'trust-b', 'xy', 'zw', 'new');
    for (const path of [oldFile, avatar, fresh]) {
      await mkdir(join(path, '..'), { recursive: true });
      await writeFile(path, 'ciphertext');
    }
    for (const path of [oldFile, avatar]) await utimes(path, new Date(before), new Date(before));
    await utimes(fresh, new Date(after), new Date(after));
    await synapse.pool.query(
      `INSERT INTO room_stats_state (room_id, avatar) VALUES ($1, 'mxc://${server}/avatar')`,
      [roomId],
    );

    expect((await prove()).findings).toEqual([
      { kind: 'media-file', roomId: null, count: 1, oldest: new Date(before) },
    ]);
  });

  it("lists what a legal hold keeps as held, not as findings: its room, its members' uploads, their files", async () => {
    const heldRoom = '!held:trust-a.example';
    const member = '@held.member:trust-a.example';
    await insertEvent(synapse, {
      roomId: heldRoom,
      type: 'm.room.member',
      sender: member,
      depth: 1,
      receivedTs: before - 10_000,
      content: { membership: 'join' },
      stateKey: member,
    });
    await insertEvent(synapse, {
      roomId: heldRoom,
      type: 'm.room.encrypted',
      sender: member,
      depth: 2,
      receivedTs: before - 5000,
      content: { ciphertext: 'held' },
    });
    await synapse.pool.query(
      `INSERT INTO event_search (event_id, room_id, sender, key, origin_server_ts) VALUES ('$heldname', $1, $2, 'content.name', $3)`,
      [heldRoom, member, before],
    );
    await insertEvent(synapse, {
      roomId,
      type: 'm.room.encrypted',
      sender: '@a:x',
      depth: 1,
      receivedTs: before,
      content: { ciphertext: 'not held' },
    });
    await synapse.pool.query(
      `INSERT INTO local_media_repository (media_id, created_ts, user_id) VALUES ('HeldScan01', $1, $2), ('FreeScan01', $1, '@a:x')`,
      [before, member],
    );
    for (const mediaId of ['HeldScan01', 'FreeScan01']) {
      const dir = join(mediaStore, 'local_content', mediaId.slice(0, 2), mediaId.slice(2, 4));
      await mkdir(dir, { recursive: true });
      const file = join(dir, mediaId.slice(4));
      await writeFile(file, 'ciphertext');
      await utimes(file, new Date(before), new Date(before));
    }

    const proof = await proveRetention(
      {
        proofDb,
        bleepDb: bleep.pool,
        mediaStorePath: mediaStore,
        serverName: server,
        held: { rooms: [heldRoom], users: [] },
      },
      horizon,
    );

    expect(proof.findings.map((finding) => [finding.kind, finding.roomId, finding.count])).toEqual([
      ['event-content', roomId, 1],
      ['local-media', null, 1],
      ['media-file', null, 1],
    ]);
    expect(proof.held.map((kept) => [kept.kind, kept.roomId, kept.count])).toEqual([
      ['event-content', heldRoom, 1],
      ['search-row', heldRoom, 1],
      ['local-media', null, 1],
    ]);
    // The oldest content outside holds: the unheld message, not the held room's older one.
    expect(proof.oldestHeld.event).toEqual(new Date(before));
  });
});
