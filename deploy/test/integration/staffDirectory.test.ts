// Needs the real local stack: trust-a and trust-b, each a Synapse behind its policy gateway with Bleep's database.
// The trust's staff directory end to end: the runner lists every seed member in their own trust's directory, trust
// IT changes it with `npm run stack -- policy <trust> staff ...` (the real bleep-policy), and a clinician on an
// enrolled desktop finds colleagues through POST /_bleep/staff/search, never anyone of another trust, with nothing of
// the search in the gateway's log. And enrolment by the code alone, with the code the real enrol-device prints.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { registerUser } from '@bleep/policy-module';
import { localLayout } from '../../local/src/localLayout.ts';
import { seedStaffByTrust } from '../../local/src/seedStaff.ts';
import type { RunningTrust } from '../../local/src/stackStatus.ts';
import { signInAtEnrolledDesktop, type StaffSession } from './clinicianClient.ts';
import { passwordLogin } from './enrolledDesktop.ts';
import { stackCommand } from './stackCli.ts';
import { trustNamed } from './stackInfo.ts';

const trustA = trustNamed(inject('stack'), 'trust-a');
const trustB = trustNamed(inject('stack'), 'trust-b');

type Found = { user_id: string; display_name: string; role: string; department: string };

async function search(trust: RunningTrust, session: StaffSession, term: string, limit?: number) {
  const response = await fetch(`${trust.clientUrl}/_bleep/staff/search`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${session.accessToken}`,
      'x-bleep-device-credential': session.desktop.credential,
    },
    body: JSON.stringify({ term, ...(limit === undefined ? {} : { limit }) }),
  });
  expect(response.status, term).toBe(200);
  return ((await response.json()) as { results: Found[] }).results;
}

async function inPolicyDatabase<Row extends pg.QueryResultRow>(
  trust: RunningTrust,
  sql: string,
  values: unknown[] = [],
): Promise<Row[]> {
  const client = new pg.Client({ connectionString: trust.policyDatabaseUrl });
  await client.connect();
  try {
    return (await client.query<Row>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

describe("the trust's staff directory", () => {
  it("lists every seed member in their own trust's directory, with their role and department", async () => {
    for (const trust of [trustA, trustB]) {
      const rows = await inPolicyDatabase<{ user_id: string; role: string; department: string }>(
        trust,
        'SELECT user_id, role, department FROM bleep_staff_member ORDER BY user_id',
      );
      for (const member of seedStaffByTrust[trust.name] ?? []) {
        expect(rows, member.username).toContainEqual({
          user_id: `@${member.username}:${trust.serverName}`,
          role: member.role,
          department: member.department,
        });
      }
      // Nobody of another server is in a trust's directory.
      expect(rows.filter((row) => !row.user_id.endsWith(`:${trust.serverName}`))).toEqual([]);
    }
  });

  it('finds colleagues by name, role, department or user id for a clinician on an enrolled desktop, within their trust', async () => {
    const nurse = await signInAtEnrolledDesktop(trustA, 'staff-search');
    const cardiology = await search(trustA, nurse, 'cardiology');
    expect(cardiology).toContainEqual({
      user_id: `@amelia.hart:${trustA.serverName}`,
      display_name: 'Dr Amelia Hart',
      role: 'Consultant Cardiologist',
      department: 'Cardiology',
    });
    expect(cardiology.map((found) => found.user_id)).toContain(`@grace.lindqvist:${trustA.serverName}`);
    expect((await search(trustA, nurse, 'AMELIA hart')).map((found) => found.display_name)).toEqual([
      'Dr Amelia Hart',
    ]);
    expect((await search(trustA, nurse, 'pharmacist')).map((found) => found.display_name)).toEqual([
      'Sam Patel',
    ]);
    expect(await search(trustA, nurse, 'cardiology', 1)).toHaveLength(1);
    // Trust B's staff are trust B's: not found at trust A by name, role or full address.
    expect(await search(trustA, nurse, 'mensah')).toEqual([]);
    expect(await search(trustA, nurse, `@rachel.mensah:${trustB.serverName}`)).toEqual([]);
    expect(await search(trustA, nurse, 'cardiothoracic')).toEqual([]);

    const surgeon = await signInAtEnrolledDesktop(trustB, 'staff-search');
    expect((await search(trustB, surgeon, 'cardio')).map((found) => found.user_id)).toEqual([
      `@rachel.mensah:${trustB.serverName}`,
    ]);
  });

  it("follows trust IT's changes made with bleep-policy staff set and remove, audited", async () => {
    const nurse = await signInAtEnrolledDesktop(trustA, 'staff-it');
    const locum = `@locum-${randomBytes(4).toString('hex')}:${trustA.serverName}`;
    const department = `Locum Pool ${randomBytes(3).toString('hex')}`;
    await stackCommand([
      'policy',
      'trust-a',
      'staff',
      'set',
      '--user-id',
      locum,
      '--display-name',
      'Dr Lee Locum',
      '--role',
      'Locum Registrar',
      '--department',
      department,
    ]);
    expect(await search(trustA, nurse, department)).toEqual([
      { user_id: locum, display_name: 'Dr Lee Locum', role: 'Locum Registrar', department },
    ]);
    await stackCommand(['policy', 'trust-a', 'staff', 'remove', '--user-id', locum]);
    expect(await search(trustA, nurse, department)).toEqual([]);
    const audited = await inPolicyDatabase<{ action: string }>(
      trustA,
      "SELECT action FROM bleep_audit WHERE action LIKE 'staff:%' AND detail->>'userId' = $1 ORDER BY seq",
      [locum],
    );
    expect(audited.map((row) => row.action)).toEqual(['staff:set', 'staff:remove']);
  });

  it("writes nothing of what was searched to the gateway's log or audit trail", async () => {
    const nurse = await signInAtEnrolledDesktop(trustA, 'staff-quiet');
    const term = `quietword${randomBytes(6).toString('hex')}`;
    expect(await search(trustA, nurse, term)).toEqual([]);
    // Refused searches too: without the credential, and malformed.
    await fetch(`${trustA.clientUrl}/_bleep/staff/search`, {
      method: 'POST',
      headers: { authorization: `Bearer ${nurse.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ term }),
    });
    await fetch(`${trustA.clientUrl}/_bleep/staff/search`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${nurse.accessToken}`,
        'x-bleep-device-credential': nurse.desktop.credential,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ term, limit: 'all' }),
    });
    const log = await readFile(join(localLayout().logDir, 'trust-a.gateway.log'), 'utf8');
    expect(log).not.toContain(term);
    const audited = await inPolicyDatabase(
      trustA,
      "SELECT seq FROM bleep_audit WHERE detail::text LIKE '%' || $1 || '%' OR result LIKE '%' || $1 || '%'",
      [term],
    );
    expect(audited).toEqual([]);
  });
});

describe('enrolment by the code alone', () => {
  const codePattern = /[0-9A-Z]{4}(-[0-9A-Z]{4}){3}/;

  async function enrol(body: unknown): Promise<Response> {
    return fetch(`${trustA.clientUrl}/_bleep/enrol`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  it('redeems the code enrol-device printed for the device it was issued to, once; the desktop then signs in', async () => {
    const deviceId = `CODE-ONLY-${randomBytes(4).toString('hex').toUpperCase()}`;
    const printed = await stackCommand(['policy', 'trust-a', 'enrol-device', '--device-id', deviceId]);
    const code = codePattern.exec(printed)?.[0];
    if (!code) throw new Error(`enrol-device printed no code:\n${printed}`);
    const redeemed = await enrol({ code: code.toLowerCase() });
    expect(redeemed.status).toBe(200);
    const answer = (await redeemed.json()) as { device_id: string; credential: string };
    expect(answer.device_id).toBe(deviceId);
    expect((await enrol({ code })).status).toBe(403);

    const username = `code-only-${randomBytes(4).toString('hex')}`;
    const password = randomBytes(16).toString('hex');
    await registerUser({
      synapseUrl: trustA.synapseUrl,
      sharedSecret: trustA.registrationSharedSecret,
      username,
      password,
    });
    const login = await passwordLogin(trustA, username, password, {
      deviceId: answer.device_id,
      credential: answer.credential,
    });
    expect(login.status).toBe(200);
    const enrolled = await inPolicyDatabase<{ action: string; device: string; result: string }>(
      trustA,
      "SELECT action, device, result FROM bleep_audit WHERE action = 'enrol' AND device = $1 ORDER BY seq",
      [deviceId],
    );
    expect(enrolled).toEqual([{ action: 'enrol', device: deviceId, result: 'ok' }]);
  });

  it('refuses guessed codes with one answer, naming no device, and audits each with its reason', async () => {
    const [{ seq: before } = { seq: '0' }] = await inPolicyDatabase<{ seq: string }>(
      trustA,
      'SELECT coalesce(max(seq), 0) AS seq FROM bleep_audit',
    );
    const guesses = [
      ...Array.from({ length: 3 }, () => randomBytes(10).toString('hex').slice(0, 16).toUpperCase()),
      'not a code',
      '',
    ];
    const answers = await Promise.all(
      guesses.map(async (code) => {
        const response = await enrol({ code });
        return { status: response.status, body: await response.json() };
      }),
    );
    expect(new Set(answers.map((answer) => JSON.stringify(answer))).size).toBe(1);
    expect(answers[0]).toMatchObject({ status: 403, body: { 'uk.nhs.bleep.rule': 'device-enrolment' } });
    const audited = await inPolicyDatabase<{ device: string | null; result: string }>(
      trustA,
      "SELECT device, result FROM bleep_audit WHERE seq > $1 AND action = 'enrol' AND device IS NULL ORDER BY seq",
      [before],
    );
    expect(audited.map((row) => row.result).sort()).toEqual(
      expect.arrayContaining([
        'refused: CODE_UNKNOWN',
        'refused: CODE_UNKNOWN',
        'refused: CODE_UNKNOWN',
        'refused: CODE_MALFORMED',
        'refused: CODE_MALFORMED',
      ]),
    );
  });
});
