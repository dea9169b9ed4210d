// enrol-device, revoke-device and list-devices run in-process against real PostgreSQL (a throwaway database)
// and, for revoke-device, a stand-in for Synapse's admin API (unit test only) that records the sign-outs.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { migrateBleepSchema } from '../database/bleepSchema.ts';
import { createEnrolmentStore } from '../enrolment/enrolmentStore.ts';
import {
  startSynapseAdminStandIn,
  type SynapseAdminStandIn,
} from '../enrolment/synapseAdminStandIn.testkit.ts';
import { createThrowawayDatabase, type ThrowawayDatabase } from '../database/throwawayDatabase.testkit.ts';
import { exitCodes } from './cliCommand.ts';
import { cliTestContext } from './cliContext.testkit.ts';
import { runCli } from './runCli.ts';

const adminToken = 'syt_admin_token_never_printed';
const monday = new Date('2025-01-06T09:00:00Z');

describe('device enrolment commands', () => {
  let database: ThrowawayDatabase;
  let synapse: SynapseAdminStandIn;

  beforeAll(async () => {
    database = await createThrowawayDatabase();
    synapse = await startSynapseAdminStandIn();
  });

  afterAll(async () => {
    await synapse.close();
    await database.drop();
  });

  beforeEach(async () => {
    await migrateBleepSchema(database.pool);
    await database.pool.query('TRUNCATE bleep_device_enrolment, bleep_device_login');
    synapse.seen.length = 0;
  });

  function cli(now = monday) {
    return cliTestContext({
      pool: database.pool,
      now,
      env: { SYNAPSE_ADMIN_URL: synapse.url, SYNAPSE_ADMIN_TOKEN: adminToken },
    });
  }

  async function enrolByCli(deviceId: string, ...extra: string[]): Promise<string> {
    const { context, out } = cli();
    expect(await runCli(['enrol-device', '--device-id', deviceId, ...extra], context)).toBe(exitCodes.ok);
    const code = /[0-9A-Z]{4}(-[0-9A-Z]{4}){3}/.exec(out.join('\n'))?.[0];
    if (!code) throw new Error(`no code in output:\n${out.join('\n')}`);
    return code;
  }

  it('enrol-device prints a one-time code with its expiry, and records who issued it', async () => {
    const { context, out } = cli();
    const argv = ['enrol-device', '--device-id', 'WARD12-PC03', '--label', "Ward 12 nurses' station"];
    expect(await runCli(argv, context)).toBe(exitCodes.ok);
    expect(out[0]).toBe("Enrolment code for WARD12-PC03 (Ward 12 nurses' station):");
    expect(out.join('\n')).toContain('before 2025-01-09 09:00 UTC');
    const stored = await database.pool.query('SELECT label, created_by FROM bleep_device_enrolment');
    expect(stored.rows).toEqual([{ label: "Ward 12 nurses' station", created_by: 'it-admin' }]);
  });

  it('enrol-device honours --expires-hours and --by', async () => {
    const { context, out } = cli();
    const argv = ['enrol-device', '--device-id', 'WARD12-PC03', '--expires-hours', '4', '--by', 'j.smith'];
    expect(await runCli(argv, context)).toBe(exitCodes.ok);
    expect(out.join('\n')).toContain('before 2025-01-06 13:00 UTC');
    const stored = await database.pool.query('SELECT created_by FROM bleep_device_enrolment');
    expect(stored.rows).toEqual([{ created_by: 'j.smith' }]);
  });

  it('enrol-device refuses a device that is already enrolled and says how to replace it', async () => {
    const code = await enrolByCli('WARD12-PC03');
    const store = createEnrolmentStore({ pool: database.pool, clock: () => monday });
    expect((await store.redeemCode('WARD12-PC03', code)).ok).toBe(true);
    const { context, err } = cli();
    expect(await runCli(['enrol-device', '--device-id', 'WARD12-PC03'], context)).toBe(exitCodes.failed);
    expect(err.join('\n')).toContain('DEVICE_ALREADY_ENROLLED');
    expect(err.join('\n')).toContain('bleep-policy revoke-device --device-id WARD12-PC03');
  });

  it('enrol-device refuses a device ID that is not safe to use', async () => {
    const { context, err } = cli();
    expect(await runCli(['enrol-device', '--device-id', '../admin'], context)).toBe(exitCodes.failed);
    expect(err[0]).toContain('INVALID_DEVICE_ID');
  });

  it('revoke-device signs out, through the admin API, every user who logged in on the device', async () => {
    const store = createEnrolmentStore({ pool: database.pool, clock: () => monday });
    const redeemed = await store.redeemCode('WARD12-PC03', await enrolByCli('WARD12-PC03'));
    if (!redeemed.ok) throw new Error('redeem refused');
    await store.recordLogin('WARD12-PC03', '@nurse:northgate.nhs.uk');
    await store.recordLogin('WARD12-PC03', '@doctor:northgate.nhs.uk');

    const { context, out, err } = cli();
    expect(await runCli(['revoke-device', '--device-id', 'WARD12-PC03'], context)).toBe(exitCodes.ok);
    expect(synapse.seen).toEqual([
      {
        method: 'DELETE',
        path: '/_synapse/admin/v2/users/%40doctor%3Anorthgate.nhs.uk/devices/WARD12-PC03',
        authorization: `Bearer ${adminToken}`,
      },
      {
        method: 'DELETE',
        path: '/_synapse/admin/v2/users/%40nurse%3Anorthgate.nhs.uk/devices/WARD12-PC03',
        authorization: `Bearer ${adminToken}`,
      },
    ]);
    expect(out.join('\n')).toContain('WARD12-PC03 is revoked since 2025-01-06 09:00 UTC');
    expect(out.join('\n')).toContain('@nurse:northgate.nhs.uk: signed out');
    expect(err).toEqual([]);
    expect(await store.checkLogin('WARD12-PC03', redeemed.credential)).toMatchObject({
      code: 'DEVICE_LOGIN_REFUSED',
      auditReason: 'DEVICE_REVOKED',
    });
  });

  it('revoke-device reports a failed sign-out per user, exits 1, keeps the revocation, and never prints the token', async () => {
    const store = createEnrolmentStore({ pool: database.pool, clock: () => monday });
    const redeemed = await store.redeemCode('WARD12-PC03', await enrolByCli('WARD12-PC03'));
    if (!redeemed.ok) throw new Error('redeem refused');
    await store.recordLogin('WARD12-PC03', '@locum:northgate.nhs.uk');
    await store.recordLogin('WARD12-PC03', '@gone:northgate.nhs.uk');
    synapse.answerFor('@locum:northgate.nhs.uk', 502, 'M_UNKNOWN');
    synapse.answerFor('@gone:northgate.nhs.uk', 404, 'M_NOT_FOUND');

    const { context, out, err } = cli();
    expect(await runCli(['revoke-device', '--device-id', 'WARD12-PC03'], context)).toBe(exitCodes.failed);
    expect(out).toContain('  @gone:northgate.nhs.uk: already signed out');
    expect(out).toContain(
      '  @locum:northgate.nhs.uk: NOT signed out (Synapse answered 502 M_UNKNOWN: stand-in refusal)',
    );
    expect(err.join('\n')).toContain('1 user is still signed in on WARD12-PC03');
    expect([...out, ...err].join('\n')).not.toContain(adminToken);
    expect(await store.checkLogin('WARD12-PC03', redeemed.credential)).toMatchObject({
      code: 'DEVICE_LOGIN_REFUSED',
      auditReason: 'DEVICE_REVOKED',
    });
  });

  it('revoke-device refuses a device nobody enrolled', async () => {
    const { context, err } = cli();
    expect(await runCli(['revoke-device', '--device-id', 'PERSONAL-LAPTOP'], context)).toBe(exitCodes.failed);
    expect(err[0]).toContain('DEVICE_NOT_ENROLLED');
    expect(synapse.seen).toEqual([]);
  });

  it('list-devices shows ID, label, state, enrolled at and last login, and never a code or credential', async () => {
    const store = createEnrolmentStore({ pool: database.pool, clock: () => monday });
    const wardCode = await enrolByCli('WARD12-PC03', '--label', 'Ward 12');
    const redeemed = await store.redeemCode('WARD12-PC03', wardCode);
    if (!redeemed.ok) throw new Error('redeem refused');
    await createEnrolmentStore({
      pool: database.pool,
      clock: () => new Date('2025-01-06T10:30:00Z'),
    }).recordLogin('WARD12-PC03', '@nurse:northgate.nhs.uk');
    const pendingCode = await enrolByCli('PHARMACY-PC1');

    const { context, out } = cli();
    expect(await runCli(['list-devices'], context)).toBe(exitCodes.ok);
    expect(out).toEqual([
      'DEVICE ID     LABEL    STATE          ENROLLED AT           LAST LOGIN',
      'PHARMACY-PC1  -        awaiting-code  -                     -',
      'WARD12-PC03   Ward 12  enrolled       2025-01-06 09:00 UTC  2025-01-06 10:30 UTC',
    ]);
    const printed = out.join('\n');
    for (const secret of [wardCode, pendingCode, redeemed.credential]) {
      expect(printed).not.toContain(secret);
      expect(printed).not.toContain(secret.replaceAll('-', ''));
    }
  });

  it('list-devices says so when nothing is enrolled', async () => {
    const { context, out } = cli();
    expect(await runCli(['list-devices'], context)).toBe(exitCodes.ok);
    expect(out).toEqual(['No devices are enrolled.']);
  });
});
