// Needs the real local stack: trust-a (chroot Synapse, PostgreSQL, its gateway and retention service). Client
// expiry enforced from the server, judged by what Synapse then does with the desktop's access token (asked
// directly, not through the gateway) and by the audit trail:
// - a desktop reporting 91-day-old content through the gateway is signed out of Synapse at once;
// - an overdue desktop is warned by the retention service, then signed out once past its grace; one that reported
//   in time stays signed in; a session Synapse has not seen for clientDays is signed out;
// - malformed reports, a revoked desktop and an unknown token get Matrix errors naming the rule, never a 5xx.
// Time is moved for one desktop only: its sign-in and enrolment (and, for "not seen", Synapse's last use of the
// device) are dated back in the databases, as days of silence would have left them; the service runs with the real
// clock and the trust's real 24-hour deadlines, and nobody else's desktop is touched.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import type { RunningTrust } from '../../local/src/stackStatus.ts';
import { signInAtEnrolledDesktop, type StaffSession } from './clinicianClient.ts';
import { enrolmentStoreOf } from './enrolledDesktop.ts';
import { rawRequest } from './rawRequest.ts';
import { trustNamed } from './stackInfo.ts';

const day = 86_400_000;
const cli = fileURLToPath(new URL('../../local/src/cli.ts', import.meta.url));

/** `npm run stack -- retention <trust> run --json`, with the policy's own window: what it did to client expiry. */
async function retentionRun(trust: RunningTrust): Promise<Record<string, unknown>> {
  let stdout = '';
  let stderr = '';
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, [cli, 'retention', trust.name, 'run', '--json'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', resolve);
  });
  try {
    return JSON.parse(stdout) as Record<string, unknown>;
  } catch {
    throw new Error(`retention run printed no summary (exit ${String(exitCode)}):\n${stderr}`);
  }
}

/** Whether Synapse itself (its internal listener, not the gateway) still takes the token. */
async function synapseTakes(trust: RunningTrust, accessToken: string): Promise<number> {
  const response = await fetch(`${trust.synapseUrl}/_matrix/client/v3/account/whoami`, {
    headers: { authorization: `Bearer ${accessToken}` },
  });
  await response.body?.cancel();
  return response.status;
}

function report(trust: RunningTrust, token: string | undefined, body: string) {
  return rawRequest(trust.clientUrl, {
    method: 'POST',
    target: '/_bleep/expiry-report',
    headers: [
      ...(token === undefined ? [] : [['authorization', `Bearer ${token}`] as [string, string]]),
      ['content-type', 'application/json'],
    ],
    body,
  });
}

