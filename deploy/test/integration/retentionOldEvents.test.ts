// Needs the real local stack (trust-a). The real 72-hour window, no `--older-than`: events dated days ago by the
// local test-only application service (timestamp massaging) are purged by a run, with their search rows; events
// dated inside the window, and new ones, stay; the proof is clean. Judged by SQL on Synapse's database.
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import type { RunningTrust } from '../../local/src/stackStatus.ts';
import { createBackdatedRoom, newBackdatingUser, sendDated } from './backdatedEvents.ts';
import { retentionRun } from './retentionCommand.ts';
import { trustNamed } from './stackInfo.ts';

const hourMs = 60 * 60 * 1000;

async function heldBy(trust: RunningTrust, table: 'event_json' | 'event_search', ids: string[]) {
  const client = new pg.Client({ connectionString: trust.databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ event_id: string }>(
      `SELECT event_id FROM ${table} WHERE event_id = ANY($1::text[])`,
      [ids],
    );
    return ids.filter((id) => rows.some((row) => row.event_id === id));
  } finally {
    await client.end();
  }
}

describe('the purge with the policy window (72 hours) and genuinely old events', () => {
  const trustA = trustNamed(inject('stack'), 'trust-a');

  it('removes what was sent before the window, with its search rows, and keeps what was sent inside it', async () => {
    const sender = await newBackdatingUser(trustA, 'ward');
    const roomId = await createBackdatedRoom(sender, 'Backdated ward room');
    const now = Date.now();
    const fourDaysOld = await sendDated(sender, roomId, 'handover from four days ago', now - 96 * hourMs);
    const threeDaysOld = await sendDated(sender, roomId, 'handover from 73 hours ago', now - 73 * hourMs);
    const insideWindow = await sendDated(sender, roomId, 'handover from 71 hours ago', now - 71 * hourMs);
    const fresh = await sendDated(sender, roomId, 'handover from now', now);
    const all = [fourDaysOld, threeDaysOld, insideWindow, fresh];
    // The control: before the run, Synapse holds them all, and indexes them for search.
    expect(await heldBy(trustA, 'event_json', all)).toEqual(all);
    expect(await heldBy(trustA, 'event_search', all)).toEqual(all);

    const run = await retentionRun('trust-a');

    expect(run.summary.window.windowSource).toBe('policy');
    expect(run.summary.failures).toEqual([]);
    expect(run.summary.findings).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(await heldBy(trustA, 'event_json', all)).toEqual([insideWindow, fresh]);
    expect(await heldBy(trustA, 'event_search', all)).toEqual([insideWindow, fresh]);
  });
});
