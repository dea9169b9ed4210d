// Needs the real local stack: trust-a, a Synapse behind its policy gateway, and Synapse's PostgreSQL database.
// Attacks on rule no-key-copies (and default deny): server-side key backup (making a version, uploading keys),
// secret storage in account data, dehydrated devices (MSC2697, MSC3814) and secrets sent to other devices, under
// any spelling Synapse might route. Judged by what Synapse holds for the user afterwards: no backup version
// (Synapse's own GET room_keys/version is M_NOT_FOUND), no backed-up keys, no secret account data, no dehydrated
// device, no secret waiting in a device inbox. The same reads see a backup and secret storage made past the gateway
// for another account, and allowed account data and to-device messages through it, so the checks can see a copy.
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { registerUser } from '@bleep/policy-module';
import { signInAtEnrolledDesktop, type StaffSession } from './clinicianClient.ts';
import { dishonestAnswers, sendAttacks, type Attack } from './gatewayRefusal.ts';
import { attackSeed, methodMostly, param, spelledClientPath, type PathPart } from './pathSpellings.ts';
import { bearer, clientCall } from './rawRequest.ts';
import { trustNamed } from './stackInfo.ts';
import { askSynapse, everySynapseRow, querySynapseDatabase } from './synapseHoldings.ts';

const seed = attackSeed(20260522);
const trustA = trustNamed(inject('stack'), 'trust-a');
const backupAlgorithm = 'm.megolm_backup.v1.curve25519-aes-sha2';

const secretTypes = [
  'm.secret_storage.default_key',
  'm.secret_storage.key.abc',
  'm.cross_signing.master',
  'm.cross_signing.self_signing',
  'm.cross_signing.user_signing',
  'm.megolm_backup.v1',
  'org.matrix.msc2697.secret',
];

function isSecretType(type: string): boolean {
  return /^(m\.secret_storage\.|m\.cross_signing\.|m\.megolm_backup\.v1$|org\.matrix\.msc)/.test(type);
}

type KeyCopies = Readonly<{
  backupLookup: number;
  backupVersions: number;
  backedUpKeys: number;
  secretAccountData: string[];
  dehydratedDevices: number;
  secretsInInbox: number;
}>;

/** The copies of keys Synapse holds for a user: its own answer to the backup lookup, then its tables. */
async function keyCopiesOf(userId: string, token: string): Promise<KeyCopies> {
  const count = async (sql: string) =>
    Number((await querySynapseDatabase<{ n: string }>(trustA, sql, [userId]))[0]?.n ?? 0);
  const types = await querySynapseDatabase<{ type: string }>(
    trustA,
    `SELECT account_data_type AS type FROM account_data WHERE user_id = $1
     UNION SELECT account_data_type FROM room_account_data WHERE user_id = $1`,
    [userId],
  );
  return {
    backupLookup: (await askSynapse(trustA, token, 'GET', '/_matrix/client/v3/room_keys/version')).status,
    backupVersions: await count('SELECT count(*) AS n FROM e2e_room_keys_versions WHERE user_id = $1'),
    backedUpKeys: await count('SELECT count(*) AS n FROM e2e_room_keys WHERE user_id = $1'),
    secretAccountData: types
      .map((row) => row.type)
      .filter(isSecretType)
      .sort(),
    dehydratedDevices: await count('SELECT count(*) AS n FROM dehydrated_devices WHERE user_id = $1'),
    secretsInInbox: await count(
      `SELECT count(*) AS n FROM device_inbox WHERE user_id = $1 AND message_json LIKE '%"m.secret.%'`,
    ),
  };
}

const noCopies: KeyCopies = {
  backupLookup: 404,
  backupVersions: 0,
  backedUpKeys: 0,
  secretAccountData: [],
  dehydratedDevices: 0,
  secretsInInbox: 0,
};

