// The identity store against real PostgreSQL (a throwaway database), as the gateway's own role: it makes one
// identity per clinician even when two desktops ask at once, keeps only sealed private keys, and cannot rewrite or
// delete an identity.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { migrateBleepSchema } from '../database/bleepSchema.ts';
import { createThrowawayDatabase, type ThrowawayDatabase } from '../database/throwawayDatabase.testkit.ts';
import {
  createThrowawayServiceRole,
  type ThrowawayServiceRole,
} from '../database/throwawayServiceRole.testkit.ts';
import { ed25519PublicKey } from './ed25519Keys.ts';
import { IdentitySealError } from './identitySealing.ts';
import { createIdentityStore } from './identityStore.ts';

describe('clinician identity store', () => {
  let database: ThrowawayDatabase;
  let gateway: ThrowawayServiceRole;
  const sealingKey = randomBytes(32);

  beforeAll(async () => {
    database = await createThrowawayDatabase();
    await migrateBleepSchema(database.pool);
    gateway = await createThrowawayServiceRole(database);
  });

  afterAll(async () => {
    await gateway.drop();
    await database.drop();
  });

  beforeEach(async () => {
    await database.pool.query('TRUNCATE bleep_clinician_identity');
  });

  it('makes one identity per clinician, the same for desktops asking at once, and finds it again', async () => {
    const store = createIdentityStore({ pool: gateway.pool, sealingKey });
    const both = await Promise.all([store.findOrCreate('@amelia:a'), store.findOrCreate('@amelia:a')]);
    expect(both[0].masterKey).toBe(both[1].masterKey);
    expect(ed25519PublicKey(both[0].seeds.master)).toBe(both[0].masterKey);
    expect(ed25519PublicKey(both[1].seeds.selfSigning)).toBe(both[0].selfSigningKey);
    const other = await store.findOrCreate('@leila:a');
    expect(other.masterKey).not.toBe(both[0].masterKey);
    const again = await createIdentityStore({ pool: gateway.pool, sealingKey }).findOrCreate('@amelia:a');
    expect(again.masterKey).toBe(both[0].masterKey);
    expect(again.publishedAt).toBeNull();
  });

  it('keeps no private key in the clear, and a sealed row does not open under another key or clinician', async () => {
    const store = createIdentityStore({ pool: gateway.pool, sealingKey });
    const held = await store.findOrCreate('@amelia:a');
    const { rows } = await database.pool.query<{ sealed_seeds: Buffer }>(
      'SELECT sealed_seeds FROM bleep_clinician_identity',
    );
    const sealed = rows[0]?.sealed_seeds ?? Buffer.alloc(0);
    for (const seed of [held.seeds.master, held.seeds.selfSigning, held.seeds.userSigning]) {
      expect(sealed.includes(Buffer.from(seed))).toBe(false);
    }
    await expect(
      createIdentityStore({ pool: gateway.pool, sealingKey: randomBytes(32) }).findOrCreate('@amelia:a'),
    ).rejects.toThrow(IdentitySealError);
    await database.pool.query(
      "INSERT INTO bleep_clinician_identity SELECT '@moved:a', master_key, self_signing_key, sealed_seeds, created_at FROM bleep_clinician_identity WHERE user_id = '@amelia:a'",
    );
    await expect(store.findOrCreate('@moved:a')).rejects.toThrow(IdentitySealError);
  });

  it('records publication once, and the gateway role cannot rewrite an identity', async () => {
    let now = new Date('2026-11-28T10:00:00Z');
    const store = createIdentityStore({ pool: gateway.pool, sealingKey, clock: () => now });
    await store.findOrCreate('@amelia:a');
    await store.markPublished('@amelia:a');
    now = new Date('2026-11-28T11:00:00Z');
    await store.markPublished('@amelia:a');
    expect((await store.findOrCreate('@amelia:a')).publishedAt).toEqual(new Date('2026-11-28T10:00:00Z'));
    await expect(
      gateway.pool.query("UPDATE bleep_clinician_identity SET master_key = 'x' WHERE user_id = '@amelia:a'"),
    ).rejects.toThrow(/permission denied/);
  });
});
