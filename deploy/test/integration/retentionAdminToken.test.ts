// Needs the real local stack (trust-a: its Synapse and PostgreSQL). A run whose Synapse admin token Synapse no longer
// takes fails loudly and purges nothing: `bleep-retention run` with trust-a's own configuration but a token minted
// for the retention service's account and then signed out (revoked), or one past its valid_until_ms (expired), exits
// non-zero, names the failure SYNAPSE_ADMIN_TOKEN_REJECTED, logs one error line that does not hold the token,
// leaves the old messages in Synapse and is on record as failed (the report); the next run, with the service's own
// token, purges them. Judged by SQL on Synapse's database and by the report. Starts and stops no process of the stack.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { registerUser } from '@bleep/policy-module';
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { retentionServiceAccount } from '../../local/src/adminAccount.ts';
import { localLayout } from '../../local/src/localLayout.ts';
import { loadLocalTrust } from '../../local/src/localTrusts.ts';
import { retentionEnv } from '../../local/src/retentionPreparation.ts';
import { retentionCli } from '../../local/src/retentionProcess.ts';
import type { RunningTrust } from '../../local/src/stackStatus.ts';
import { trustFiles } from '../../local/src/trustFiles.ts';
import { createBackdatedRoom, newBackdatingUser, sendDated } from './backdatedEvents.ts';
import { retentionRun, type RetentionRunResult } from './retentionCommand.ts';
import { stackCommand } from './stackCli.ts';
import { trustNamed } from './stackInfo.ts';

const hourMs = 60 * 60 * 1000;

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

/** A token for the retention service's own account, minted by a throwaway admin, as trust IT mints one. */
async function mintRetentionToken(trust: RunningTrust, validForMs: number): Promise<string> {
  const minter = await registerUser({
    synapseUrl: trust.synapseUrl,
    sharedSecret: trust.registrationSharedSecret,
    username: `token-minter-${randomBytes(4).toString('hex')}`,
    password: randomBytes(16).toString('hex'),
    displayName: 'Token minter (test)',
    admin: true,
  });
  const account = `@${retentionServiceAccount.username}:${trust.serverName}`;
  const response = await fetch(
    `${trust.synapseUrl}/_synapse/admin/v1/users/${encodeURIComponent(account)}/login`,
    {
      method: 'POST',
      headers: { authorization: `Bearer ${minter.accessToken}` },
      body: JSON.stringify({ valid_until_ms: Date.now() + validForMs }),
    },
  );
  expect(response.status).toBe(200);
  return ((await response.json()) as { access_token: string }).access_token;
}

/** `bleep-retention run --json` with trust-a's own configuration, but the admin token given. */
async function runWithToken(
  trust: RunningTrust,
  adminToken: string,
): Promise<RetentionRunResult & { stderr: string }> {
  const env = {
    ...process.env,
    ...(await retentionEnv(
      await loadLocalTrust(trust.name),
      trustFiles(localLayout(), trust.name),
      trust.synapseUrl,
      trust.registrationSharedSecret,
    )),
    SYNAPSE_ADMIN_TOKEN: adminToken,
  };
  let stdout = '';
  let stderr = '';
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, [retentionCli, 'run', '--json'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env,
    });
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', resolve);
  });
  return { exitCode, summary: JSON.parse(stdout) as RetentionRunResult['summary'], stderr };
}

describe('a retention run whose Synapse admin token is dead', () => {
  const trustA = trustNamed(inject('stack'), 'trust-a');

  it.each([
    ['revoked (signed out)', 'M_UNKNOWN_TOKEN)'],
    ['expired (past its valid_until_ms)', 'M_UNKNOWN_TOKEN, expired)'],
  ])(
    'fails loudly when it is %s, purges nothing, and the next run with a live token purges',
    async (how, said) => {
      const sender = await newBackdatingUser(trustA, 'token');
      const roomId = await createBackdatedRoom(sender, 'Token ward');
      const old = await sendDated(sender, roomId, 'old handover', Date.now() - 96 * hourMs);
      const fresh = await sendDated(sender, roomId, 'new handover', Date.now());
      let dead: string;
      if (how.startsWith('revoked')) {
        dead = await mintRetentionToken(trustA, 60 * 60_000);
        const logout = await fetch(`${trustA.synapseUrl}/_matrix/client/v3/logout`, {
          method: 'POST',
          headers: { authorization: `Bearer ${dead}` },
          body: '{}',
        });
        expect(logout.status).toBe(200);
      } else {
        dead = await mintRetentionToken(trustA, 2000);
        await new Promise((resolve) => setTimeout(resolve, 3000));
      }

      const failed = await runWithToken(trustA, dead);

      expect(failed.exitCode).not.toBe(0);
      expect(failed.summary.status).toBe('failed');
      expect(failed.summary.failures).toContainEqual(
        expect.objectContaining({ step: 'synapse-admin-token', code: 'SYNAPSE_ADMIN_TOKEN_REJECTED' }),
      );
      expect(failed.summary.failures.find((f) => f.step === 'synapse-admin-token')?.message).toContain(said);
      expect(await stillHeld(trustA, [old, fresh])).toBe(2);
      const errors = failed.stderr
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as { level: number; code?: string; msg: string })
        .filter((line) => line.level >= 50);
      expect(errors).toEqual([
        expect.objectContaining({
          code: 'SYNAPSE_ADMIN_TOKEN_REJECTED',
          msg: expect.stringContaining('until SYNAPSE_ADMIN_TOKEN is replaced') as unknown,
        }),
      ]);
      expect(failed.stderr + JSON.stringify(failed.summary)).not.toContain(dead);
      const report = JSON.parse(await stackCommand(['retention', trustA.name, 'report'])) as {
        recentRuns: { id: number; status: string }[];
      };
      expect(report.recentRuns.find((run) => run.id === failed.summary.runId)?.status).toBe('failed');

      const recovered = await retentionRun(trustA.name);

      expect(recovered.summary.failures).toEqual([]);
      expect(await stillHeld(trustA, [old])).toBe(0);
      expect(await stillHeld(trustA, [fresh])).toBe(1);
    },
  );
});
