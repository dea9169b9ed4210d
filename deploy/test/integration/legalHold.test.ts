// Needs the real local stack: trust-a and trust-b (chroot Synapse, PostgreSQL, their gateways and retention
// services). Legal holds and purge-room as an information-governance officer uses them, through
// `npm run stack -- retention trust-a hold|purge-room|report`, with the window shortened to seconds by
// `run --older-than`, judged by SQL as the owner of trust-a's Synapse database and by Bleep's audit trail:
// a held room's messages and search rows outlive a run that purges an unheld room's, the proof is clean and lists
// the held room as held; once released the next run purges it; purge-room empties a young room, which keeps working;
// purge-room is refused under a hold; GET /_bleep/legal-holds lists only the held rooms the caller is in.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RunningTrust } from '../../local/src/stackStatus.ts';
import {
  eventually,
  signInAtEnrolledDesktop,
  signInNewClinician,
  type Clinician,
  type StaffSession,
} from './clinicianClient.ts';
import { retentionCli } from './retentionCli.ts';
import { retentionRun, type RetentionRunResult } from './retentionCommand.ts';
import { trustNamed } from './stackInfo.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function query<Row extends pg.QueryResultRow>(
  connectionString: string,
  sql: string,
  params: unknown[] = [],
): Promise<Row[]> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    return (await client.query<Row>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

async function heldEvents(trust: RunningTrust, eventIds: readonly string[]): Promise<string[]> {
  const rows = await query<{ event_id: string }>(
    trust.databaseUrl,
    'SELECT event_id FROM event_json WHERE event_id = ANY($1::text[]) ORDER BY event_id',
    [eventIds],
  );
  return rows.map((row) => row.event_id);
}

async function searchRows(trust: RunningTrust, roomId: string): Promise<number> {
  const rows = await query<{ count: string }>(
    trust.databaseUrl,
    'SELECT count(*) AS count FROM event_search WHERE room_id = $1',
    [roomId],
  );
  return Number(rows[0]?.count);
}

/** Non-state events of the room received before `before` whose stored JSON still holds content. */
async function contentBefore(trust: RunningTrust, roomId: string, before: number): Promise<number> {
  const rows = await query<{ count: string }>(
    trust.databaseUrl,
    `SELECT count(*) AS count FROM events e JOIN event_json j ON j.event_id = e.event_id
     WHERE e.room_id = $1 AND e.received_ts < $2
       AND NOT EXISTS (SELECT 1 FROM state_events s WHERE s.event_id = e.event_id)
       AND (j.json::jsonb -> 'content') - 'redacts' NOT IN ('{}'::jsonb, '{"uk.nhs.bleep.retention": true}'::jsonb)`,
    [roomId, before],
  );
  return Number(rows[0]?.count);
}

async function legalHolds(
  trust: RunningTrust,
  accessToken: string,
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${trust.clientUrl}/_bleep/legal-holds`, {
    headers: { authorization: `Bearer ${accessToken}` },
  });
  return { status: response.status, body: await response.json() };
}

type PlacedHold = { id: number; rooms: string[] };

async function placeHold(trust: RunningTrust, roomId: string, reference: string): Promise<PlacedHold> {
  const placed = await retentionCli(trust.name, [
    'hold',
    'place',
    '--room',
    roomId,
    '--reason',
    'Integration test: subject access request',
    '--reference',
    reference,
    '--by',
    'ig.integration',
    '--json',
  ]);
  expect(placed.exitCode, placed.stderr).toBe(0);
  return JSON.parse(placed.stdout) as PlacedHold;
}

async function releaseHold(trust: RunningTrust, id: number): Promise<void> {
  const released = await retentionCli(trust.name, [
    'hold',
    'release',
    String(id),
    '--reason',
    'Integration test: request answered',
    '--by',
    'ig.integration',
  ]);
  expect(released.exitCode, released.stderr).toBe(0);
}

async function auditRows(trust: RunningTrust, action: string, roomId: string): Promise<string[]> {
  const rows = await query<{ result: string }>(
    trust.policyDatabaseUrl,
    'SELECT result FROM bleep_audit WHERE action = $1 AND room = $2 ORDER BY seq',
    [action, roomId],
  );
  return rows.map((row) => row.result);
}

async function joinAsStaff(trust: RunningTrust, staff: StaffSession, roomId: string): Promise<void> {
  const response = await fetch(`${trust.clientUrl}/_matrix/client/v3/join/${encodeURIComponent(roomId)}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${staff.accessToken}`, 'content-type': 'application/json' },
    body: '{}',
  });
  expect(response.status, await response.clone().text()).toBe(200);
}

describe('legal holds and purge-room on trust-a, with the window shortened to seconds', () => {
  const stack = inject('stack');
  const trustA = trustNamed(stack, 'trust-a');
  const trustB = trustNamed(stack, 'trust-b');
  let consultant: Clinician;
  let nurse: StaffSession;
  const holdsToRelease: number[] = [];

  beforeAll(async () => {
    consultant = await signInNewClinician(trustA, 'hold-consultant');
    nurse = await signInAtEnrolledDesktop(trustA, 'hold-nurse');
  });

  afterAll(async () => {
    consultant.stop();
    // A failed test must not leave a hold that keeps rooms from every later run.
    for (const id of holdsToRelease) {
      await retentionCli(trustA.name, [
        'hold',
        'release',
        String(id),
        '--reason',
        'test cleanup',
        '--by',
        'test',
      ]);
    }
  });

  const newRoom = async (name: string, invite: string[] = []): Promise<string> => {
    const { room_id: roomId } = await consultant.client.createRoom({
      name,
      invite,
      initial_state: [
        { type: 'm.room.encryption', state_key: '', content: { algorithm: 'm.megolm.v1.aes-sha2' } },
      ],
    });
    // Until its sync has the room's encryption event, the client would send in the clear (and be refused).
    await eventually('the new room to be encrypted at the client', () =>
      consultant.client.getRoom(roomId)?.hasEncryptionStateEvent() ? true : undefined,
    );
    return roomId;
  };
  const send = async (roomId: string, text: string): Promise<string> =>
    (await consultant.client.sendTextMessage(roomId, text)).event_id;

  it('keeps a held room through a run that purges an unheld one, lists it as held, purges it once released', async () => {
    const heldRoom = await newRoom('Legal hold check: held ward');
    const freeRoom = await newRoom('Legal hold check: unheld ward', [nurse.userId]);
    const sharedHeldRoom = await newRoom('Legal hold check: held and shared', [nurse.userId]);
    await joinAsStaff(trustA, nurse, freeRoom);
    await joinAsStaff(trustA, nurse, sharedHeldRoom);
    const heldMessage = await send(heldRoom, 'Held note');
    const freeMessage = await send(freeRoom, 'Unheld note');
    expect(await searchRows(trustA, heldRoom)).toBeGreaterThan(0);
    expect(await searchRows(trustA, freeRoom)).toBeGreaterThan(0);

    const hold = await placeHold(trustA, heldRoom, 'SAR-INTEGRATION-1');
    holdsToRelease.push(hold.id);
    expect(hold.rooms).toEqual([heldRoom]);
    const sharedHold = await placeHold(trustA, sharedHeldRoom, 'CLAIM-INTEGRATION-2');
    holdsToRelease.push(sharedHold.id);

    // In the metrics at once (read at scrape, not at the next run), and in the compliance report.
    const metrics = await (await fetch(`${trustA.retentionUrl}/metrics`)).text();
    const roomsHeld = Number(/^bleep_retention_rooms_held (\d+)$/m.exec(metrics)?.[1]);
    expect(roomsHeld).toBeGreaterThanOrEqual(2);
    // The report names rooms and holds: it asks for the service's bearer token; the metrics name neither.
    expect((await fetch(`${trustA.retentionUrl}/report`)).status).toBe(401);
    expect(metrics).not.toContain(heldRoom);
    const asOfficer = { headers: { authorization: `Bearer ${trustA.retentionReportToken}` } };
    const report = (await (await fetch(`${trustA.retentionUrl}/report`, asOfficer)).json()) as {
      legalHolds: { holds: { id: number; reference: string; rooms: string[] }[] };
    };
    expect(report.legalHolds.holds).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: hold.id, reference: 'SAR-INTEGRATION-1', rooms: [heldRoom] }),
      ]),
    );

    // The route tells each caller only about the held rooms they are in.
    const forConsultant = await legalHolds(trustA, consultant.client.getAccessToken() ?? '');
    expect(forConsultant.status).toBe(200);
    expect(forConsultant.body).toEqual({ rooms: [heldRoom, sharedHeldRoom].sort() });
    expect(await legalHolds(trustA, nurse.accessToken)).toEqual({
      status: 200,
      body: { rooms: [sharedHeldRoom] },
    });
    expect((await fetch(`${trustA.clientUrl}/_bleep/legal-holds`)).status).toBe(401);

    await sleep(3000);
    const cutoff = Date.now();
    await sleep(2000);
    const olderThan = (): number => Math.ceil((Date.now() - cutoff) / 1000);
    // Both trusts, twice, as in retention.test.ts: a partner's latest message in a shared room is erased by the
    // partner, so the second round's proof is the one that must be clean.
    let run: RetentionRunResult | undefined;
    for (let round = 0; round < 2; round += 1) {
      for (const trust of [trustA, trustB]) {
        const result = await retentionRun(trust.name, olderThan());
        if (trust === trustA) run = result;
      }
      await sleep(3000);
    }
    if (!run) throw new Error('no run on trust-a');
    expect(run.summary.findings, JSON.stringify(run.summary.findings)).toEqual([]);
    expect(run.summary).toMatchObject({ status: 'complete', clean: true, proofRan: true });
    expect(run.exitCode).toBe(0);
    expect(run.summary.rooms.held).toBeGreaterThanOrEqual(2);
    // What legal holds kept: listed by the run beside its findings (not in RetentionRunResult's older shape).
    const { held } = run.summary as unknown as { held: readonly { kind: string; roomId: string | null }[] };
    expect(held).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'event-content', roomId: heldRoom }),
        expect.objectContaining({ kind: 'search-row', roomId: heldRoom }),
      ]),
    );

    expect(await heldEvents(trustA, [heldMessage, freeMessage])).toEqual([heldMessage]);
    expect(await contentBefore(trustA, heldRoom, cutoff)).toBeGreaterThan(0);
    expect(await searchRows(trustA, heldRoom)).toBeGreaterThan(0);
    expect(await contentBefore(trustA, freeRoom, cutoff)).toBe(0);
    expect(await searchRows(trustA, freeRoom)).toBe(0);

    await releaseHold(trustA, hold.id);
    await releaseHold(trustA, sharedHold.id);
    holdsToRelease.length = 0;
    expect(await legalHolds(trustA, nurse.accessToken)).toEqual({ status: 200, body: { rooms: [] } });
    const after = await retentionRun(trustA.name, olderThan());
    expect(after.summary.failures).toEqual([]);
    expect(await heldEvents(trustA, [heldMessage])).toEqual([]);
    expect(await contentBefore(trustA, heldRoom, cutoff)).toBe(0);
    expect(await searchRows(trustA, heldRoom)).toBe(0);

    expect(await auditRows(trustA, 'retention.hold.place', heldRoom)).toEqual(['placed']);
    expect(await auditRows(trustA, 'retention.hold.release', heldRoom)).toEqual(['released']);
    const runAudit = await query<{ detail: { roomsHeld?: number } }>(
      trustA.policyDatabaseUrl,
      "SELECT detail FROM bleep_audit WHERE action = 'retention.run' AND (detail->>'runId')::bigint = $1",
      [run.summary.runId],
    );
    expect(runAudit[0]?.detail.roomsHeld).toBeGreaterThanOrEqual(2);
  }, 600_000);

  it('holds every room a held user is in, on the real Synapse, until released', async () => {
    const nursesRoom = await newRoom('Legal hold check: a held user’s room', [nurse.userId]);
    await joinAsStaff(trustA, nurse, nursesRoom);
    const note = await send(nursesRoom, 'Note in a held user’s room');
    const placed = await retentionCli(trustA.name, [
      'hold',
      'place',
      '--user',
      nurse.userId,
      '--reason',
      'Integration test: legal claim',
      '--reference',
      'CLAIM-INTEGRATION-4',
      '--by',
      'ig.integration',
      '--json',
    ]);
    expect(placed.exitCode, placed.stderr).toBe(0);
    const hold = JSON.parse(placed.stdout) as PlacedHold;
    holdsToRelease.push(hold.id);
    expect(hold.rooms).toContain(nursesRoom);
    // Her rooms are held rooms to her client, like any other: nothing says she is the one held.
    const forNurse = await legalHolds(trustA, nurse.accessToken);
    expect((forNurse.body as { rooms: string[] }).rooms).toContain(nursesRoom);

    await sleep(2000);
    const run = await retentionRun(trustA.name, 1);
    expect(run.summary.failures).toEqual([]);
    expect(await heldEvents(trustA, [note])).toEqual([note]);

    await releaseHold(trustA, hold.id);
    holdsToRelease.splice(holdsToRelease.indexOf(hold.id), 1);
    await retentionRun(trustA.name, 1);
    expect(await heldEvents(trustA, [note])).toEqual([]);
  }, 300_000);

  it('purge-room empties a young room now (the room keeps working), and is refused under a hold', async () => {
    const young = await newRoom('Purge-room check: wrong ward');
    const leaked = await send(young, 'Posted to the wrong ward');
    expect(await searchRows(trustA, young)).toBeGreaterThan(0);

    const purged = await retentionCli(trustA.name, [
      'purge-room',
      young,
      '--reason',
      'Integration test: data incident',
      '--reference',
      'DI-INTEGRATION-1',
      '--by',
      'ig.integration',
      '--json',
    ]);
    expect(purged.exitCode, `${purged.stdout}\n${purged.stderr}`).toBe(0);
    const result = JSON.parse(purged.stdout) as {
      cutoff: string;
      outcome: string;
      counts: Record<string, number>;
    };
    expect(result).toMatchObject({ outcome: 'purged', counts: { eventsLeft: 0, searchRowsLeft: 0 } });
    expect(await heldEvents(trustA, [leaked])).toEqual([]);
    expect(await contentBefore(trustA, young, Date.parse(result.cutoff))).toBe(0);
    expect(await searchRows(trustA, young)).toBe(0);
    expect(await auditRows(trustA, 'retention.purge-room', young)).toEqual(['purged']);

    // The room keeps working for its members.
    const after = await send(young, 'After the purge');
    expect(await heldEvents(trustA, [after])).toEqual([after]);

    const heldRoom = await newRoom('Purge-room check: held');
    const kept = await send(heldRoom, 'Under hold');
    const hold = await placeHold(trustA, heldRoom, 'INQUIRY-INTEGRATION-3');
    holdsToRelease.push(hold.id);
    const refused = await retentionCli(trustA.name, [
      'purge-room',
      heldRoom,
      '--reason',
      'Integration test: refused',
      '--reference',
      'DI-INTEGRATION-2',
    ]);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('under legal hold');
    expect(refused.stderr).toContain('INQUIRY-INTEGRATION-3');
    expect(await heldEvents(trustA, [kept])).toEqual([kept]);
    expect(await auditRows(trustA, 'retention.purge-room', heldRoom)).toEqual(['refused: ROOM_UNDER_HOLD']);

    const csv = await retentionCli(trustA.name, [
      'report',
      '--csv',
      '--from',
      new Date(Date.now() - 3600_000).toISOString(),
    ]);
    expect(csv.exitCode, csv.stderr).toBe(0);
    const lines = csv.stdout.split('\r\n');
    expect(lines[0]).toMatch(/^record,id,start,end,status/);
    expect(
      lines.some((line) => line.startsWith('legal-hold,') && line.includes('INQUIRY-INTEGRATION-3')),
    ).toBe(true);
    expect(lines.some((line) => line.startsWith('room-purge,') && line.includes('DI-INTEGRATION-1'))).toBe(
      true,
    );
    const badDate = await retentionCli(trustA.name, ['report', '--csv', '--from', 'yesterday']);
    expect(badDate.exitCode).toBe(2);
    expect(badDate.stderr).toContain('--from "yesterday"');
  }, 300_000);
});
