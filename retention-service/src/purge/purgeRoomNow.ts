// purge-room: an information-governance officer purges one room now, whatever its age, after a data incident. It
// does what a run does to content past the window, with the room's whole history up to now as "past": Synapse's
// history purge (the latest message erased by a redaction as one of the trust's members first, so the purge can
// take everything below it), the room's search rows, and its attachments (those its events name in the clear, and
// those the officer names). State stays, so members stay joined and the room keeps working. It takes the run lock
// (never beside a run) and the legal-hold gate (never beside a hold being placed), is refused while a legal hold
// covers the room, and is recorded and audited either way.
import type { AuditSink } from '@bleep/policy-module';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { heldMediaSql } from '../hold/heldMedia.ts';
import { withHoldGate, type HoldGateLease } from '../hold/holdGate.ts';
import { roomExists } from '../hold/holdCover.ts';
import type { LegalHold } from '../hold/legalHoldStore.ts';
import type { LegalHolds } from '../hold/legalHolds.ts';
import type { RunLock } from '../run/runLock.ts';
import type { SynapseAdmin } from '../synapse/synapseAdmin.ts';
import { contentHeldSql } from './contentHeld.ts';
import { deleteRoomSearchRows } from './directDeletes.ts';
import { mediaInUseSql } from './mediaInUse.ts';
import { purgeRoom, type RoomOutcome, type RoomPurgeDeps } from './purgeRoom.ts';
import { parseRoomPurgeRequest, RoomPurgeError, type RoomPurgeRequest } from './roomPurgeRequest.ts';
import type { Queryable } from './roomPlan.ts';
import { recordRoomPurge, type RoomPurgeCounts } from './roomPurgeStore.ts';

export type RoomPurgeNowDeps = Readonly<{
  synapseDb: Queryable;
  bleepDb: Pool;
  admin: SynapseAdmin;
  holds: LegalHolds;
  audit: AuditSink;
  serverName: string;
  clock: () => Date;
  sleep: (ms: number) => Promise<void>;
  withRetries: <T>(dependency: 'synapse' | 'synapse-db' | 'bleep-db', work: () => Promise<T>) => Promise<T>;
  /** The run lock, waited for; undefined when a run kept it longer than the wait. */
  lock: () => Promise<RunLock | undefined>;
  purgeTimeoutMs: number;
  purgePollMs: number;
  log: Logger;
}>;

export type RoomPurgeResult = Readonly<{
  id: number;
  roomId: string;
  cutoff: Date;
  outcome: RoomOutcome['outcome'];
  counts: RoomPurgeCounts;
  failure?: Readonly<{ code: string; message: string }>;
}>;

const mxcReference = `regexp_matches(j.json, 'mxc://([^/"]+)/([A-Za-z0-9_-]+)', 'g')`;

/** Local media the room's events name in the clear, uploaded before the cutoff, avatars in use excepted. */
async function referencedMedia(deps: RoomPurgeNowDeps, roomId: string, cutoff: Date): Promise<string[]> {
  const { rows } = await deps.synapseDb.query<{ media_id: string }>(
    `SELECT DISTINCT m.media_id FROM event_json j CROSS JOIN LATERAL ${mxcReference} AS ref
     JOIN local_media_repository m ON m.media_id = ref[2]
     WHERE j.room_id = $1 AND ref[1] = $2 AND m.created_ts < $3 AND NOT ${mediaInUseSql('m.media_id', '$2')}`,
    [roomId, deps.serverName, cutoff.getTime()],
  );
  return rows.map((row) => row.media_id);
}

/** Of the media ids, those another legal hold keeps (an upload by a held user, or named in a held room). */
async function mediaHeldElsewhere(deps: RoomPurgeNowDeps, mediaIds: readonly string[]): Promise<string[]> {
  if (mediaIds.length === 0) return [];
  const held = await deps.holds.resolve();
  const users = held.holds.filter((hold) => hold.kind === 'user').map((hold) => hold.subject);
  const { rows } = await deps.synapseDb.query<{ media_id: string }>(
    `SELECT m.media_id FROM local_media_repository m
     WHERE m.media_id = ANY($4::text[]) AND ${heldMediaSql('$1', '$2', '$3')}`,
    [deps.serverName, [...held.rooms], users, mediaIds],
  );
  return rows.map((row) => row.media_id);
}

/** What of the room's history before the cutoff still holds content, judged afresh. */
async function leftBehind(deps: RoomPurgeNowDeps, roomId: string, cutoff: Date) {
  const events = await deps.synapseDb.query<{ count: string }>(
    `SELECT count(*) AS count FROM events e JOIN event_json j ON j.event_id = e.event_id
     WHERE e.room_id = $1 AND e.received_ts < $2
       AND NOT EXISTS (SELECT 1 FROM state_events s WHERE s.event_id = e.event_id) AND ${contentHeldSql('j.json')}`,
    [roomId, cutoff.getTime()],
  );
  const search = await deps.synapseDb.query<{ count: string }>(
    `SELECT count(*) AS count FROM event_search s LEFT JOIN events e ON e.event_id = s.event_id
     WHERE s.room_id = $1 AND COALESCE(e.received_ts, s.origin_server_ts, 0) < $2`,
    [roomId, cutoff.getTime()],
  );
  return {
    eventsLeft: Number(events.rows[0]?.count ?? 0),
    searchRowsLeft: Number(search.rows[0]?.count ?? 0),
  };
}

function describeHolds(holds: readonly LegalHold[]): string {
  return holds
    .map((hold) => `hold ${hold.id} (${hold.kind} ${hold.subject}, reference "${hold.reference}")`)
    .join(', ');
}

