// The proof after each run: Synapse's database, read through a role that may only read, and the media store,
// checked for content and key material older than the proof horizon. It shares only three definitions with the
// purge (what "holds content" means, which media is an avatar in use, which media a legal hold keeps); every query
// here is its own, so a mistake in choosing what to purge does not hide itself. What a legal hold keeps (its rooms'
// events, search rows and staged events, and its media) is listed as held, not reported as a finding.
import type { Pool } from 'pg';
import { heldMediaSql, nothingHeld, type HeldScope } from '../hold/heldMedia.ts';
import { contentHeldSql } from '../purge/contentHeld.ts';
import { eventTimeSql, searchRowTimeSql } from '../purge/eventTime.ts';
import { mediaInUseSql } from '../purge/mediaInUse.ts';
import type { Queryable } from '../purge/roomPlan.ts';
import { markAtOrBefore } from '../purge/streamMarks.ts';
import type { Finding, FindingKind } from './finding.ts';
import { oldMediaFiles } from './mediaStoreScan.ts';

export type ProofDeps = Readonly<{
  /** Synapse's database as the read-only proof role. */
  proofDb: Queryable;
  /** Bleep's database: the recorded to-device stream marks. */
  bleepDb: Pool;
  mediaStorePath: string;
  serverName: string;
  /** What legal holds keep now. */
  held?: HeldScope;
}>;

export type ProofResult = Readonly<{
  horizon: Date;
  findings: readonly Finding[];
  /** Content past the horizon that legal holds keep (event-content, search-row, federation-staging, local-media). */
  held: readonly Finding[];
  /** The oldest content held at all, by where (null: none held), for the metrics' "age of the oldest content". */
  oldestHeld: Readonly<{ event: Date | null; search: Date | null; media: Date | null }>;
  /** The to-device check needs a stream mark at or before the horizon; false until one exists. */
  toDeviceChecked: boolean;
}>;

type GroupRow = { room_id: string | null; count: string; oldest: string | null };

function findingsFrom(kind: FindingKind, rows: readonly GroupRow[]): Finding[] {
  return rows
    .filter((row) => Number(row.count) > 0)
    .map((row) => ({
      kind,
      roomId: row.room_id,
      count: Number(row.count),
      oldest: row.oldest === null ? null : new Date(Number(row.oldest)),
    }));
}

async function grouped(db: Queryable, kind: FindingKind, sql: string, params: unknown[]): Promise<Finding[]> {
  const { rows } = await db.query<GroupRow>(sql, params);
  return findingsFrom(kind, rows);
}

const oldEventContent = `
  SELECT e.room_id, count(*) AS count, min(${eventTimeSql('e')}) AS oldest
  FROM events e JOIN event_json j ON j.event_id = e.event_id
  WHERE ${eventTimeSql('e')} < $1
    AND NOT EXISTS (SELECT 1 FROM state_events s WHERE s.event_id = e.event_id)
    AND ${contentHeldSql('j.json')}
  GROUP BY e.room_id ORDER BY e.room_id`;

const searchRowTime = searchRowTimeSql('s', 'e');
const oldSearchRows = `
  SELECT s.room_id, count(*) AS count, min(${searchRowTime}) AS oldest
  FROM event_search s LEFT JOIN events e ON e.event_id = s.event_id
  WHERE ${searchRowTime} < $1
  GROUP BY s.room_id ORDER BY s.room_id`;

/** The oldest content held outside legal holds (held content is old by design, and would hide what is not). */
async function oldestHeld(deps: ProofDeps, held: HeldScope): Promise<ProofResult['oldestHeld']> {
  const at = (value: string | null | undefined): Date | null =>
    value === null || value === undefined ? null : new Date(Number(value));
  const event = await deps.proofDb.query<{ oldest: string | null }>(
    `SELECT min(${eventTimeSql('e')}) AS oldest FROM events e JOIN event_json j ON j.event_id = e.event_id
     WHERE NOT EXISTS (SELECT 1 FROM state_events s WHERE s.event_id = e.event_id) AND ${contentHeldSql('j.json')}
       AND e.room_id <> ALL($1::text[])`,
    [held.rooms],
  );
  const search = await deps.proofDb.query<{ oldest: string | null }>(
    `SELECT min(${searchRowTime}) AS oldest FROM event_search s LEFT JOIN events e ON e.event_id = s.event_id
     WHERE s.room_id <> ALL($1::text[])`,
    [held.rooms],
  );
  const media = await deps.proofDb.query<{ oldest: string | null }>(
    `SELECT min(m.created_ts) AS oldest FROM local_media_repository m
     WHERE NOT ${mediaInUseSql('m.media_id', '$1')} AND NOT ${heldMediaSql('$1', '$2', '$3')}`,
    [deps.serverName, held.rooms, held.users],
  );
  return {
    event: at(event.rows[0]?.oldest),
    search: at(search.rows[0]?.oldest),
    media: at(media.rows[0]?.oldest),
  };
}

