// Revocation end to end below the CLI: real PostgreSQL (a throwaway database) and a stand-in for Synapse's admin
// API, unit test only, that records the sign-outs it is asked for.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateEnrolmentSchema } from './enrolmentSchema.ts';
import { createEnrolmentStore } from './enrolmentStore.ts';
import { revokeDevice } from './revokeDevice.ts';
import { signOutDevice } from './signOutDevice.ts';
import { startSynapseAdminStandIn, type SynapseAdminStandIn } from './synapseAdminStandIn.testkit.ts';
import { createThrowawayDatabase, type ThrowawayDatabase } from '../database/throwawayDatabase.testkit.ts';

describe('revoking a device', () => {
  let database: ThrowawayDatabase;
  let synapse: SynapseAdminStandIn;
  const now = new Date('2025-01-06T09:00:00Z');

  beforeAll(async () => {
    database = await createThrowawayDatabase();
    await migrateEnrolmentSchema(database.pool);
    synapse = await startSynapseAdminStandIn();
  });

  afterAll(async () => {
    await synapse.close();
    await database.drop();
  });

  it('signs out every user who logged in on it, reports a failure per user, and stays revoked', async () => {
    const store = createEnrolmentStore({ pool: database.pool, clock: () => now });
    const issued = await store.createEnrolment('WARD12-PC03', { createdBy: 'it-admin' });
    if (!issued.ok) throw new Error('enrolment refused');
    const redeemed = await store.redeemCode('WARD12-PC03', issued.code);
    if (!redeemed.ok) throw new Error('redeem refused');
    for (const userId of ['@nurse:northgate.nhs.uk', '@doctor:northgate.nhs.uk', '@locum:northgate.nhs.uk']) {
      await store.recordLogin('WARD12-PC03', userId);
    }
    synapse.answerFor('@locum:northgate.nhs.uk', 503, 'M_UNKNOWN');
    const signOut = (deviceId: string, userIds: readonly string[]) =>
      signOutDevice({ synapseAdminUrl: synapse.url, adminToken: 'admin-token', fetch }, deviceId, userIds);

    const revocation = await revokeDevice({ store, signOut }, 'WARD12-PC03');

    expect(revocation).toEqual({
      ok: true,
      deviceId: 'WARD12-PC03',
      revokedAt: now,
      signOuts: [
        { userId: '@doctor:northgate.nhs.uk', outcome: 'signed-out' },
        {
          userId: '@locum:northgate.nhs.uk',
          outcome: 'failed',
          reason: 'Synapse answered 503 M_UNKNOWN: stand-in refusal',
        },
        { userId: '@nurse:northgate.nhs.uk', outcome: 'signed-out' },
      ],
    });
    expect(synapse.seen.map((request) => `${request.method} ${request.path}`)).toEqual([
      'DELETE /_synapse/admin/v2/users/%40doctor%3Anorthgate.nhs.uk/devices/WARD12-PC03',
      'DELETE /_synapse/admin/v2/users/%40locum%3Anorthgate.nhs.uk/devices/WARD12-PC03',
      'DELETE /_synapse/admin/v2/users/%40nurse%3Anorthgate.nhs.uk/devices/WARD12-PC03',
    ]);
    expect(await store.checkLogin('WARD12-PC03', redeemed.credential)).toMatchObject({
      code: 'DEVICE_LOGIN_REFUSED',
      auditReason: 'DEVICE_REVOKED',
    });
  });

  it('refuses a device nobody enrolled without asking Synapse anything', async () => {
    const store = createEnrolmentStore({ pool: database.pool, clock: () => now });
    synapse.seen.length = 0;
    const revocation = await revokeDevice(
      { store, signOut: () => Promise.reject(new Error('must not be called')) },
      'PERSONAL-LAPTOP',
    );
    expect(revocation).toMatchObject({ ok: false, code: 'DEVICE_NOT_ENROLLED' });
    expect(synapse.seen).toEqual([]);
  });
});
