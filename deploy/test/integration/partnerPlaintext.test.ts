// Needs the real local stack: trust-a and trust-b. A partner whose server does not run Bleep's gateway could send
// plaintext into a shared room. Simulated here by posting straight to trust-b's internal Synapse listener (which
// only a trust without the gateway would expose): trust-a's gateway lets the event through, so nothing is lost,
// and records in trust-a's audit trail which partner sent plaintext into which room, never what it said.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { eventually, openReferralRoom, signInNewClinician, type Clinician } from './clinicianClient.ts';
import { signedFederationRequest } from './signedFederationRequest.ts';
import { trustNamed } from './stackInfo.ts';

type AuditRow = { actor: string; room: string; result: string; detail: unknown };

describe('plaintext from a partner server that does not enforce the policy', () => {
  const stack = inject('stack');
  const trustA = trustNamed(stack, 'trust-a');
  const trustB = trustNamed(stack, 'trust-b');
  let consultant: Clinician;
  let surgeon: Clinician;

  beforeAll(async () => {
    consultant = await signInNewClinician(trustA, 'plaintext-consultant');
    surgeon = await signInNewClinician(trustB, 'plaintext-surgeon');
  });

  afterAll(() => {
    consultant.stop();
    surgeon.stop();
  });

  async function auditRowsFor(roomId: string): Promise<AuditRow[]> {
    const audit = new pg.Client({ connectionString: trustA.policyDatabaseUrl });
    await audit.connect();
    try {
      const { rows } = await audit.query<AuditRow>(
        `SELECT actor, room, result, detail FROM bleep_audit
          WHERE action = 'federation:plaintext-received' AND room = $1`,
        [roomId],
      );
      return rows;
    } finally {
      await audit.end();
    }
  }

  it('is delivered, and reported to trust-a with the partner and the room only', async () => {
    const roomId = await openReferralRoom(consultant, surgeon, 'Referral: plaintext check');
    const secret = `plaintext ${randomBytes(6).toString('hex')}`;
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
    expect(sent.status).toBe(200);

    // Delivered: trust-a's clinician sees it (the gateway reports; it does not drop).
    await eventually('the plaintext event to reach trust-a', () =>
      consultant.client
        .getRoom(roomId)
        ?.getLiveTimeline()
        .getEvents()
        .find((event) => event.getContent().body === secret),
    );
    let rows: AuditRow[] = [];
    for (let attempt = 0; attempt < 40 && rows.length === 0; attempt += 1) {
      rows = await auditRowsFor(roomId);
      if (rows.length === 0) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(rows).toEqual([{ actor: trustB.serverName, room: roomId, result: 'm.room.message', detail: {} }]);
    expect(JSON.stringify(rows)).not.toContain(secret);
  });

  it('is not reported when Synapse refused the transaction: a forged partner origin cannot fill the audit', async () => {
    // Signed with the outsider's key while claiming to be trust-b: the gateway lets the partner name through, and
    // Synapse, checking the signature against trust-b's key, refuses it.
    const fakeRoom = `!forged-${randomBytes(4).toString('hex')}:${trustB.serverName}`;
    const forged = await signedFederationRequest({
      originName: 'outsider',
      originServer: trustB.serverName,
      destinationServer: trustA.serverName,
      port: Number(new URL(trustA.federationUrl).port),
      method: 'PUT',
      uri: `/_matrix/federation/v1/send/forged-${randomBytes(4).toString('hex')}`,
      content: {
        origin: trustB.serverName,
        origin_server_ts: Date.now(),
        pdus: [{ type: 'm.room.message', room_id: fakeRoom, content: { body: 'forged' } }],
      },
    });
    expect(forged.status).toBe(401);
    expect(await auditRowsFor(fakeRoom)).toEqual([]);
  });
});
