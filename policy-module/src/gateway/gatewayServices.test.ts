// Against real PostgreSQL (a throwaway database, whose audit trail and accepted directory mark each test starts
// empty): the gateway's start-up refuses to run without a valid trust directory, and a later bad directory leaves
// the good one in force, with an audit entry.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { readAuditRows } from '../audit/readAuditRows.ts';
import { migrateBleepSchema } from '../database/bleepSchema.ts';
import { createThrowawayDatabase, type ThrowawayDatabase } from '../database/throwawayDatabase.testkit.ts';
import { truncateAsOwner } from '../database/truncateAsOwner.testkit.ts';
import { signDirectory } from '../trustDirectory/signDirectory.ts';
import { parseGatewayConfig } from './gatewayConfig.ts';
import { createGatewayServices } from './gatewayServices.ts';
import { testPolicy } from './rules/ruleContext.testkit.ts';

const authority = generateKeyPairSync('ed25519');
const now = new Date('2026-11-23T09:00:00Z');
const directoryFile = (key = authority.privateKey, issuedAt = '2026-11-01T00:00:00.000Z'): string =>
  JSON.stringify(
    signDirectory(
      {
        version: 1,
        issuedAt,
        expiresAt: '2026-12-20T00:00:00.000Z',
        trusts: [{ odsCode: 'RXB', name: 'Southmere', serverName: 'southmere.nhs.uk' }],
      },
      key,
      'authority',
    ),
  );

