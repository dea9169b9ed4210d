// Needs the real local stack (trust-a). The retention run survives what production will do to it: a run killed
// halfway (the process gone, Synapse's purges mid-flight) is closed as interrupted and finished by the next; a run
// while trust-a's Synapse is down fails visibly (exit code, failures, the report) and the next run after Synapse
// returns purges everything. Judged by SQL on Synapse's database and by the report. Stops and restarts trust-a's
// Synapse: run with the other integration files one at a time (fileParallelism is off).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { RunningTrust } from '../../local/src/stackStatus.ts';
import { stackStatus } from '../../local/src/stackStatus.ts';
import { createBackdatedRoom, newBackdatingUser, sendDated } from './backdatedEvents.ts';
import { retentionRun } from './retentionCommand.ts';
import { stackCommand } from './stackCli.ts';
import { trustNamed } from './stackInfo.ts';

const cli = fileURLToPath(new URL('../../local/src/cli.ts', import.meta.url));
const hourMs = 60 * 60 * 1000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function stillHeld(trust: RunningTrust, eventIds: readonly string[]): Promise<number> {
  const client = new pg.Client({ connectionString: trust.databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ count: string }>(
      'SELECT count(*) AS count FROM event_json WHERE event_id = ANY($1::text[])',
      [eventIds],
    );
    return Number(rows[0]?.count);
  } finally {
    await client.end();
  }
}

/** Rooms, each with one message dated four days ago (past the 72-hour window) and one from now. */
async function roomsWithOldMessages(trust: RunningTrust, count: number) {
  const sender = await newBackdatingUser(trust, 'recovery');
  const old: string[] = [];
  const fresh: string[] = [];
  for (let index = 0; index < count; index += 1) {
    const roomId = await createBackdatedRoom(sender, `Recovery ward ${index}`);
    old.push(await sendDated(sender, roomId, `old handover ${index}`, Date.now() - 96 * hourMs));
    fresh.push(await sendDated(sender, roomId, `new handover ${index}`, Date.now()));
  }
  return { old, fresh };
}

type ReportRunStatus = { id: number; status: string };

async function recentRuns(trustName: string): Promise<ReportRunStatus[]> {
  const output = await stackCommand(['retention', trustName, 'report']);
  return (JSON.parse(output) as { recentRuns: ReportRunStatus[] }).recentRuns;
}

describe('a retention run that is killed, or meets Synapse down', () => {
  const trustA = trustNamed(inject('stack'), 'trust-a');

  afterAll(async () => {
    // Whatever happened, leave trust-a running for the next file.
    await stackCommand(['up', 'trust-a']);
  });

  it('is closed as interrupted when killed halfway, and the next run finishes the purge', async () => {
    const { old, fresh } = await roomsWithOldMessages(trustA, 12);
    const run = spawn(process.execPath, [cli, 'retention', 'trust-a', 'run', '--json'], {
      stdio: 'ignore',
      // Its own process group, so the kill takes the runner's child (the retention command) with it.
      detached: true,
    });
    const runGroup = run.pid ?? 0;
    // Killed the moment the first room's old message is gone: the run is then halfway.
    let leftAtKill = old.length;
    const deadline = Date.now() + 120_000;
    while (leftAtKill === old.length && Date.now() < deadline) {
      await sleep(25);
      leftAtKill = await stillHeld(trustA, old);
    }
    process.kill(-runGroup, 'SIGKILL');
    expect(leftAtKill, 'the run was killed before it had purged every room').toBeGreaterThan(0);
    expect(leftAtKill).toBeLessThan(old.length);

    const next = await retentionRun('trust-a');

    expect(next.summary.failures).toEqual([]);
    expect(next.summary.findings).toEqual([]);
    expect(next.exitCode).toBe(0);
    expect(await stillHeld(trustA, old)).toBe(0);
    expect(await stillHeld(trustA, fresh)).toBe(fresh.length);
    // The killed run is on the record, closed as interrupted by the run that followed it.
    const runs = await recentRuns('trust-a');
    const killed = runs.find((entry) => entry.id === (next.summary.runId ?? 0) - 1);
    expect(killed?.status).toBe('interrupted');
  });

  it('fails visibly while Synapse is down, and the first run after it returns purges everything', async () => {
    const { old, fresh } = await roomsWithOldMessages(trustA, 2);
    const synapse = (await stackStatus()).find((entry) => entry.name === 'trust-a');
    if (synapse?.state !== 'running') throw new Error('trust-a is not running');
    process.kill(synapse.pid, 'SIGKILL');
    // Synapse's client listener stops answering.
    await expect
      .poll(
        () =>
          fetch(`${trustA.synapseUrl}/health`).then(
            () => 'up',
            () => 'down',
          ),
        { timeout: 30_000 },
      )
      .toBe('down');

    const failed = await retentionRun('trust-a');

    expect(failed.exitCode).not.toBe(0);
    expect(failed.summary.status).toBe('failed');
    expect(failed.summary.failures.length).toBeGreaterThan(0);
    expect(await stillHeld(trustA, old)).toBe(old.length);
    const runs = await recentRuns('trust-a');
    expect(runs.find((entry) => entry.id === failed.summary.runId)?.status).toBe('failed');

    await stackCommand(['up', 'trust-a']);
    const recovered = await retentionRun('trust-a');

    expect(recovered.summary.failures).toEqual([]);
    expect(recovered.exitCode).toBe(0);
    expect(await stillHeld(trustA, old)).toBe(0);
    expect(await stillHeld(trustA, fresh)).toBe(fresh.length);
  });
});
