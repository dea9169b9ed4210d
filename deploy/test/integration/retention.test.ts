// Needs the real local stack: trust-a and trust-b (chroot Synapse, PostgreSQL, their gateways and retention
// services). The 72-hour window shortened to seconds with `retention <trust> run --older-than`: everything sent
// before the cutoff (encrypted messages both ways, a partner's plaintext, room name and topic search rows, media and
// its cached copy, device-to-device messages to desktops that never sync) is gone from both trusts' Synapse
// databases and media stores, judged by SQL as the database's owner; what was sent after stays; the proof is clean;
// and the room still works across the two trusts.
import { randomBytes } from 'node:crypto';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { localLayout } from '../../local/src/localLayout.ts';
import type { RunningTrust } from '../../local/src/stackStatus.ts';
import { trustFiles } from '../../local/src/trustFiles.ts';
import {
  eventually,
  findDecryptedText,
  membershipOf,
  openReferralRoom,
  signInAtEnrolledDesktop,
  signInNewClinician,
  type Clinician,
  type StaffSession,
} from './clinicianClient.ts';
import { retentionRun, type RetentionRunResult } from './retentionCommand.ts';
import { trustNamed } from './stackInfo.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls an asynchronous check (a database query) until it holds, bounded. */
async function until(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await sleep(250);
  }
}

