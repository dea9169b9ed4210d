// The enrolment store against real PostgreSQL: a throwaway database on the local server, dropped afterwards.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { migrateEnrolmentSchema } from './enrolmentSchema.ts';
import { createEnrolmentStore, type EnrolmentStore } from './enrolmentStore.ts';
import { newEnrolmentCode } from './enrolmentSecrets.ts';
import { createThrowawayDatabase, type ThrowawayDatabase } from '../database/throwawayDatabase.testkit.ts';

const hour = 3_600_000;
const monday = new Date('2025-01-06T09:00:00Z');

describe('enrolment store', () => {
  let database: ThrowawayDatabase;
  let now: Date;
  let store: EnrolmentStore;

  beforeAll(async () => {
    database = await createThrowawayDatabase();
    await migrateEnrolmentSchema(database.pool);
  });

  afterAll(async () => {
    await database.drop();
  });

  beforeEach(async () => {
    await database.pool.query('TRUNCATE bleep_device_enrolment, bleep_device_login');
    now = monday;
    store = createEnrolmentStore({ pool: database.pool, clock: () => now });
  });

  async function issue(deviceId: string, label?: string): Promise<string> {
    const issued = await store.createEnrolment(deviceId, { label, createdBy: 'it-admin' });
    if (!issued.ok) throw new Error(`enrolment refused: ${issued.code}`);
    return issued.code;
  }

  async function enrol(deviceId: string): Promise<string> {
    const redeemed = await store.redeemCode(deviceId, await issue(deviceId));
    if (!redeemed.ok) throw new Error(`redeem refused: ${redeemed.code}`);
    return redeemed.credential;
  }

  async function allStoredText(): Promise<string> {
    const rows = await database.pool.query<{ row: string }>(
      `SELECT row_to_json(e)::text AS row FROM bleep_device_enrolment e
       UNION ALL SELECT row_to_json(l)::text FROM bleep_device_login l`,
    );
    return rows.rows.map((row) => row.row).join('\n');
  }

  it('applies its schema again without complaint, even twice at once', async () => {
    await Promise.all([migrateEnrolmentSchema(database.pool), migrateEnrolmentSchema(database.pool)]);
  });

  it('issues a code that expires 72 hours later, redeems it for a credential, and lets that credential log in', async () => {
    const issued = await store.createEnrolment('WARD12-PC03', {
      label: "Ward 12 nurses' station",
      createdBy: 'it-admin',
    });
    expect(issued).toMatchObject({
      ok: true,
      deviceId: 'WARD12-PC03',
      expiresAt: new Date(monday.getTime() + 72 * hour),
    });
    if (!issued.ok) return;
    expect(issued.code).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/);

    const redeemed = await store.redeemCode('WARD12-PC03', issued.code.toLowerCase());
    expect(redeemed.ok).toBe(true);
    if (!redeemed.ok) return;
    expect(Buffer.from(redeemed.credential, 'base64url')).toHaveLength(32);
    expect(await store.checkLogin('WARD12-PC03', redeemed.credential)).toEqual({ ok: true });
  });

  it('finds the device a credential belongs to, only while it is enrolled and not revoked', async () => {
    const pc3 = await enrol('WARD12-PC03');
    const pc4 = await enrol('WARD12-PC04');
    expect(await store.deviceOfCredential(pc3)).toBe('WARD12-PC03');
    expect(await store.deviceOfCredential(pc4)).toBe('WARD12-PC04');
    for (const other of ['', 'not-a-credential', pc3.toUpperCase(), `${pc3}x`]) {
      expect(await store.deviceOfCredential(other), other).toBeUndefined();
    }
    await store.revoke('WARD12-PC03');
    expect(await store.deviceOfCredential(pc3)).toBeUndefined();
    expect(await store.deviceOfCredential(pc4)).toBe('WARD12-PC04');
  });

  it('accepts a code once: of ten concurrent redeems exactly one wins', async () => {
    const code = await issue('WARD12-PC03');
    const attempts = await Promise.all(
      Array.from({ length: 10 }, () => store.redeemCode('WARD12-PC03', code)),
    );
    const winners = attempts.filter((attempt) => attempt.ok);
    expect(winners).toHaveLength(1);
    expect(attempts.filter((attempt) => !attempt.ok).map((attempt) => attempt.code)).toEqual(
      Array.from({ length: 9 }, () => 'BAD_ENROLMENT_CODE'),
    );
    expect(await store.redeemCode('WARD12-PC03', code)).toMatchObject({
      ok: false,
      code: 'BAD_ENROLMENT_CODE',
    });
    // The winner's credential is the one that works.
    const winner = winners[0];
    if (!winner?.ok) throw new Error('no winner');
    expect(await store.checkLogin('WARD12-PC03', winner.credential)).toEqual({ ok: true });
  });

  it('refuses a code after its 72 hours, and accepts it just before', async () => {
    const code = await issue('WARD12-PC03');
    now = new Date(monday.getTime() + 72 * hour);
    expect(await store.redeemCode('WARD12-PC03', code)).toMatchObject({
      ok: false,
      code: 'ENROLMENT_CODE_EXPIRED',
    });
    now = new Date(monday.getTime() + 72 * hour - 1);
    expect((await store.redeemCode('WARD12-PC03', code)).ok).toBe(true);
  });

  it('lists a code as expired from the very moment redeeming it is refused', async () => {
    await issue('WARD12-PC03');
    now = new Date(monday.getTime() + 72 * hour - 1);
    expect((await store.list()).map((entry) => entry.state)).toEqual(['awaiting-code']);
    now = new Date(monday.getTime() + 72 * hour);
    expect((await store.list()).map((entry) => entry.state)).toEqual(['code-expired']);
  });

  it('refuses a wrong code, a code issued for another device, and text that is no code at all', async () => {
    await issue('WARD12-PC03');
    const otherCode = await issue('WARD14-PC01');
    expect(await store.redeemCode('WARD12-PC03', '0000-0000-0000-0000')).toMatchObject({
      code: 'BAD_ENROLMENT_CODE',
    });
    expect(await store.redeemCode('WARD12-PC03', otherCode)).toMatchObject({ code: 'BAD_ENROLMENT_CODE' });
    expect(await store.redeemCode('WARD12-PC03', 'let me in')).toMatchObject({ code: 'BAD_ENROLMENT_CODE' });
    expect(await store.redeemCode('NOBODY-PC', otherCode)).toMatchObject({ code: 'BAD_ENROLMENT_CODE' });
  });

  it('redeems a code alone for the device it was issued to, once', async () => {
    await issue('WARD14-PC01');
    const code = await issue('WARD12-PC03');
    const redeemed = await store.redeemCode('', code.toLowerCase().replace(/-/g, ' '));
    expect(redeemed).toMatchObject({ ok: true, deviceId: 'WARD12-PC03' });
    if (!redeemed.ok) throw new Error('redeem refused');
    expect(await store.checkLogin('WARD12-PC03', redeemed.credential)).toEqual({ ok: true });
    // Only that device: the other still waits for its own code.
    expect((await store.list()).map((entry) => [entry.deviceId, entry.state])).toEqual([
      ['WARD12-PC03', 'enrolled'],
      ['WARD14-PC01', 'awaiting-code'],
    ]);
    expect(await store.redeemCode('', code)).toMatchObject({
      ok: false,
      code: 'BAD_ENROLMENT_CODE',
      auditReason: 'CODE_UNKNOWN',
    });
  });

  it("refuses a code alone that nobody holds, an expired one only to its holder, and a revoked device's", async () => {
    const revokedCode = await issue('THEATRE-PC2');
    await store.revoke('THEATRE-PC2');
    const expiredCode = await issue('WARD12-PC03');
    const refusals = [
      await store.redeemCode('', '0000-0000-0000-0000'),
      await store.redeemCode('', revokedCode),
      await store.redeemCode('', 'not a code'),
    ];
    expect(refusals.map((refusal) => (refusal.ok ? 'accepted' : refusal.code))).toEqual([
      'BAD_ENROLMENT_CODE',
      'BAD_ENROLMENT_CODE',
      'BAD_ENROLMENT_CODE',
    ]);
    expect(refusals.map((refusal) => (refusal.ok ? 'accepted' : refusal.auditReason))).toEqual([
      'CODE_UNKNOWN',
      'CODE_UNKNOWN',
      'CODE_MALFORMED',
    ]);
    now = new Date(monday.getTime() + 72 * hour);
    expect(await store.redeemCode('', expiredCode)).toMatchObject({ code: 'ENROLMENT_CODE_EXPIRED' });
  });

  it('lets exactly one of many concurrent redemptions of a code alone win', async () => {
    const code = await issue('WARD12-PC03');
    const results = await Promise.all(Array.from({ length: 10 }, () => store.redeemCode('', code)));
    expect(results.filter((result) => result.ok)).toHaveLength(1);
  });

  it('never stores two equal codes: a clash draws a new code, and a generator that keeps clashing stops the issue', async () => {
    const fixed = newEnrolmentCode(() => Buffer.alloc(10, 7));
    const fresh = newEnrolmentCode(() => Buffer.alloc(10, 9));
    const draws = [fixed, fixed, fresh];
    store = createEnrolmentStore({
      pool: database.pool,
      clock: () => now,
      newCode: () => draws.shift() ?? fixed,
    });
    expect(await store.createEnrolment('WARD12-PC03', { createdBy: 'it-admin' })).toMatchObject({
      code: fixed.code,
    });
    expect(await store.createEnrolment('WARD14-PC01', { createdBy: 'it-admin' })).toMatchObject({
      code: fresh.code,
    });
    expect(draws).toEqual([]);
    await expect(store.createEnrolment('THEATRE-PC2', { createdBy: 'it-admin' })).rejects.toMatchObject({
      code: '23505',
    });
    // Even written by hand, a second row with a stored code's hash is refused by the database itself.
    await expect(
      database.pool.query(
        `INSERT INTO bleep_device_enrolment (device_id, code_hash, code_expires_at, created_by)
         VALUES ('BY-HAND', $1, now(), 'sql')`,
        [fixed.hash],
      ),
    ).rejects.toMatchObject({ code: '23505' });
    expect((await store.redeemCode('', fixed.code)).ok).toBe(true);
  });

  it("refuses a login with a wrong or missing credential, or another device's credential", async () => {
    const credential = await enrol('WARD12-PC03');
    const otherCredential = await enrol('WARD14-PC01');
    for (const [presented, auditReason] of [
      [`${credential}x`, 'CREDENTIAL_MISMATCH'],
      [undefined, 'CREDENTIAL_MISSING'],
      ['', 'CREDENTIAL_MISSING'],
      [otherCredential, 'CREDENTIAL_MISMATCH'],
    ] as const) {
      expect(await store.checkLogin('WARD12-PC03', presented)).toMatchObject({
        ok: false,
        code: 'DEVICE_LOGIN_REFUSED',
        auditReason,
      });
    }
  });

  it('refuses a login from a device nobody enrolled, one whose code is not yet redeemed, and one that names no device', async () => {
    expect(await store.checkLogin('PERSONAL-LAPTOP', 'anything')).toMatchObject({
      ok: false,
      code: 'DEVICE_LOGIN_REFUSED',
      auditReason: 'DEVICE_UNKNOWN',
    });
    await issue('WARD12-PC03');
    expect(await store.checkLogin('WARD12-PC03', 'anything')).toMatchObject({
      ok: false,
      code: 'DEVICE_LOGIN_REFUSED',
      auditReason: 'DEVICE_AWAITING_CODE',
    });
    expect(await store.checkLogin('', 'anything')).toMatchObject({ ok: false, code: 'DEVICE_ID_MISSING' });
  });

  it('answers a login the same whichever device IDs exist, and says why only in auditReason', async () => {
    const credential = await enrol('WARD12-PC03');
    await issue('WARD14-PC01');
    const revokedCredential = await enrol('THEATRE-PC2');
    await store.revoke('THEATRE-PC2');
    const refusals = [
      await store.checkLogin('NOBODY-PC', credential),
      await store.checkLogin('NOBODY-PC', undefined),
      await store.checkLogin('WARD14-PC01', credential),
      await store.checkLogin('WARD12-PC03', `${credential}x`),
      await store.checkLogin('WARD12-PC03', undefined),
      await store.checkLogin('THEATRE-PC2', revokedCredential),
    ];
    // What the client is sent: one code and one sentence for all of them.
    const told = refusals.map((refusal) => (refusal.ok ? 'accepted' : `${refusal.code}: ${refusal.message}`));
    expect(new Set(told).size).toBe(1);
    expect(told[0]).toMatch(/^DEVICE_LOGIN_REFUSED: /);
    expect(refusals.map((refusal) => (refusal.ok ? 'accepted' : refusal.auditReason))).toEqual([
      'DEVICE_UNKNOWN',
      'DEVICE_UNKNOWN',
      'DEVICE_AWAITING_CODE',
      'CREDENTIAL_MISMATCH',
      'CREDENTIAL_MISSING',
      'DEVICE_REVOKED',
    ]);
  });

  it('answers a code redemption the same whichever device IDs exist, and says why only in auditReason', async () => {
    const pendingCode = await issue('WARD14-PC01');
    const usedCode = await issue('WARD12-PC03');
    if (!(await store.redeemCode('WARD12-PC03', usedCode)).ok) throw new Error('redeem refused');
    const revokedCode = await issue('THEATRE-PC2');
    await store.revoke('THEATRE-PC2');
    const refusals = [
      await store.redeemCode('NOBODY-PC', pendingCode),
      await store.redeemCode('WARD14-PC01', '0000-0000-0000-0000'),
      await store.redeemCode('WARD12-PC03', usedCode),
      await store.redeemCode('THEATRE-PC2', revokedCode),
      await store.redeemCode('NOBODY-PC', 'not a code'),
    ];
    const told = refusals.map((refusal) => (refusal.ok ? 'accepted' : `${refusal.code}: ${refusal.message}`));
    expect(new Set(told).size).toBe(1);
    expect(told[0]).toMatch(/^BAD_ENROLMENT_CODE: /);
    expect(refusals.map((refusal) => (refusal.ok ? 'accepted' : refusal.auditReason))).toEqual([
      'DEVICE_UNKNOWN',
      'CODE_MISMATCH',
      'NO_CODE_PENDING',
      'DEVICE_REVOKED',
      'CODE_MALFORMED',
    ]);
  });

  it('refuses a revoked device even with its own credential, and kills a code it had not yet used', async () => {
    const credential = await enrol('WARD12-PC03');
    const revoked = await store.revoke('WARD12-PC03');
    expect(revoked).toMatchObject({ ok: true, revokedAt: monday });
    expect(await store.checkLogin('WARD12-PC03', credential)).toMatchObject({
      ok: false,
      code: 'DEVICE_LOGIN_REFUSED',
      auditReason: 'DEVICE_REVOKED',
    });

    const code = await issue('WARD14-PC01');
    await store.revoke('WARD14-PC01');
    expect(await store.redeemCode('WARD14-PC01', code)).toMatchObject({
      ok: false,
      code: 'BAD_ENROLMENT_CODE',
      auditReason: 'DEVICE_REVOKED',
    });
  });

  it('refuses to revoke a device nobody enrolled, and keeps the first revocation time when revoked again', async () => {
    expect(await store.revoke('PERSONAL-LAPTOP')).toMatchObject({ ok: false, code: 'DEVICE_NOT_ENROLLED' });
    // Text that cannot be a device ID is refused the same way, and the audit trail says why.
    expect(await store.revoke('PC/1')).toEqual({
      ok: false,
      code: 'DEVICE_NOT_ENROLLED',
      message: expect.any(String) as string,
      auditReason: 'INVALID_DEVICE_ID',
    });
    await enrol('WARD12-PC03');
    await store.revoke('WARD12-PC03');
    now = new Date(monday.getTime() + hour);
    expect(await store.revoke('WARD12-PC03')).toMatchObject({ ok: true, revokedAt: monday });
  });

  it('does not issue a second code for a device that is enrolled and not revoked', async () => {
    const credential = await enrol('WARD12-PC03');
    expect(await store.createEnrolment('WARD12-PC03', { createdBy: 'it-admin' })).toMatchObject({
      ok: false,
      code: 'DEVICE_ALREADY_ENROLLED',
    });
    expect(await store.checkLogin('WARD12-PC03', credential)).toEqual({ ok: true });
  });

  it('re-enrols a revoked device only through a new code from IT, and its old credential stays dead', async () => {
    const oldCredential = await enrol('WARD12-PC03');
    await store.revoke('WARD12-PC03');
    const code = await issue('WARD12-PC03');
    expect(await store.checkLogin('WARD12-PC03', oldCredential)).toMatchObject({
      ok: false,
      code: 'DEVICE_LOGIN_REFUSED',
      auditReason: 'DEVICE_AWAITING_CODE',
    });
    const redeemed = await store.redeemCode('WARD12-PC03', code);
    if (!redeemed.ok) throw new Error('redeem refused');
    expect(await store.checkLogin('WARD12-PC03', oldCredential)).toMatchObject({
      ok: false,
      code: 'DEVICE_LOGIN_REFUSED',
      auditReason: 'CREDENTIAL_MISMATCH',
    });
    expect(await store.checkLogin('WARD12-PC03', redeemed.credential)).toEqual({ ok: true });
  });

  it('replaces an unredeemed code when IT issues another, so only the newest works', async () => {
    const first = await issue('WARD12-PC03');
    const second = await issue('WARD12-PC03');
    expect(await store.redeemCode('WARD12-PC03', first)).toMatchObject({
      ok: false,
      code: 'BAD_ENROLMENT_CODE',
    });
    expect((await store.redeemCode('WARD12-PC03', second)).ok).toBe(true);
  });

  it('refuses device IDs and labels that would not be safe in a URL, a log line or a terminal', async () => {
    for (const deviceId of ['', 'WARD 12', '../admin', 'PC/1', '-PC', 'x'.repeat(65)]) {
      expect(await store.createEnrolment(deviceId, { createdBy: 'it-admin' })).toMatchObject({
        code: 'INVALID_DEVICE_ID',
      });
    }
    for (const label of ['x'.repeat(201), 'Ward 12\u001b[2J']) {
      expect(await store.createEnrolment('WARD12-PC03', { label, createdBy: 'it-admin' })).toMatchObject({
        code: 'INVALID_LABEL',
      });
    }
    for (const createdBy of ['', '   ', 'x'.repeat(201), 'it-admin\u0007']) {
      expect(await store.createEnrolment('WARD12-PC03', { createdBy })).toMatchObject({
        code: 'INVALID_CREATED_BY',
      });
    }
  });

  it('takes a label and an issuer of up to 200 characters, and keeps a label without its surrounding spaces', async () => {
    await store.createEnrolment('WARD12-PC03', { label: 'x'.repeat(200), createdBy: 'y'.repeat(200) });
    await store.createEnrolment('WARD14-PC01', { label: '  Ward 14 office  ', createdBy: 'it-admin' });
    await store.createEnrolment('THEATRE-PC2', { label: '   ', createdBy: 'it-admin' });
    expect(
      (await store.list()).map(({ deviceId, label, createdBy }) => [deviceId, label, createdBy]),
    ).toEqual([
      ['THEATRE-PC2', null, 'it-admin'],
      ['WARD12-PC03', 'x'.repeat(200), 'y'.repeat(200)],
      ['WARD14-PC01', 'Ward 14 office', 'it-admin'],
    ]);
  });

  it('refuses, as a malformed request and before PostgreSQL sees it, a device ID with a NUL, a surrogate or a slash', async () => {
    const credential = await enrol('WARD12-PC03');
    const code = await issue('WARD14-PC01');
    for (const deviceId of [
      'WARD12-PC03\u0000',
      'a\u0000b',
      '\ud800',
      'PC/1',
      '..',
      'x'.repeat(65),
      ' WARD12-PC03',
    ]) {
      expect(await store.checkLogin(deviceId, credential)).toMatchObject({
        ok: false,
        code: 'INVALID_DEVICE_ID',
      });
      expect(await store.redeemCode(deviceId, code)).toMatchObject({ ok: false, code: 'INVALID_DEVICE_ID' });
      expect(await store.createEnrolment(deviceId, { createdBy: 'it-admin' })).toMatchObject({
        code: 'INVALID_DEVICE_ID',
      });
      expect(await store.revoke(deviceId)).toMatchObject({ ok: false, code: 'DEVICE_NOT_ENROLLED' });
      await store.recordLogin(deviceId, '@nurse:northgate.nhs.uk');
      expect(await store.usersOf(deviceId)).toEqual([]);
    }
    // The device ids the README and the desktop use, and the ones Synapse makes, are all fine.
    for (const deviceId of ['MY-DESKTOP', 'PERSONALLAPTOP', 'ABCDEFGHIJ', 'ward_12.pc-3', 'x'.repeat(64)]) {
      expect(await store.checkLogin(deviceId, credential)).toMatchObject({ code: 'DEVICE_LOGIN_REFUSED' });
    }
    // The hostile ids changed nothing.
    expect(await store.checkLogin('WARD12-PC03', credential)).toEqual({ ok: true });
    expect((await store.redeemCode('WARD14-PC01', code)).ok).toBe(true);
  });

  it('keeps a NUL or lone surrogate in a credential, code, user or issuer away from PostgreSQL', async () => {
    const credential = await enrol('WARD12-PC03');
    expect(await store.checkLogin('WARD12-PC03', `${credential}\u0000`)).toMatchObject({
      auditReason: 'CREDENTIAL_MISMATCH',
    });
    expect(await store.checkLogin('WARD12-PC03', '\ud800')).toMatchObject({
      auditReason: 'CREDENTIAL_MISMATCH',
    });
    expect(await store.redeemCode('WARD12-PC03', '7K3M-Q9XA-B2CD-EFG\u0000')).toMatchObject({
      auditReason: 'CODE_MALFORMED',
    });
    await store.recordLogin('WARD12-PC03', '@nurse\u0000:northgate.nhs.uk');
    await store.recordLogin('WARD12-PC03', '@nurse\ud800:northgate.nhs.uk');
    expect(await store.usersOf('WARD12-PC03')).toEqual([]);
    for (const createdBy of ['jo\u0000it', 'jo\udc00', '', 'x'.repeat(201)]) {
      expect(await store.createEnrolment('WARD14-PC01', { createdBy })).toMatchObject({
        code: 'INVALID_CREATED_BY',
      });
    }
    expect(
      await store.createEnrolment('WARD14-PC01', { label: 'Ward \ud800', createdBy: 'jo' }),
    ).toMatchObject({
      code: 'INVALID_LABEL',
    });
  });

  it('stores neither codes nor credentials in clear, only 32-byte hashes', async () => {
    const pendingCode = await issue('WARD14-PC01');
    const redeemedCode = await issue('WARD12-PC03');
    const redeemed = await store.redeemCode('WARD12-PC03', redeemedCode);
    if (!redeemed.ok) throw new Error('redeem refused');
    await store.recordLogin('WARD12-PC03', '@nurse:northgate.nhs.uk');

    const stored = await allStoredText();
    for (const secret of [pendingCode, redeemedCode, redeemed.credential]) {
      expect(stored).not.toContain(secret);
      expect(stored).not.toContain(secret.replaceAll('-', ''));
      expect(stored).not.toContain(Buffer.from(secret).toString('hex'));
    }
    const hashes = await database.pool.query<{ code: number | null; credential: number | null }>(
      `SELECT octet_length(code_hash) AS code, octet_length(credential_hash) AS credential
       FROM bleep_device_enrolment ORDER BY device_id`,
    );
    expect(hashes.rows).toEqual([
      { code: null, credential: 32 },
      { code: 32, credential: null },
    ]);
  });

  it('lists every enrolment with its state and last login, and no secrets', async () => {
    const credential = await enrol('WARD12-PC03');
    const expiredCode = await issue('PHARMACY-PC1');
    await store.recordLogin('WARD12-PC03', '@nurse:northgate.nhs.uk');
    now = new Date(monday.getTime() + 2 * hour);
    await store.recordLogin('WARD12-PC03', '@doctor:northgate.nhs.uk');
    const pendingCode = await issue('WARD14-PC01', 'Ward 14 office');
    await enrol('THEATRE-PC2');
    await store.revoke('THEATRE-PC2');
    now = new Date(monday.getTime() + 73 * hour);

    const listed = await store.list();
    expect(listed.map((entry) => [entry.deviceId, entry.state])).toEqual([
      ['PHARMACY-PC1', 'code-expired'],
      ['THEATRE-PC2', 'revoked'],
      ['WARD12-PC03', 'enrolled'],
      ['WARD14-PC01', 'awaiting-code'],
    ]);
    expect(listed.find((entry) => entry.deviceId === 'WARD12-PC03')).toEqual({
      deviceId: 'WARD12-PC03',
      label: null,
      state: 'enrolled',
      createdBy: 'it-admin',
      codeExpiresAt: null,
      enrolledAt: monday,
      revokedAt: null,
      lastLoginAt: new Date(monday.getTime() + 2 * hour),
    });
    const text = JSON.stringify(listed);
    for (const secret of [credential, pendingCode, expiredCode]) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(secret.replaceAll('-', ''));
    }
  });

  it('remembers who signed in on an enrolled device, and ignores logins naming a device nobody enrolled', async () => {
    await enrol('WARD12-PC03');
    await store.recordLogin('WARD12-PC03', '@nurse:northgate.nhs.uk');
    await store.recordLogin('WARD12-PC03', '@doctor:northgate.nhs.uk');
    await store.recordLogin('WARD12-PC03', '@nurse:northgate.nhs.uk');
    await store.recordLogin('PERSONAL-LAPTOP', '@nurse:northgate.nhs.uk');
    expect(await store.usersOf('WARD12-PC03')).toEqual([
      '@doctor:northgate.nhs.uk',
      '@nurse:northgate.nhs.uk',
    ]);
    expect(await store.usersOf('PERSONAL-LAPTOP')).toEqual([]);
    const revoked = await store.revoke('WARD12-PC03');
    expect(revoked).toMatchObject({ userIds: ['@doctor:northgate.nhs.uk', '@nurse:northgate.nhs.uk'] });
  });
});