/** Local media a legal hold keeps, by id (their files are kept too). */
async function heldMediaIds(deps: ProofDeps, held: HeldScope): Promise<string[]> {
  if (held.rooms.length === 0 && held.users.length === 0) return [];
  const { rows } = await deps.proofDb.query<{ media_id: string }>(
    `SELECT m.media_id FROM local_media_repository m WHERE ${heldMediaSql('$1', '$2', '$3')}`,
    [deps.serverName, held.rooms, held.users],
  );
  return rows.map((row) => row.media_id);
}

/** What a held room keeps: its events, their search rows, and partners' events staged for it. */
const keptWithRoom: ReadonlySet<FindingKind> = new Set(['event-content', 'search-row', 'federation-staging']);

/** Splits findings into those a hold keeps and the rest. */
function partitionHeld(
  found: readonly Finding[],
  held: HeldScope,
): Readonly<{ findings: Finding[]; held: Finding[] }> {
  const rooms = new Set(held.rooms);
  const isHeld = (finding: Finding) =>
    keptWithRoom.has(finding.kind) && finding.roomId !== null && rooms.has(finding.roomId);
  return { findings: found.filter((f) => !isHeld(f)), held: found.filter(isHeld) };
}

async function avatarsInUse(deps: ProofDeps): Promise<Set<string>> {
  const prefix = `mxc://${deps.serverName}/`;
  const { rows } = await deps.proofDb.query<{ url: string }>(
    `SELECT avatar_url AS url FROM profiles WHERE left(avatar_url, length($1)) = $1
     UNION SELECT avatar FROM room_stats_state WHERE left(avatar, length($1)) = $1`,
    [prefix],
  );
  return new Set(rows.map((row) => row.url.slice(prefix.length)));
}

export async function proveRetention(deps: ProofDeps, horizon: Date): Promise<ProofResult> {
  const before = horizon.getTime();
  const db = deps.proofDb;
  const scope = deps.held ?? nothingHeld;
  const found: Finding[] = [
    ...(await grouped(db, 'event-content', oldEventContent, [before])),
    ...(await grouped(db, 'search-row', oldSearchRows, [before])),
  ];
  const mark = await markAtOrBefore(deps.bleepDb, horizon);
  if (mark) {
    found.push(
      ...(await grouped(
        db,
        'to-device',
        'SELECT NULL AS room_id, count(*) AS count, NULL AS oldest FROM device_inbox WHERE stream_id <= $1',
        [mark.position],
      )),
    );
  }
  found.push(
    ...(await grouped(
      db,
      'federation-outbox',
      `SELECT NULL AS room_id, count(*) AS count, min(queued_ts) AS oldest FROM device_federation_outbox
       WHERE queued_ts < $1`,
      [before],
    )),
    ...(await grouped(
      db,
      'federation-staging',
      `SELECT room_id, count(*) AS count, min(received_ts) AS oldest FROM federation_inbound_events_staging
       WHERE received_ts < $1 GROUP BY room_id ORDER BY room_id`,
      [before],
    )),
    ...(await grouped(
      db,
      'local-media',
      `SELECT NULL AS room_id, count(*) AS count, min(m.created_ts) AS oldest FROM local_media_repository m
       WHERE m.created_ts < $1 AND NOT ${mediaInUseSql('m.media_id', '$2')}
         AND NOT ${heldMediaSql('$2', '$3', '$4')}`,
      [before, deps.serverName, scope.rooms, scope.users],
    )),
    ...(await grouped(
      db,
      'remote-media',
      `SELECT NULL AS room_id, count(*) AS count, min(created_ts) AS oldest FROM remote_media_cache
       WHERE created_ts < $1`,
      [before],
    )),
    ...(await grouped(
      db,
      'delayed-event',
      `SELECT room_id, count(*) AS count, min(send_ts) AS oldest FROM delayed_events
       WHERE send_ts < $1 GROUP BY room_id ORDER BY room_id`,
      [before],
    )),
    ...(await grouped(
      db,
      'key-backup',
      'SELECT NULL AS room_id, count(*) AS count, NULL AS oldest FROM e2e_room_keys',
      [],
    )),
    ...(await grouped(
      db,
      'dehydrated-device',
      'SELECT NULL AS room_id, count(*) AS count, NULL AS oldest FROM dehydrated_devices',
      [],
    )),
  );

  const { findings, held } = partitionHeld(found, scope);
  const heldMedia = await heldMediaIds(deps, scope);
  if (heldMedia.length > 0) {
    held.push(
      ...(await grouped(
        db,
        'local-media',
        `SELECT NULL AS room_id, count(*) AS count, min(created_ts) AS oldest FROM local_media_repository
         WHERE created_ts < $1 AND media_id = ANY($2::text[])`,
        [before, heldMedia],
      )),
    );
  }
  const kept = new Set([...(await avatarsInUse(deps)), ...heldMedia]);
  const files = await oldMediaFiles(deps.mediaStorePath, horizon, kept);
  if (files.count > 0) {
    findings.push({ kind: 'media-file', roomId: null, count: files.count, oldest: files.oldest });
  }

  return {
    horizon,
    findings,
    held,
    oldestHeld: await oldestHeld(deps, scope),
    toDeviceChecked: mark !== undefined,
  };
}
