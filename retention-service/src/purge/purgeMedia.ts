// Media past the window, removed through Synapse's media admin API (so its files, thumbnails and caches go with
// the rows). Local media is chosen by upload time (local_media_repository.created_ts), one item at a time: the
// API's own bulk delete chooses by last access, which a download keeps young. Synapse can only purge its cache of
// partners' media by last access; when old items were viewed recently and survive that, the whole cache is
// purged: it is a cache, and a partner's media still within the partner's window is fetched again on demand.
import { heldMediaSql, nothingHeld, type HeldScope } from '../hold/heldMedia.ts';
import { mediaInUseSql } from './mediaInUse.ts';
import type { Queryable } from './roomPlan.ts';
import type { SynapseAdmin } from '../synapse/synapseAdmin.ts';

export type MediaPurgeDeps = Readonly<{
  synapseDb: Queryable;
  admin: SynapseAdmin;
  serverName: string;
  clock: () => Date;
  withRetries: <T>(dependency: 'synapse' | 'synapse-db', work: () => Promise<T>) => Promise<T>;
  /**
   * Called just before each local item is deleted; when it throws, nothing more is deleted (the legal-hold gate was
   * lost: a hold may have been placed since the holds were read).
   */
  beforeErasing?: () => Promise<void>;
}>;

export type MediaFailure = Readonly<{ mediaId: string; code: string; message: string }>;

export type LocalMediaResult = Readonly<{ deleted: number; failures: readonly MediaFailure[] }>;

const batchSize = 500;

async function oldLocalMedia(
  deps: MediaPurgeDeps,
  cutoff: Date,
  skip: readonly string[],
  held: HeldScope,
): Promise<string[]> {
  const { rows } = await deps.synapseDb.query<{ media_id: string }>(
    `SELECT m.media_id FROM local_media_repository m
     WHERE m.created_ts < $1 AND NOT m.media_id = ANY($3::text[]) AND NOT ${mediaInUseSql('m.media_id', '$2')}
       AND NOT ${heldMediaSql('$2', '$4', '$5')}
     ORDER BY m.created_ts LIMIT ${batchSize}`,
    [cutoff.getTime(), deps.serverName, skip, held.rooms, held.users],
  );
  return rows.map((row) => row.media_id);
}

/** Deletes local media uploaded before the cutoff, except avatars in use and what a legal hold keeps. */
export async function purgeLocalMedia(
  deps: MediaPurgeDeps,
  cutoff: Date,
  held: HeldScope = nothingHeld,
): Promise<LocalMediaResult> {
  let deleted = 0;
  const failures: MediaFailure[] = [];
  for (;;) {
    const failed = failures.map((failure) => failure.mediaId);
    const batch = await deps.withRetries('synapse-db', () => oldLocalMedia(deps, cutoff, failed, held));
    if (batch.length === 0) return { deleted, failures };
    for (const mediaId of batch) {
      try {
        await deps.beforeErasing?.();
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        failures.push({
          mediaId,
          code: typeof code === 'string' ? code : 'UNEXPECTED',
          message: error instanceof Error ? error.message : String(error),
        });
        return { deleted, failures };
      }
      try {
        const result = await deps.withRetries('synapse', () =>
          deps.admin.deleteLocalMedia(deps.serverName, mediaId),
        );
        if (result === 'deleted') deleted += 1;
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        failures.push({
          mediaId,
          code: typeof code === 'string' ? code : 'UNEXPECTED',
          message: error instanceof Error ? error.message : String(error),
        });
      }
    }
  }
}

export async function purgeRemoteMediaCache(deps: MediaPurgeDeps, cutoff: Date): Promise<number> {
  let deleted = await deps.withRetries('synapse', () => deps.admin.purgeRemoteMediaCache(cutoff));
  const { rows } = await deps.withRetries('synapse-db', () =>
    deps.synapseDb.query<{ count: string }>(
      'SELECT count(*) AS count FROM remote_media_cache WHERE created_ts < $1',
      [cutoff.getTime()],
    ),
  );
  if (Number(rows[0]?.count ?? 0) > 0) {
    const now = new Date(deps.clock().getTime() + 1);
    deleted += await deps.withRetries('synapse', () => deps.admin.purgeRemoteMediaCache(now));
  }
  return deleted;
}
