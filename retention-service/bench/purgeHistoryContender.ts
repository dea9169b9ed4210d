// Contender 3, the throughput baseline: Synapse's purge_history admin API alone, over every room, with what an
// operator would send by hand (`purge_up_to_ts` at the window's cutoff, local events included), as many rooms at
// once as the retention service purges (its RETENTION_ROOM_CONCURRENCY), each polled every 100 ms to completion
// (and, when asked for, every 500 ms as the service polls, to show what its polling costs).
// No plan, no redaction, no search rows, no proof: the cost of the purge itself.
import pg from 'pg';
import { parseRetentionConfig } from '../src/config/retentionConfig.ts';
import { listRooms } from '../src/purge/roomPlan.ts';
import { sleepUntil, type Contender, type ContenderContext, type ContenderId } from './contender.ts';

type Outcome = 'complete' | 'failed' | 'nothing-to-purge';

async function admin(
  context: ContenderContext,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(new URL(path, context.homeserver.synapseUrl), {
    method,
    headers: {
      authorization: `Bearer ${context.retentionEnv.SYNAPSE_ADMIN_TOKEN ?? ''}`,
      'content-type': 'application/json',
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return {
    status: response.status,
    body: (await response.json().catch(() => ({}))) as Record<string, unknown>,
  };
}

async function purgeOneRoom(
  context: ContenderContext,
  roomId: string,
  upTo: number,
  pollMs: number,
): Promise<Outcome> {
  const started = await admin(
    context,
    'POST',
    `/_synapse/admin/v1/purge_history/${encodeURIComponent(roomId)}`,
    {
      delete_local_events: true,
      purge_up_to_ts: upTo,
    },
  );
  const purgeId = started.body.purge_id;
  // Synapse refuses a room with no event before the time (404) or none it may purge up to (400).
  if (typeof purgeId !== 'string') return 'nothing-to-purge';
  for (;;) {
    const status = await admin(context, 'GET', `/_synapse/admin/v1/purge_history_status/${purgeId}`);
    if (status.body.status === 'complete') return 'complete';
    if (status.body.status === 'failed') return 'failed';
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

function purgeHistoryAlone(id: ContenderId, title: string, pollMs: number): Contender {
  return {
    id,
    title,
    synapseConfig: serviceConfig,
    async purge(context) {
      const concurrency = parseRetentionConfig(context.retentionEnv).RETENTION_ROOM_CONCURRENCY;
      const db = new pg.Client({ connectionString: context.retentionEnv.SYNAPSE_DATABASE_URL });
      await db.connect();
      let rooms: string[];
      try {
        rooms = await listRooms(db);
      } finally {
        await db.end();
      }
      await sleepUntil(context.idleUntil);
      const startedAt = Date.now();
      const upTo = startedAt - context.windowMs;
      const outcomes: Record<Outcome, number> = { complete: 0, failed: 0, 'nothing-to-purge': 0 };
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < rooms.length) {
          const roomId = rooms[next] ?? '';
          next += 1;
          outcomes[await purgeOneRoom(context, roomId, upTo, pollMs)] += 1;
        }
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
      return {
        startedAt,
        finishedAt: Date.now(),
        detail: [
          `${rooms.length} rooms, ${concurrency} at once, status polled every ${pollMs} ms: ${outcomes.complete} purged, ${outcomes['nothing-to-purge']} with nothing to purge, ${outcomes.failed} failed`,
        ],
      };
    },
  };
}

export const purgeHistoryContender = purgeHistoryAlone(
  'purge-history',
  "Synapse's purge_history admin API alone",
  100,
);

/** The same, polled as the retention service polls (every 500 ms): what its polling alone costs. */
export const purgeHistorySlowPollContender = purgeHistoryAlone(
  'purge-history-500ms',
  "Synapse's purge_history admin API alone, polled every 500 ms as the service polls",
  500,
);

function serviceConfig(context: ContenderContext): Promise<string> {
  return Promise.resolve(`${context.homeserver.files.chrootDir}/homeserver.yaml`);
}
