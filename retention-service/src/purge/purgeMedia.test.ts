// Runs against real PostgreSQL: a throwaway database with Synapse 1.160's tables, and the stand-in admin API.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ThrowawayDatabase } from '../../../policy-module/src/database/throwawayDatabase.testkit.ts';
import { createSynapseTestDatabase } from '../database/synapseTables.testkit.ts';
import {
  createSynapseAdminStandIn,
  type SynapseAdminStandIn,
} from '../synapse/synapseAdminStandIn.testkit.ts';
import { purgeLocalMedia, purgeRemoteMediaCache, type MediaPurgeDeps } from './purgeMedia.ts';

const server = 'trust-a.example';
const now = new Date('2026-11-28T12:00:00Z');
const cutoff = new Date(now.getTime() - 3600_000);
const before = cutoff.getTime() - 1000;
const after = cutoff.getTime() + 1000;

let database: ThrowawayDatabase;
let admin: SynapseAdminStandIn;

function deps(): MediaPurgeDeps {
  return {
    synapseDb: database.pool,
    admin,
    serverName: server,
    clock: () => now,
    withRetries: (_dependency, work) => work(),
  };
}

async function localMedia(mediaId: string, createdTs: number, lastAccessTs = createdTs): Promise<void> {
  await database.pool.query(
    `INSERT INTO local_media_repository (media_id, media_type, media_length, created_ts, last_access_ts, user_id)
     VALUES ($1, 'application/octet-stream', 10, $2, $3, '@a:${server}')`,
    [mediaId, createdTs, lastAccessTs],
  );
}

async function remoteMedia(mediaId: string, createdTs: number, lastAccessTs: number): Promise<void> {
  await database.pool.query(
    `INSERT INTO remote_media_cache (media_origin, media_id, media_type, created_ts, last_access_ts, media_length, filesystem_id)
     VALUES ('trust-b.example', $1, 'x', $2, $3, 10, $1)`,
    [mediaId, createdTs, lastAccessTs],
  );
}

async function ids(table: string): Promise<string[]> {
  const { rows } = await database.pool.query<{ media_id: string }>(
    `SELECT media_id FROM ${table} ORDER BY media_id`,
  );
  return rows.map((row) => row.media_id);
}

beforeAll(async () => {
  database = await createSynapseTestDatabase();
});

afterAll(async () => {
  await database.drop();
});

beforeEach(async () => {
  await database.pool.query(
    'TRUNCATE local_media_repository, remote_media_cache, profiles, room_stats_state',
  );
  admin = createSynapseAdminStandIn(database, () => now);
});

describe('purgeLocalMedia', () => {
  it('deletes media uploaded before the cutoff however recently it was viewed, through the API, one at a time', async () => {
    await localMedia('oldviewed', before, after);
    await localMedia('old', before);
    await localMedia('new', after);

    expect(await purgeLocalMedia(deps(), cutoff)).toEqual({ deleted: 2, failures: [] });
    expect(await ids('local_media_repository')).toEqual(['new']);
    expect(admin.calls.map((call) => call.args[1]).sort()).toEqual(['old', 'oldviewed']);
  });

  it('keeps a picture in use as a profile picture or a room avatar', async () => {
    await localMedia('face', before);
    await localMedia('ward', before);
    await database.pool.query(
      `INSERT INTO profiles (user_id, full_user_id, avatar_url) VALUES ('a', '@a:${server}', 'mxc://${server}/face')`,
    );
    await database.pool.query(
      `INSERT INTO room_stats_state (room_id, avatar) VALUES ('!r:x', 'mxc://${server}/ward')`,
    );

    expect(await purgeLocalMedia(deps(), cutoff)).toEqual({ deleted: 0, failures: [] });
  });

  it('records media Synapse would not delete and carries on with the rest', async () => {
    await localMedia('stuck', before);
    await localMedia('fine', before + 1);
    const deleteLocalMedia = admin.deleteLocalMedia.bind(admin);
    const failing = {
      ...deps(),
      admin: {
        ...admin,
        deleteLocalMedia: (serverName: string, mediaId: string) =>
          mediaId === 'stuck'
            ? Promise.reject(Object.assign(new Error('refused'), { code: 'SYNAPSE_REFUSED' }))
            : deleteLocalMedia(serverName, mediaId),
      },
    };
    const result = await purgeLocalMedia(failing, cutoff);
    expect(result.deleted).toBe(1);
    expect(result.failures).toEqual([{ mediaId: 'stuck', code: 'SYNAPSE_REFUSED', message: 'refused' }]);
  });
});

describe('purgeRemoteMediaCache', () => {
  it('purges copies not viewed since the cutoff, and the whole cache when an old copy was viewed since', async () => {
    await remoteMedia('quiet', before, before);
    await remoteMedia('viewed', before, after);
    await remoteMedia('fresh', after, after);

    expect(await purgeRemoteMediaCache(deps(), cutoff)).toBe(3);
    expect(await ids('remote_media_cache')).toEqual([]);
  });

  it('leaves the cache alone when nothing in it is old', async () => {
    await remoteMedia('fresh', after, after);
    expect(await purgeRemoteMediaCache(deps(), cutoff)).toBe(0);
    expect(await ids('remote_media_cache')).toEqual(['fresh']);
    expect(admin.calls).toHaveLength(1);
  });
});