describe('gateway services', () => {
  let database: ThrowawayDatabase;
  let dir: string;

  beforeAll(async () => {
    database = await createThrowawayDatabase('bleep_gateway_test');
    await migrateBleepSchema(database.pool);
    dir = await mkdtemp(join(tmpdir(), 'bleep-gateway-'));
    await writeFile(join(dir, 'authority.pub'), authority.publicKey.export({ format: 'pem', type: 'spki' }));
    await writeFile(join(dir, 'identity-sealing.key'), randomBytes(32).toString('base64'));
  });

  afterAll(async () => {
    await database.drop();
  });

  beforeEach(async () => {
    // A directory another test accepted would otherwise supersede this test's (the mark only goes up).
    await truncateAsOwner(database.pool, ['bleep_audit', 'bleep_accepted_directory']);
  });

  function config(directoryName: string) {
    return parseGatewayConfig({
      BLEEP_POLICY_PATH: '/unused',
      SYNAPSE_URL: 'http://127.0.0.1:1',
      SYNAPSE_FEDERATION_URL: 'http://127.0.0.1:1',
      BLEEP_DATABASE_URL: database.url,
      TRUST_DIRECTORY_PATH: join(dir, directoryName),
      TRUST_DIRECTORY_PUBLIC_KEY_PATH: join(dir, 'authority.pub'),
      IDENTITY_SEALING_KEY_PATH: join(dir, 'identity-sealing.key'),
      TLS_CERT_PATH: '/unused',
      TLS_KEY_PATH: '/unused',
    });
  }

  /** Starts the gateway's services on the named directory file, as the gateway does at start. */
  function startWith(directoryName: string, clock: () => Date = () => now) {
    return createGatewayServices({
      config: config(directoryName),
      policy: testPolicy,
      database: database.pool,
      log: pino({ level: 'silent' }),
      clock,
    });
  }

  /** Audit rows written since `before` rows, as [action, result]. */
  async function auditedSince(before: number): Promise<[string, string][]> {
    return (await readAuditRows(database.pool)).slice(before).map((row) => [row.action, row.result]);
  }

  const fiveMinutes = 5 * 60_000;

  /** Lets the directory reload that a timer started finish its file read and database writes. */
  async function settle(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  afterEach(() => {
    vi.useRealTimers();
  });

  it('will not start on a directory signed by someone else', async () => {
    await writeFile(join(dir, 'forged.json'), directoryFile(generateKeyPairSync('ed25519').privateKey));
    await expect(startWith('forged.json')).rejects.toThrow(/no valid trust directory/);
    const rows = await readAuditRows(database.pool);
    expect(rows.at(-1)).toMatchObject({ action: 'directory:refused', result: 'DIRECTORY_BAD_SIGNATURE' });
  });

  it('allows the partners the policy lists and the signed directory vouches for', async () => {
    await writeFile(join(dir, 'good.json'), directoryFile());
    const services = await startWith('good.json');
    // The test policy lists southmere and unvouched; the directory vouches for southmere only.
    expect(services.allowedPartners()).toEqual(['southmere.nhs.uk']);
    expect(services.partnerTrusts()).toEqual([{ serverName: 'southmere.nhs.uk', name: 'Southmere' }]);
    // The expiry the metrics serve is the accepted directory's own.
    expect(services.directoryExpiresAt()).toBe('2026-12-20T00:00:00.000Z');
    expect(services.devices.status('NEVER-ENROLLED')).toBe('unknown-device');
    await services.close();
    const rows = await readAuditRows(database.pool);
    expect(rows.at(-1)).toMatchObject({
      action: 'directory:accepted',
      detail: { issuedAt: '2026-11-01T00:00:00.000Z' },
    });
  });

  it('after a restart, refuses a signed, unexpired directory older than the one it accepted before', async () => {
    // good.json accepted (and the services stopped, as at a restart); then one issued before it, still in date.
    await writeFile(join(dir, 'good.json'), directoryFile());
    await (await startWith('good.json')).close();
    await writeFile(join(dir, 'older.json'), directoryFile(authority.privateKey, '2026-10-25T00:00:00.000Z'));
    await expect(startWith('older.json')).rejects.toThrow(/no valid trust directory/);
    const rows = await readAuditRows(database.pool);
    expect(rows.at(-1)).toMatchObject({ action: 'directory:refused', result: 'DIRECTORY_SUPERSEDED' });
  });

  it('will not start on a database whose schema the owner has not made, and says how to make it', async () => {
    const bare = await createThrowawayDatabase('bleep_gateway_bare');
    try {
      await writeFile(join(dir, 'good.json'), directoryFile());
      await expect(
        createGatewayServices({
          config: config('good.json'),
          policy: testPolicy,
          database: bare.pool,
          log: pino({ level: 'silent' }),
          clock: () => now,
        }),
      ).rejects.toThrow(/bleep-policy migrate/);
    } finally {
      await bare.drop();
    }
  });

  it('rejects a bad configuration naming the variable', () => {
    expect(() => parseGatewayConfig({ SYNAPSE_URL: 'not a url' })).toThrow(/SYNAPSE_URL/);
  });

  it('reloads the directory every five minutes, and audits a change of directory once', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    await writeFile(
      join(dir, 'reloaded.json'),
      directoryFile(authority.privateKey, '2026-11-02T00:00:00.000Z'),
    );
    const services = await startWith('reloaded.json');
    const before = (await readAuditRows(database.pool)).length;
    try {
      await vi.advanceTimersByTimeAsync(fiveMinutes);
      await settle();
      // The same directory again: nothing new to audit.
      expect(await auditedSince(before)).toEqual([]);
      await writeFile(
        join(dir, 'reloaded.json'),
        directoryFile(authority.privateKey, '2026-11-03T00:00:00.000Z'),
      );
      await vi.advanceTimersByTimeAsync(fiveMinutes - 1);
      await settle();
      expect(await auditedSince(before)).toEqual([]);
      await vi.advanceTimersByTimeAsync(1);
      await settle();
      expect(await auditedSince(before)).toEqual([['directory:accepted', 'ok']]);
    } finally {
      await services.close();
    }
  });

  it('audits a refused new directory once while it stays in place, and keeps the good one in force', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    await writeFile(
      join(dir, 'replaced.json'),
      directoryFile(authority.privateKey, '2026-11-04T00:00:00.000Z'),
    );
    const services = await startWith('replaced.json');
    const before = (await readAuditRows(database.pool)).length;
    try {
      await writeFile(join(dir, 'replaced.json'), directoryFile(generateKeyPairSync('ed25519').privateKey));
      for (let reload = 0; reload < 3; reload += 1) {
        await vi.advanceTimersByTimeAsync(fiveMinutes);
        await settle();
      }
      expect(await auditedSince(before)).toEqual([['directory:refused', 'DIRECTORY_BAD_SIGNATURE']]);
      expect(services.allowedPartners()).toEqual(['southmere.nhs.uk']);
      // Another refused file in its place is a new refusal, audited in its turn.
      await writeFile(join(dir, 'replaced.json'), directoryFile(generateKeyPairSync('ed25519').privateKey));
      await vi.advanceTimersByTimeAsync(fiveMinutes);
      await settle();
      expect(await auditedSince(before)).toEqual([
        ['directory:refused', 'DIRECTORY_BAD_SIGNATURE'],
        ['directory:refused', 'DIRECTORY_BAD_SIGNATURE'],
      ]);
    } finally {
      await services.close();
    }
  });

  it('audits a directory near its expiry once a day, however often it is reloaded', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    await writeFile(
      join(dir, 'expiring.json'),
      directoryFile(authority.privateKey, '2026-11-05T00:00:00.000Z'),
    );
    let today = new Date('2026-12-18T09:00:00Z');
    const services = await startWith('expiring.json', () => today);
    const before = (await readAuditRows(database.pool)).length;
    try {
      await vi.advanceTimersByTimeAsync(fiveMinutes);
      await settle();
      expect(await auditedSince(before)).toEqual([]);
      today = new Date(today.getTime() + 86_400_000);
      await vi.advanceTimersByTimeAsync(fiveMinutes);
      await settle();
      expect(await auditedSince(before)).toEqual([['directory:expiry', 'expiring']]);
      // Past its expiry the file is refused as a new one would be, and the one in force is audited as expired.
      today = new Date('2026-12-20T09:05:00Z');
      await vi.advanceTimersByTimeAsync(fiveMinutes);
      await settle();
      expect(await auditedSince(before)).toEqual([
        ['directory:expiry', 'expiring'],
        ['directory:refused', 'DIRECTORY_EXPIRED'],
        ['directory:expiry', 'expired'],
      ]);
    } finally {
      await services.close();
    }
    const rows = await readAuditRows(database.pool);
    expect(rows.slice(before - 2, before).map((row) => row.action)).toContain('directory:expiry');
  });

  it('answers enrolment questions from the database, and leaves no timer running once closed', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    await writeFile(
      join(dir, 'latest.json'),
      directoryFile(authority.privateKey, '2026-11-10T00:00:00.000Z'),
    );
    const services = await startWith('latest.json');
    expect(await services.enrolment.checkLogin('NEVER-ENROLLED', 'x')).toMatchObject({
      ok: false,
      code: 'DEVICE_LOGIN_REFUSED',
    });
    await services.close();
    expect(vi.getTimerCount()).toBe(0);
  });
});
