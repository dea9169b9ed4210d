// Needs the real local stack: trust-a and trust-b (and the outsider's signing key). A partner's transaction is read
// and its plaintext reported by trust-a's gateway however it is framed: chunked, or larger than the 8 MiB the
// gateway once let through unread; one above Synapse's own limit is refused by the gateway; a request whose
// Authorization headers Synapse and the gateway could read as different servers never reaches Synapse. The
// plaintext event is a real one, held by trust-a's Synapse: sent at trust-b without its gateway (as a partner that
// does not enforce the policy would), then delivered again by the test, signed with trust-b's key.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { request } from 'node:https';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { localLayout } from '../../local/src/localLayout.ts';
import { openReferralRoom, signInNewClinician, type Clinician } from './clinicianClient.ts';
import { signedFederationRequest, signingKeyOf, xMatrixHeader } from './signedFederationRequest.ts';
import { trustNamed } from './stackInfo.ts';

describe('federation gateway in front of the real Synapse', () => {
  const stack = inject('stack');
  const trustA = trustNamed(stack, 'trust-a');
  const trustB = trustNamed(stack, 'trust-b');
  const outsider = trustNamed(stack, 'outsider');
  const port = Number(new URL(trustA.federationUrl).port);
  let consultant: Clinician;
  let surgeon: Clinician;
  let roomId = '';
  /** The plaintext event as trust-a's Synapse holds it, in federation form. */
  let pdu: Record<string, unknown> = {};

  async function plaintextReports(room: string): Promise<number> {
    const audit = new pg.Client({ connectionString: trustA.policyDatabaseUrl });
    await audit.connect();
    try {
      const { rows } = await audit.query<{ count: string }>(
        `SELECT count(*) FROM bleep_audit WHERE action = 'federation:plaintext-received' AND room = $1`,
        [room],
      );
      return Number(rows[0]?.count ?? 0);
    } finally {
      await audit.end();
    }
  }

  /** Waits for the audit trail to hold `count` reports for the room (the gateway writes after answering). */
  async function reportsReach(room: string, count: number): Promise<void> {
    const deadline = Date.now() + 30_000;
    while ((await plaintextReports(room)) < count && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(await plaintextReports(room)).toBe(count);
  }

  const sendAsTrustB = (
    content: unknown,
    more: Partial<Parameters<typeof signedFederationRequest>[0]> = {},
  ) =>
    signedFederationRequest({
      originName: 'trust-b',
      originServer: trustB.serverName,
      destinationServer: trustA.serverName,
      port,
      method: 'PUT',
      uri: `/_matrix/federation/v1/send/bleep-test-${randomBytes(6).toString('hex')}`,
      content,
      ...more,
    });

  beforeAll(async () => {
    consultant = await signInNewClinician(trustA, 'framing-consultant');
    surgeon = await signInNewClinician(trustB, 'framing-surgeon');
    roomId = await openReferralRoom(consultant, surgeon, 'Referral: framing check');
    const secret = `plaintext ${randomBytes(6).toString('hex')}`;
    // Straight to trust-b's internal Synapse listener: plaintext the partner's gateway would have refused.
    const sent = await fetch(
      `${trustB.synapseUrl}/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/send/m.room.message/${randomBytes(6).toString('hex')}`,
      {
        method: 'PUT',
        headers: {
          authorization: `Bearer ${surgeon.client.getAccessToken() ?? ''}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ msgtype: 'm.text', body: secret }),
      },
    );
    const { event_id: eventId } = (await sent.json()) as { event_id: string };
    // trust-b's Synapse delivers it itself first (content-length framing): one report.
    await reportsReach(roomId, 1);
    const fetched = await signedFederationRequest({
      originName: 'trust-b',
      originServer: trustB.serverName,
      destinationServer: trustA.serverName,
      port,
      method: 'GET',
      uri: `/_matrix/federation/v1/event/${encodeURIComponent(eventId)}`,
      content: undefined,
    });
    expect(fetched.status).toBe(200);
    const [held] = fetched.body.pdus as Record<string, unknown>[];
    pdu = held ?? {};
    expect(pdu).toMatchObject({ type: 'm.room.message', room_id: roomId });
  });

  afterAll(() => {
    consultant.stop();
    surgeon.stop();
  });

  const transaction = (edus: unknown[] = []) => ({
    origin: trustB.serverName,
    origin_server_ts: Date.now(),
    pdus: [pdu],
    edus,
  });

  it('reads a chunked transaction and reports the plaintext in it', async () => {
    const before = await plaintextReports(roomId);
    const reply = await sendAsTrustB(transaction(), { framing: 'chunked' });
    expect(reply.status).toBe(200);
    await reportsReach(roomId, before + 1);
  });

  it('reads a transaction larger than 8 MiB (under Synapse’s limit) and reports the plaintext in it', async () => {
    const before = await plaintextReports(roomId);
    const padding = {
      edu_type: 'uk.nhs.bleep.test.padding',
      content: { padding: 'x'.repeat(9 * 1024 * 1024) },
    };
    const reply = await sendAsTrustB(transaction([padding]));
    expect(reply.status).toBe(200);
    await reportsReach(roomId, before + 1);
  });

  it('refuses a transaction above Synapse’s own limit before reading it, naming the rule', async () => {
    // Only the headers are sent: the declared length is enough for the gateway to answer.
    const ca = await readFile(join(localLayout().caDir, 'ca.crt'));
    const key = await signingKeyOf('trust-b');
    const uri = `/_matrix/federation/v1/send/bleep-test-${randomBytes(6).toString('hex')}`;
    const answer = await new Promise<{ status: number; body: Record<string, unknown> }>((resolve, reject) => {
      const sent = request(
        {
          host: '127.0.0.1',
          port,
          method: 'PUT',
          path: uri,
          ca,
          servername: trustA.serverName.split(':')[0],
          headers: {
            authorization: xMatrixHeader(key, trustB.serverName, trustA.serverName, 'PUT', uri, {}),
            'content-type': 'application/json',
            'content-length': String(50 * 1024 * 1024 + 1),
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => {
            resolve({
              status: response.statusCode ?? 0,
              body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>,
            });
            sent.destroy();
          });
        },
      );
      sent.on('error', reject);
      sent.flushHeaders();
    });
    expect(answer).toMatchObject({
      status: 413,
      body: { errcode: 'M_TOO_LARGE', 'uk.nhs.bleep.rule': 'inspected-transactions' },
    });
  });

  it('refuses a request with several Authorization headers, which Synapse would read as the last one’s server', async () => {
    const before = await plaintextReports(roomId);
    const uri = `/_matrix/federation/v1/send/bleep-test-${randomBytes(6).toString('hex')}`;
    const content = transaction();
    const asOutsider = xMatrixHeader(
      await signingKeyOf('outsider'),
      outsider.serverName,
      trustA.serverName,
      'PUT',
      uri,
      content,
    );
    const reply = await sendAsTrustB(content, { uri, extraAuthorization: [asOutsider] });
    expect(reply).toMatchObject({
      status: 401,
      body: { errcode: 'M_UNAUTHORIZED', 'uk.nhs.bleep.rule': 'federation-partners' },
    });
    // Control: the same transaction signed once is accepted, and reported.
    expect((await sendAsTrustB(content, { uri })).status).toBe(200);
    await reportsReach(roomId, before + 1);
  });
});