describe('gateway attacks: copies of keys on the server', () => {
  let session: StaffSession;
  let roomId = '';

  beforeAll(async () => {
    session = await signInAtEnrolledDesktop(trustA, 'attack-keys');
    const created = await clientCall(
      trustA.clientUrl,
      session.accessToken,
      'POST',
      '/_matrix/client/v3/createRoom',
      {},
    );
    roomId = String(created.json?.room_id);
  });

  it('sees a backup and secret storage when Synapse holds them (the checks can see a copy)', async () => {
    const witness = await registerUser({
      synapseUrl: trustA.synapseUrl,
      sharedSecret: trustA.registrationSharedSecret,
      username: `attack-witness-${randomBytes(4).toString('hex')}`,
      password: randomBytes(16).toString('hex'),
    });
    // Past the gateway, on Synapse's internal listener: what the gateway exists to stop.
    const made = await askSynapse(
      trustA,
      witness.accessToken,
      'POST',
      '/_matrix/client/v3/room_keys/version',
      {
        algorithm: backupAlgorithm,
        auth_data: { public_key: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG' },
      },
    );
    expect(made.status).toBe(200);
    const userPath = `/_matrix/client/v3/user/${encodeURIComponent(witness.userId)}`;
    expect(
      (
        await askSynapse(
          trustA,
          witness.accessToken,
          'PUT',
          `${userPath}/account_data/m.secret_storage.default_key`,
          { key: 'k' },
        )
      ).status,
    ).toBe(200);
    const held = await keyCopiesOf(witness.userId, witness.accessToken);
    expect(held).toMatchObject({
      backupLookup: 200,
      backupVersions: 1,
      secretAccountData: ['m.secret_storage.default_key'],
    });
  });

  it('lets no copy of a key onto the server, under any spelling of backup, secret storage, dehydration or secret sharing', async () => {
    const run = randomBytes(4).toString('hex');
    const secret = `S3CR3T-${run}`;
    const me = session.userId;
    const backupBody = { algorithm: backupAlgorithm, auth_data: { public_key: secret, signatures: {} } };
    const keysBody = {
      rooms: {
        [roomId]: {
          sessions: {
            s1: {
              first_message_index: 0,
              forwarded_count: 0,
              is_verified: true,
              session_data: { ciphertext: secret },
            },
          },
        },
      },
    };
    const sessionBody = keysBody.rooms[roomId]?.sessions.s1;
    const dehydrated = {
      device_id: `DEHYD-${run}`,
      device_data: { algorithm: 'm.dehydration.v1.olm', account: secret },
    };
    const toDevice = {
      messages: { [me]: { '*': { action: 'request', name: 'm.megolm_backup.v1', request_id: run, secret } } },
    };
    type Kind = Readonly<{
      parts: readonly PathPart[];
      method: string;
      body: unknown;
      versions?: readonly string[];
      query?: string;
    }>;
    const kinds: readonly Kind[] = [
      { parts: ['room_keys', 'version'], method: 'POST', body: backupBody },
      { parts: ['room_keys', 'version', param('1')], method: 'PUT', body: backupBody },
      { parts: ['room_keys', 'keys'], method: 'PUT', body: keysBody, query: 'version=1' },
      {
        parts: ['room_keys', 'keys', param(roomId)],
        method: 'PUT',
        body: keysBody.rooms[roomId],
        query: 'version=1',
      },
      {
        parts: ['room_keys', 'keys', param(roomId), param('s1')],
        method: 'PUT',
        body: sessionBody,
        query: 'version=1',
      },
      ...secretTypes.flatMap((type) => [
        { parts: ['user', param(me), 'account_data', param(type)], method: 'PUT', body: { key: secret } },
        {
          parts: ['user', param(me), 'rooms', param(roomId), 'account_data', param(type)],
          method: 'PUT',
          body: { key: secret },
        },
      ]),
      ...['dehydrated_device', 'dehydrated_device/DEHYD/events'].map((path) => ({
        parts: path.split('/'),
        method: path.endsWith('events') ? 'POST' : 'PUT',
        body: dehydrated,
        versions: ['unstable/org.matrix.msc3814.v1', 'unstable/org.matrix.msc2697.v2'],
      })),
      ...['m.secret.send', 'm.secret.request'].map((type) => ({
        parts: ['sendToDevice', param(type), param(`t-${run}`)],
        method: 'PUT',
        body: toDevice,
      })),
    ];
    const samples = fc.sample(
      fc.constantFrom(...kinds).chain((kind) =>
        fc.record({
          kind: fc.constant(kind),
          target: spelledClientPath(kind.parts, {
            versions: [...(kind.versions ?? []), 'unstable', 'r0'],
            v3Weight: kind.versions ? 1 : 3,
          }),
          method: methodMostly(kind.method),
        }),
      ),
      { seed, numRuns: 150 },
    );
    const canonical = kinds.flatMap((kind) =>
      [...(kind.versions ?? []), 'v3', 'unstable', 'r0'].map((version) => ({
        kind,
        target: `/_matrix/client/${version}/${kind.parts.map((part) => (typeof part === 'string' ? part : encodeURIComponent(part.value))).join('/')}`,
        method: kind.method,
      })),
    );
    const attacks: Attack[] = [...canonical, ...samples].map(({ kind, target, method }) => {
      const withQuery = kind.query ? `${target}${target.includes('?') ? '&' : '?'}${kind.query}` : target;
      return {
        label: `${method} ${withQuery}`,
        request: {
          method,
          target: withQuery,
          headers: bearer(session.accessToken),
          body: JSON.stringify(kind.body),
        },
      };
    });
    const results = await sendAttacks(trustA.clientUrl, attacks);
    expect(dishonestAnswers(results), `seed ${seed}`).toEqual([]);
    const rules = new Set(results.flatMap(({ read }) => (read.outcome === 'refused' ? [read.rule] : [])));
    expect([...rules]).toEqual(expect.arrayContaining(['no-key-copies', 'default-deny']));

    // Controls: allowed account data and an allowed to-device message through the gateway are stored.
    const userPath = `/_matrix/client/v3/user/${encodeURIComponent(me)}`;
    expect(
      (
        await clientCall(
          trustA.clientUrl,
          session.accessToken,
          'PUT',
          `${userPath}/account_data/m.direct`,
          {},
        )
      ).status,
    ).toBe(200);
    const verification = {
      messages: {
        [me]: { '*': { from_device: session.deviceId, methods: [], transaction_id: run, timestamp: 0 } },
      },
    };
    const sent = await clientCall(
      trustA.clientUrl,
      session.accessToken,
      'PUT',
      `/_matrix/client/v3/sendToDevice/m.key.verification.request/v-${run}`,
      verification,
    );
    expect(sent.status).toBe(200);
    const inbox = await querySynapseDatabase<{ n: string }>(
      trustA,
      'SELECT count(*) AS n FROM device_inbox WHERE user_id = $1 AND message_json LIKE $2',
      [me, `%${run}%`],
    );
    expect(Number(inbox[0]?.n)).toBe(1);

    // What Synapse holds: no copy of any key, and the secret nowhere in its database.
    expect(await keyCopiesOf(me, session.accessToken), `seed ${seed}`).toEqual(noCopies);
    const holding = (await everySynapseRow(trustA))
      .filter((row) => row.text.includes(secret))
      .map((row) => row.table);
    expect(holding, `seed ${seed}`).toEqual([]);
  });
});