async function asGateway<T>(trust: RunningTrust, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: trust.policyDatabaseUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Dates the desktop's enrolment and its user's sign-in `hours` back, as a desktop silent that long would be. */
async function silentFor(trust: RunningTrust, session: StaffSession, hours: number): Promise<void> {
  await asGateway(trust, async (client) => {
    const back = `${hours} hours`;
    await client.query(
      `UPDATE bleep_device_enrolment SET enrolled_at = now() - $2::interval WHERE device_id = $1`,
      [session.deviceId, back],
    );
    await client.query(
      `UPDATE bleep_device_login SET last_login_at = now() - $3::interval WHERE device_id = $1 AND user_id = $2`,
      [session.deviceId, session.userId, back],
    );
  });
}

type AuditRow = { action: string; result: string; reason: string | null; by: string | null };

async function expiryAudit(trust: RunningTrust, session: StaffSession): Promise<AuditRow[]> {
  return asGateway(trust, async (client) => {
    const { rows } = await client.query<AuditRow>(
      `SELECT action, result, detail->>'reason' AS reason, detail->>'by' AS by FROM bleep_audit
       WHERE actor = $1 AND device = $2 AND action LIKE 'expiry.%' ORDER BY seq`,
      [session.userId, session.deviceId],
    );
    return rows;
  });
}

async function complianceReport(trust: RunningTrust) {
  const response = await fetch(`${trust.retentionUrl}/report`, {
    headers: { authorization: `Bearer ${trust.retentionReportToken}` },
  });
  expect(response.status).toBe(200);
  return (await response.json()) as {
    clientExpiry: {
      desktops: { userId: string; deviceId: string; state: string; lastReport: unknown }[];
    } | null;
  };
}

describe('client expiry, enforced from the server', () => {
  const trustA = trustNamed(inject('stack'), 'trust-a');

  it('signs a desktop that reports 91-day-old content out of Synapse at once, and audits it', async () => {
    const session = await signInAtEnrolledDesktop(trustA, 'over-age');
    expect(await synapseTakes(trustA, session.accessToken)).toBe(200);

    const sent = Date.now();
    const answer = await report(
      trustA,
      session.accessToken,
      JSON.stringify({ oldest_ts: sent - 91 * day, swept_at: sent }),
    );
    expect(answer.status).toBe(200);
    const due = answer.json?.next_report_due_ts as number;
    expect(Math.abs(due - (sent + day))).toBeLessThan(60_000);

    // The answer came after the sign-out: Synapse no longer takes the token, asked directly.
    expect(await synapseTakes(trustA, session.accessToken)).toBe(401);
    const sync = await rawRequest(trustA.clientUrl, {
      method: 'GET',
      target: '/_matrix/client/v3/sync?timeout=0',
      headers: [['authorization', `Bearer ${session.accessToken}`]],
    });
    expect(sync.status).toBe(401);
    expect(await expiryAudit(trustA, session)).toEqual([
      { action: 'expiry.sign-out', result: 'signed-out', reason: 'over-age', by: 'gateway' },
    ]);
  });

  it('keeps a desktop whose report is fresh signed in, though it signed in days ago', async () => {
    const session = await signInAtEnrolledDesktop(trustA, 'reporting');
    const now = Date.now();
    const answer = await report(
      trustA,
      session.accessToken,
      JSON.stringify({ oldest_ts: now - 30 * day, swept_at: now }),
    );
    expect(answer.status).toBe(200);
    // Without the report this desktop would be past its deadline and its grace.
    await silentFor(trustA, session, 72);

    const run = await retentionRun(trustA);
    expect(run.clientExpiry).toMatchObject({ failed: 0 });
    expect(await synapseTakes(trustA, session.accessToken)).toBe(200);
    expect(await expiryAudit(trustA, session)).toEqual([]);
    const listed = (await complianceReport(trustA)).clientExpiry?.desktops.find(
      (desktop) => desktop.deviceId === session.deviceId,
    );
    expect(listed).toMatchObject({
      userId: session.userId,
      state: 'on-time',
      lastReport: { oldestTs: expect.any(String) as unknown },
    });
  });

  it('warns a desktop that stopped reporting, then signs it out once overdue longer than the grace', async () => {
    const session = await signInAtEnrolledDesktop(trustA, 'overdue');
    await silentFor(trustA, session, 25);

    await retentionRun(trustA);
    expect(await synapseTakes(trustA, session.accessToken)).toBe(200);
    expect(await expiryAudit(trustA, session)).toEqual([
      { action: 'expiry.warning', result: 'overdue', reason: null, by: 'retention' },
    ]);
    const listed = (await complianceReport(trustA)).clientExpiry?.desktops.find(
      (desktop) => desktop.deviceId === session.deviceId,
    );
    expect(listed).toMatchObject({ state: 'overdue', lastReport: null });

    // A day later it has still not reported: past its 24-hour grace.
    await silentFor(trustA, session, 49);
    await retentionRun(trustA);
    expect(await synapseTakes(trustA, session.accessToken)).toBe(401);
    expect(await expiryAudit(trustA, session)).toEqual([
      { action: 'expiry.warning', result: 'overdue', reason: null, by: 'retention' },
      { action: 'expiry.sign-out', result: 'signed-out', reason: 'overdue', by: 'retention' },
    ]);
    // The counts are per process (this sign-out may be the command's or the service's own scheduled run's, and
    // are unit-tested); the service exposes them.
    const metrics = await (await fetch(`${trustA.retentionUrl}/metrics`)).text();
    expect(metrics).toContain('# TYPE bleep_retention_expiry_sign_outs_total counter');
    expect(metrics).toContain('# TYPE bleep_retention_expiry_sessions gauge');
  });

  it('signs out a session Synapse has not seen for longer than clientDays', async () => {
    const session = await signInAtEnrolledDesktop(trustA, 'unseen');
    // As Synapse records a device's last use (from its client IP batches): 91 days ago, as the database's owner.
    const synapseDb = new pg.Client({ connectionString: trustA.databaseUrl });
    await synapseDb.connect();
    try {
      await synapseDb.query('UPDATE devices SET last_seen = $3 WHERE user_id = $1 AND device_id = $2', [
        session.userId,
        session.deviceId,
        Date.now() - 91 * day,
      ]);
    } finally {
      await synapseDb.end();
    }
    await retentionRun(trustA);
    expect(await synapseTakes(trustA, session.accessToken)).toBe(401);
    expect(await expiryAudit(trustA, session)).toEqual([
      { action: 'expiry.sign-out', result: 'signed-out', reason: 'not-seen', by: 'retention' },
    ]);
  });

  it('answers a malformed report, an unknown token and a revoked desktop with Matrix errors, never a 5xx', async () => {
    const session = await signInAtEnrolledDesktop(trustA, 'malformed');
    const cases: [string, number, string, string][] = [
      ['{}', 400, 'M_BAD_JSON', 'client-expiry'],
      ['{"oldest_ts":null}', 400, 'M_BAD_JSON', 'client-expiry'],
      ['{"oldest_ts":null,"swept_at":"yesterday"}', 400, 'M_BAD_JSON', 'client-expiry'],
      ['{"oldest_ts":null,"swept_at":1,"archive":[]}', 400, 'M_BAD_JSON', 'client-expiry'],
      ['{"oldest_ts":-5,"swept_at":1}', 400, 'M_INVALID_PARAM', 'client-expiry'],
      ['{"oldest_ts":null,"swept_at":1.5}', 400, 'M_INVALID_PARAM', 'client-expiry'],
      ['[1,2]', 400, 'M_BAD_JSON', 'client-expiry'],
      ['not json', 400, 'M_NOT_JSON', 'well-formed-json'],
      ['{"oldest_ts":null,"swept_at":1,"\\u0000":1}', 400, 'M_BAD_JSON', 'well-formed-json'],
    ];
    for (const [body, status, errcode, rule] of cases) {
      const answer = await report(trustA, session.accessToken, body);
      expect({ body, status: answer.status, json: answer.json }).toMatchObject({
        body,
        status,
        json: { errcode, 'uk.nhs.bleep.rule': rule },
      });
    }
    // None of them signed the desktop out or counted as a report.
    expect(await synapseTakes(trustA, session.accessToken)).toBe(200);

    const unknown = await report(trustA, 'syt_not_a_token', '{"oldest_ts":null,"swept_at":1}');
    expect(unknown).toMatchObject({ status: 401, json: { errcode: 'M_UNKNOWN_TOKEN' } });
    const missing = await report(trustA, undefined, '{"oldest_ts":null,"swept_at":1}');
    expect(missing).toMatchObject({ status: 401, json: { errcode: 'M_MISSING_TOKEN' } });

    // Revoked in the enrolment store only, so Synapse still takes the token: the refusal is the gateway's rule.
    const { store, pool } = enrolmentStoreOf(trustA);
    try {
      expect(await store.revoke(session.deviceId)).toMatchObject({ ok: true });
    } finally {
      await pool.end();
    }
    expect(await synapseTakes(trustA, session.accessToken)).toBe(200);
    const deadline = Date.now() + 10_000;
    let revoked = await report(trustA, session.accessToken, '{"oldest_ts":null,"swept_at":1}');
    // The gateway hears of the revocation by NOTIFY; while it reads the device's new state (milliseconds) it
    // answers 503 for that device rather than guess (rules/enrolledSession.ts), as on every route.
    while ((revoked.status === 200 || revoked.status === 503) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      revoked = await report(trustA, session.accessToken, '{"oldest_ts":null,"swept_at":1}');
    }
    expect(revoked).toMatchObject({
      status: 401,
      json: { errcode: 'M_UNKNOWN_TOKEN', 'uk.nhs.bleep.rule': 'device-enrolment' },
    });
  });
});