async function query<Row extends pg.QueryResultRow>(
  trust: RunningTrust,
  sql: string,
  params: unknown[] = [],
): Promise<Row[]> {
  const client = new pg.Client({ connectionString: trust.databaseUrl });
  await client.connect();
  try {
    return (await client.query<Row>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

async function heldEvents(trust: RunningTrust, eventIds: readonly string[]): Promise<string[]> {
  const rows = await query<{ event_id: string }>(
    trust,
    'SELECT event_id FROM event_json WHERE event_id = ANY($1::text[])',
    [eventIds],
  );
  return rows.map((row) => row.event_id);
}

/** Non-state events received before `cutoff` whose stored JSON still holds content: what the promise forbids. */
async function oldContent(trust: RunningTrust, cutoff: number): Promise<number> {
  const rows = await query<{ count: string }>(
    trust,
    `SELECT count(*) AS count FROM events e JOIN event_json j ON j.event_id = e.event_id
     WHERE e.received_ts < $1 AND NOT EXISTS (SELECT 1 FROM state_events s WHERE s.event_id = e.event_id)
       AND (j.json::jsonb -> 'content') - 'redacts' NOT IN ('{}'::jsonb, '{"uk.nhs.bleep.retention": true}'::jsonb)`,
    [cutoff],
  );
  return Number(rows[0]?.count);
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

function mediaStore(trust: RunningTrust): string {
  return join(trustFiles(localLayout(), trust.name).dir, 'media');
}

function localMediaPath(trust: RunningTrust, mediaId: string): string {
  return join(mediaStore(trust), 'local_content', mediaId.slice(0, 2), mediaId.slice(2, 4), mediaId.slice(4));
}

async function upload(trust: RunningTrust, accessToken: string): Promise<string> {
  const response = await fetch(`${trust.clientUrl}/_matrix/media/v3/upload`, {
    method: 'POST',
    headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/octet-stream' },
    // An encrypted attachment is random-looking bytes to the server.
    body: randomBytes(4096),
  });
  expect(response.status).toBe(200);
  const { content_uri: uri } = (await response.json()) as { content_uri: string };
  return uri.split('/').at(-1) ?? '';
}

/** Sends an Olm-shaped device-to-device message to one device (content the server cannot read). */
async function sendToDevice(trust: RunningTrust, accessToken: string, to: StaffSession): Promise<void> {
  const response = await fetch(
    `${trust.clientUrl}/_matrix/client/v3/sendToDevice/m.room.encrypted/${randomBytes(8).toString('hex')}`,
    {
      method: 'PUT',
      headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        messages: {
          [to.userId]: {
            [to.deviceId]: {
              algorithm: 'm.olm.v1.curve25519-aes-sha2',
              sender_key: randomBytes(32).toString('base64').replace(/=+$/, ''),
              ciphertext: { x: { type: 0, body: randomBytes(64).toString('base64') } },
            },
          },
        },
      }),
    },
  );
  expect(response.status).toBe(200);
}

async function inboxRows(trust: RunningTrust, session: StaffSession): Promise<number> {
  const rows = await query<{ count: string }>(
    trust,
    'SELECT count(*) AS count FROM device_inbox WHERE user_id = $1 AND device_id = $2',
    [session.userId, session.deviceId],
  );
  return Number(rows[0]?.count);
}

describe('the server-side purge, with the window shortened to seconds, on both trusts', () => {
  const stack = inject('stack');
  const trustA = trustNamed(stack, 'trust-a');
  const trustB = trustNamed(stack, 'trust-b');
  let consultant: Clinician;
  let surgeon: Clinician;
  let neverSyncsA: StaffSession;
  let neverSyncsB: StaffSession;

  beforeAll(async () => {
    consultant = await signInNewClinician(trustA, 'retention-consultant');
    surgeon = await signInNewClinician(trustB, 'retention-surgeon');
    // Desktops signed in once and never seen again: their device-to-device messages wait on the server.
    neverSyncsA = await signInAtEnrolledDesktop(trustA, 'retention-away-a');
    neverSyncsB = await signInAtEnrolledDesktop(trustB, 'retention-away-b');
  });

  afterAll(() => {
    consultant.stop();
    surgeon.stop();
  });

  it('removes old content from both trusts and proves it, keeps what is newer, and the room works on', async () => {
    const consultantToken = consultant.client.getAccessToken() ?? '';
    const surgeonToken = surgeon.client.getAccessToken() ?? '';

    // ---- Before the cutoff -----------------------------------------------------------------------------------
    const roomId = await openReferralRoom(consultant, surgeon, 'Retention check: cardiothoracic referral');
    // Only the spec's own field (matrix-js-sdk's setRoomTopic adds m.topic, which the gateway refuses in room state).
    const topic = await fetch(
      `${trustA.clientUrl}/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/state/m.room.topic/`,
      {
        method: 'PUT',
        headers: { authorization: `Bearer ${consultantToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ topic: 'Retention check topic' }),
      },
    );
    expect(topic.status).toBe(200);
    const oldFromA = (await consultant.client.sendTextMessage(roomId, 'Old referral note')).event_id;
    await eventually('the old note at trust B', () =>
      findDecryptedText(surgeon.client, roomId, 'Old referral note'),
    );
    const oldFromB = (await surgeon.client.sendTextMessage(roomId, 'Old reply')).event_id;
    await eventually('the old reply at trust A', () =>
      findDecryptedText(consultant.client, roomId, 'Old reply'),
    );
    // A partner that does not run Bleep's gateway could send plaintext (posted to trust-b's internal listener, as
    // partnerPlaintext.test.ts does): Synapse indexes its body for search on both trusts.
    const plaintext = await fetch(
      `${trustB.synapseUrl}/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/send/m.room.message/${randomBytes(6).toString('hex')}`,
      {
        method: 'PUT',
        headers: { authorization: `Bearer ${surgeonToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ msgtype: 'm.text', body: 'retention plaintext searchable' }),
      },
    );
    expect(plaintext.status).toBe(200);
    const oldPlaintext = ((await plaintext.json()) as { event_id: string }).event_id;
    const mediaA = await upload(trustA, consultantToken);
    const mediaB = await upload(trustB, surgeonToken);
    // Trust B's clinician opens trust A's attachment: trust B caches a copy.
    const download = await fetch(
      `${trustB.clientUrl}/_matrix/client/v1/media/download/${trustA.serverName}/${mediaA}`,
      { headers: { authorization: `Bearer ${surgeonToken}` } },
    );
    expect(download.status).toBe(200);
    await download.arrayBuffer();
    await sendToDevice(trustA, consultantToken, neverSyncsA);
    await sendToDevice(trustA, consultantToken, neverSyncsB);
    await until(
      'the device-to-device messages to wait for both desktops',
      async () => (await inboxRows(trustA, neverSyncsA)) > 0 && (await inboxRows(trustB, neverSyncsB)) > 0,
    );
    await until(
      'the plaintext to reach trust A',
      async () => (await heldEvents(trustA, [oldPlaintext])).length === 1,
    );
    const oldEvents = [oldFromA, oldFromB, oldPlaintext];
    const remoteCopy = await query<{ filesystem_id: string }>(
      trustB,
      'SELECT filesystem_id FROM remote_media_cache WHERE media_id = $1',
      [mediaA],
    );
    expect(remoteCopy).toHaveLength(1);
    const fsId = remoteCopy[0]?.filesystem_id ?? '';
    const remoteCopyPath = join(
      mediaStore(trustB),
      'remote_content',
      trustA.serverName,
      fsId.slice(0, 2),
      fsId.slice(2, 4),
      fsId.slice(4),
    );
    expect(await exists(localMediaPath(trustA, mediaA))).toBe(true);
    expect(await exists(remoteCopyPath)).toBe(true);
    for (const trust of [trustA, trustB]) {
      const search = await query(trust, 'SELECT 1 FROM event_search WHERE room_id = $1', [roomId]);
      expect(search.length, `search rows at ${trust.name}`).toBeGreaterThan(0);
    }

    // ---- The cutoff, then newer content -------------------------------------------------------------------------
    // The services record the to-device stream's position every 2 s: wait for one after the old messages.
    await sleep(5000);
    const cutoff = Date.now();
    await sleep(5000);
    const newFromA = (await consultant.client.sendTextMessage(roomId, 'Newer referral note')).event_id;
    await eventually('the newer note at trust B', () =>
      findDecryptedText(surgeon.client, roomId, 'Newer referral note'),
    );
    const newFromB = (await surgeon.client.sendTextMessage(roomId, 'Newer reply')).event_id;
    await eventually('the newer reply at trust A', () =>
      findDecryptedText(consultant.client, roomId, 'Newer reply'),
    );
    const newMedia = await upload(trustA, consultantToken);

    // ---- Runs: each trust purges its own; a partner's last message in a room is erased by the partner, so a
    // second round, after the partners' redactions have crossed, must find nothing ------------------------------
    const olderThan = (): number => Math.ceil((Date.now() - cutoff) / 1000);
    const firstRound: RetentionRunResult[] = [];
    for (const trust of [trustA, trustB]) firstRound.push(await retentionRun(trust.name, olderThan()));
    for (const run of firstRound) {
      expect(run.summary.failures, JSON.stringify(run.summary.failures)).toEqual([]);
      expect(run.summary.proofRan).toBe(true);
    }
    await sleep(3000);
    for (const trust of [trustA, trustB]) {
      const run = await retentionRun(trust.name, olderThan());
      expect(run.summary.findings, `${trust.name}: ${JSON.stringify(run.summary.findings)}`).toEqual([]);
      expect(run.summary).toMatchObject({ status: 'complete', clean: true, proofRan: true });
      expect(run.exitCode).toBe(0);
      const runCutoff = Date.parse(run.summary.window.cutoff);
      expect(runCutoff).toBeGreaterThanOrEqual(cutoff - 1000);

      // Judged by SQL as the owner of the trust's Synapse database.
      expect(await heldEvents(trust, oldEvents), `old events at ${trust.name}`).toEqual([]);
      expect(await oldContent(trust, runCutoff), `old content at ${trust.name}`).toBe(0);
      expect((await heldEvents(trust, [newFromA, newFromB])).sort()).toEqual([newFromA, newFromB].sort());
      const oldSearch = await query(
        trust,
        `SELECT 1 FROM event_search s LEFT JOIN events e ON e.event_id = s.event_id
         WHERE COALESCE(e.received_ts, s.origin_server_ts) < $1`,
        [runCutoff],
      );
      expect(oldSearch, `old search rows at ${trust.name}`).toEqual([]);
      const oldMedia = await query(
        trust,
        'SELECT media_id FROM local_media_repository WHERE created_ts < $1',
        [runCutoff],
      );
      expect(oldMedia, `old media at ${trust.name}`).toEqual([]);
      expect(
        await query(trust, 'SELECT 1 FROM remote_media_cache WHERE created_ts < $1', [runCutoff]),
      ).toEqual([]);
    }
    expect(await inboxRows(trustA, neverSyncsA)).toBe(0);
    expect(await inboxRows(trustB, neverSyncsB)).toBe(0);
    expect(await query(trustA, 'SELECT 1 FROM local_media_repository WHERE media_id = $1', [mediaA])).toEqual(
      [],
    );
    expect(await query(trustB, 'SELECT 1 FROM local_media_repository WHERE media_id = $1', [mediaB])).toEqual(
      [],
    );
    expect(await exists(localMediaPath(trustA, mediaA))).toBe(false);
    expect(await exists(localMediaPath(trustB, mediaB))).toBe(false);
    expect(await exists(remoteCopyPath)).toBe(false);
    expect(await exists(localMediaPath(trustA, newMedia))).toBe(true);

    // ---- The room still works across the two trusts --------------------------------------------------------------
    expect(membershipOf(consultant.client, roomId, surgeon.userId)).toBe('join');
    expect(membershipOf(surgeon.client, roomId, consultant.userId)).toBe('join');
    await consultant.client.sendTextMessage(roomId, 'After the purge: still here?');
    const arrived = await eventually('a message after the purge at trust B', () =>
      findDecryptedText(surgeon.client, roomId, 'After the purge: still here?'),
    );
    expect(arrived.isDecryptionFailure()).toBe(false);
    await surgeon.client.sendTextMessage(roomId, 'Yes, still here.');
    await eventually('the answer after the purge at trust A', () =>
      findDecryptedText(consultant.client, roomId, 'Yes, still here.'),
    );
  }, 900_000);
});