export function createRoomPurgeNow(deps: RoomPurgeNowDeps) {
  const { withRetries, log } = deps;

  async function refuse(request: RoomPurgeRequest, error: RoomPurgeError): Promise<never> {
    await withRetries('bleep-db', () =>
      deps.audit.record({
        actor: request.by,
        device: null,
        action: 'retention.purge-room',
        room: request.roomId,
        result: `refused: ${error.code}`,
        detail: { reference: request.reference, reason: request.reason },
      }),
    );
    throw error;
  }

  /** Refuses the purge while any legal hold covers the room. */
  async function refuseIfHeld(request: RoomPurgeRequest): Promise<void> {
    const holding = await withRetries('bleep-db', () => deps.holds.covering(request.roomId));
    if (holding.length === 0) return;
    await refuse(
      request,
      new RoomPurgeError(
        'ROOM_UNDER_HOLD',
        `${request.roomId} is under legal hold: ${describeHolds(holding)}. Nothing was purged; release the hold first ` +
          '(bleep-retention hold release <id> --reason ...) if the purge must go ahead.',
      ),
    );
  }

  async function underLock(request: RoomPurgeRequest, gate: HoldGateLease): Promise<RoomPurgeResult> {
    const { roomId } = request;
    await refuseIfHeld(request);
    const cutoff = deps.clock();
    const named = request.media.map((mxc) => mxc.slice('mxc://'.length).split('/') as [string, string]);
    const foreign = named.filter(([server]) => server !== deps.serverName);
    if (foreign.length > 0) {
      return refuse(
        request,
        new RoomPurgeError(
          'ROOM_PURGE_FOREIGN_MEDIA',
          `only this server's attachments can be deleted here (${deps.serverName}); ask the partner trust for ` +
            foreign.map(([server, id]) => `mxc://${server}/${id}`).join(', '),
        ),
      );
    }
    // Found before the purge: the events that name them are about to go.
    const media = [
      ...new Set([
        ...(await withRetries('synapse-db', () => referencedMedia(deps, roomId, cutoff))),
        ...named.map(([, id]) => id),
      ]),
    ];
    const keptByHold = await withRetries('bleep-db', () => mediaHeldElsewhere(deps, media));
    if (keptByHold.length > 0) {
      return refuse(
        request,
        new RoomPurgeError(
          'ROOM_UNDER_HOLD',
          `a legal hold keeps ${keptByHold.map((id) => `mxc://${deps.serverName}/${id}`).join(', ')}; nothing was ` +
            'purged. Leave those attachments out, or release the hold first.',
        ),
      );
    }
    const roomDeps: RoomPurgeDeps = {
      synapseDb: deps.synapseDb,
      admin: deps.admin,
      clock: deps.clock,
      sleep: deps.sleep,
      withRetries,
      purgeTimeoutMs: deps.purgeTimeoutMs,
      purgePollMs: deps.purgePollMs,
      // Transaction ids unique to this purge: its redactions are never taken for an earlier run's.
      runId: cutoff.getTime(),
      beforeErasing: gate.confirm,
    };
    const room = await purgeRoom(roomDeps, roomId, cutoff);
    await gate.confirm();
    const searchRows = await withRetries('synapse-db', () =>
      deleteRoomSearchRows(deps.synapseDb, roomId, cutoff),
    );
    let deleted = 0;
    for (const mediaId of media) {
      await gate.confirm();
      if (
        (await withRetries('synapse', () => deps.admin.deleteLocalMedia(deps.serverName, mediaId))) ===
        'deleted'
      ) {
        deleted += 1;
      }
    }
    const left = await withRetries('synapse-db', () => leftBehind(deps, roomId, cutoff));
    const counts: RoomPurgeCounts = {
      eventsPurged: room.eventsPurged,
      redactionsSent: room.redactionsSent,
      searchRows,
      media: deleted,
      ...left,
    };
    const at = deps.clock();
    const id = await withRetries('bleep-db', () =>
      recordRoomPurge(deps.bleepDb, {
        roomId,
        at,
        by: request.by,
        reason: request.reason,
        reference: request.reference,
        cutoff,
        outcome: room.outcome,
        counts,
      }),
    );
    await withRetries('bleep-db', () =>
      deps.audit.record({
        actor: request.by,
        device: null,
        action: 'retention.purge-room',
        room: roomId,
        result: room.outcome,
        detail: {
          purgeId: id,
          reference: request.reference,
          reason: request.reason,
          cutoff: cutoff.toISOString(),
          ...counts,
          ...(room.failure ? { failure: room.failure.code } : {}),
        },
      }),
    );
    log.info({ purgeId: id, outcome: room.outcome, ...counts }, 'room purged on request');
    return {
      id,
      roomId,
      cutoff,
      outcome: room.outcome,
      counts,
      ...(room.failure ? { failure: room.failure } : {}),
    };
  }

  return async function purgeRoomNow(input: unknown): Promise<RoomPurgeResult> {
    const request = parseRoomPurgeRequest(input);
    if (!(await withRetries('synapse-db', () => roomExists(deps.synapseDb, request.roomId)))) {
      throw new RoomPurgeError(
        'ROOM_PURGE_UNKNOWN_ROOM',
        `this homeserver has no room ${request.roomId}: check the id (it starts with '!' and names the server)`,
      );
    }
    const lock = await deps.lock();
    if (!lock) {
      throw new RoomPurgeError(
        'ROOM_PURGE_BUSY',
        'a retention run is still going and kept the lock longer than purge-room waits; try again shortly',
      );
    }
    try {
      // Under the legal-hold gate from the hold check to the last deletion: a hold placed meanwhile waits for the
      // purge to finish, and one being placed when it starts is committed, and refuses it, first.
      return await withHoldGate(deps.bleepDb, (gate) => underLock(request, gate));
    } finally {
      await lock.release();
    }
  };
}
