// Runs against real PostgreSQL (127.0.0.1:5432, user postgres, or BLEEP_TEST_POSTGRES_URL): a throwaway database
// with Synapse 1.160's tables, and a stand-in admin API that purges and redacts as Synapse does.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ThrowawayDatabase } from '../../../policy-module/src/database/throwawayDatabase.testkit.ts';
import {
  createSynapseTestDatabase,
  insertEvent,
  insertLocalMember,
} from '../database/synapseTables.testkit.ts';
import {
  createSynapseAdminStandIn,
  type SynapseAdminStandIn,
} from '../synapse/synapseAdminStandIn.testkit.ts';
import { HoldGateError } from '../hold/holdGate.ts';
import { retentionMarker } from './contentHeld.ts';
import { purgeRoom, type RoomPurgeDeps } from './purgeRoom.ts';

const now = new Date('2026-11-28T12:00:00Z');
const cutoff = new Date(now.getTime() - 3600_000);
const old = now.getTime() - 2 * 3600_000;
const recent = now.getTime() - 60_000;
const alice = '@alice:trust-a.example';
const bob = '@bob:trust-b.example';
const ciphertext = { algorithm: 'm.megolm.v1.aes-sha2', ciphertext: 'AwgAEp...', session_id: 's1' };

let database: ThrowawayDatabase;
let admin: SynapseAdminStandIn;
let roomCount = 0;

function deps(beforeErasing: () => Promise<void> = () => Promise.resolve()): RoomPurgeDeps {
  return {
    synapseDb: database.pool,
    admin,
    clock: () => now,
    sleep: () => Promise.resolve(),
    withRetries: async (_dependency, work) => {
      for (let attempt = 1; ; attempt += 1) {
        try {
          return await work();
        } catch (error) {
          if (attempt >= 3) throw error;
        }
      }
    },
    purgeTimeoutMs: 10_000,
    purgePollMs: 1,
    runId: 7,
    beforeErasing,
  };
}

/** A room made by alice at trust A (power 100 unless given), with bob from trust B joined. */
async function room(alicePower = 100): Promise<string> {
  roomCount += 1;
  const roomId = `!room${roomCount}:trust-a.example`;
  await insertEvent(database, {
    roomId,
    type: 'm.room.create',
    sender: alice,
    depth: 1,
    receivedTs: old,
    content: {},
    stateKey: '',
  });
  const join = await insertEvent(database, {
    roomId,
    type: 'm.room.member',
    sender: alice,
    depth: 2,
    receivedTs: old,
    content: { membership: 'join' },
    stateKey: alice,
  });
  await insertLocalMember(database, roomId, alice, join);
  await insertEvent(database, {
    roomId,
    type: 'm.room.power_levels',
    sender: alice,
    depth: 3,
    receivedTs: old,
    content: { users: { [alice]: alicePower }, users_default: 0, redact: 50 },
    stateKey: '',
  });
  await insertEvent(database, {
    roomId,
    type: 'm.room.member',
    sender: bob,
    depth: 4,
    receivedTs: old,
    content: { membership: 'join' },
    stateKey: bob,
  });
  return roomId;
}

function message(roomId: string, sender: string, depth: number, receivedTs: number): Promise<string> {
  return insertEvent(database, {
    roomId,
    type: 'm.room.encrypted',
    sender,
    depth,
    receivedTs,
    content: ciphertext,
  });
}

async function exists(eventId: string): Promise<boolean> {
  const { rowCount } = await database.pool.query('SELECT 1 FROM event_json WHERE event_id = $1', [eventId]);
  return rowCount === 1;
}

beforeAll(async () => {
  database = await createSynapseTestDatabase();
});

afterAll(async () => {
  await database.drop();
});

beforeEach(() => {
  admin = createSynapseAdminStandIn(database, () => now);
});

describe('purgeRoom', () => {
  it('purges old messages up to the first one received since the cutoff, and keeps that one, later ones and the state', async () => {
    const roomId = await room();
    const first = await message(roomId, alice, 5, old);
    const second = await message(roomId, bob, 6, old);
    const kept = await message(roomId, bob, 7, recent);
    const later = await message(roomId, alice, 8, recent);

    const outcome = await purgeRoom(deps(), roomId, cutoff);

    expect(outcome).toEqual({ roomId, outcome: 'purged', eventsPurged: 2, redactionsSent: 0 });
    expect(await exists(first)).toBe(false);
    expect(await exists(second)).toBe(false);
    expect(await exists(kept)).toBe(true);
    expect(await exists(later)).toBe(true);
    expect(admin.calls.filter((call) => call.method === 'purgeHistory')).toEqual([
      { method: 'purgeHistory', args: [roomId, kept] },
    ]);
  });

  it('in a room where nothing new happened, redacts the latest message as its sender, then purges every old one', async () => {
    const roomId = await room();
    const first = await message(roomId, alice, 5, old);
    const latest = await message(roomId, alice, 6, old);

    const outcome = await purgeRoom(deps(), roomId, cutoff);

    expect(outcome).toMatchObject({ outcome: 'purged', eventsPurged: 2, redactionsSent: 1 });
    expect(await exists(first)).toBe(false);
    expect(await exists(latest)).toBe(false);
    const redact = admin.calls.find((call) => call.method === 'redact');
    expect(redact?.args.slice(0, 2)).toEqual([roomId, latest]);
    expect(redact?.args[3]).toEqual({ [retentionMarker]: true });
    // It acted as alice, the sender, and ended the session it took.
    expect(admin.calls.find((call) => call.method === 'loginAs')?.args[0]).toBe(alice);
    expect(admin.actingAs.size).toBe(0);
  });

  it("erases a partner's latest message as the local member with power to redact", async () => {
    const roomId = await room(100);
    const partners = await message(roomId, bob, 5, old);

    const outcome = await purgeRoom(deps(), roomId, cutoff);

    expect(outcome).toMatchObject({ outcome: 'purged', redactionsSent: 1 });
    expect(admin.calls.find((call) => call.method === 'loginAs')?.args[0]).toBe(alice);
    expect(await exists(partners)).toBe(false);
  });

  it("moves past a partner's latest message by redacting a local member's own older one when she has no power", async () => {
    const roomId = await room(0);
    const own = await message(roomId, alice, 5, old);
    const partners = await message(roomId, bob, 6, old);

    const outcome = await purgeRoom(deps(), roomId, cutoff);

    expect(outcome).toMatchObject({ outcome: 'purged', eventsPurged: 2, redactionsSent: 1 });
    expect(admin.calls.find((call) => call.method === 'redact')?.args[1]).toBe(own);
    expect(await exists(partners)).toBe(false);
  });

  it('waits for the partner when no local member may erase its latest message, and still purges below it', async () => {
    const roomId = await room(0);
    const earlier = await message(roomId, bob, 5, old);
    const latest = await message(roomId, bob, 6, old);

    const outcome = await purgeRoom(deps(), roomId, cutoff);

    expect(outcome).toEqual({ roomId, outcome: 'waiting-for-partner', eventsPurged: 1, redactionsSent: 0 });
    expect(await exists(earlier)).toBe(false);
    expect(await exists(latest)).toBe(true);
  });

  it('redacts an old message level with the first new one, which the purge cannot take, once', async () => {
    const roomId = await room();
    const below = await message(roomId, alice, 5, old);
    const level = await message(roomId, alice, 6, old);
    await message(roomId, bob, 6, recent);

    const outcome = await purgeRoom(deps(), roomId, cutoff);
    expect(outcome).toMatchObject({ outcome: 'purged', eventsPurged: 1, redactionsSent: 1 });
    expect(await exists(below)).toBe(false);
    expect(admin.calls.find((call) => call.method === 'redact')?.args[1]).toBe(level);

    // Synapse prunes its content later; the next run does not redact it again.
    admin.calls.length = 0;
    expect(await purgeRoom(deps(), roomId, cutoff)).toMatchObject({
      outcome: 'nothing-old',
      redactionsSent: 0,
    });
    expect(admin.calls).toEqual([]);
  });

  it('asks how a purge stands soon, then less often: 25 ms, doubling up to purgePollMs', async () => {
    const roomId = await room();
    await message(roomId, alice, 5, old);
    await message(roomId, bob, 6, recent);
    const waits: number[] = [];
    let asked = 0;
    const running: RoomPurgeDeps['admin'] = {
      ...admin,
      purgeStatus: async (purgeId) => {
        asked += 1;
        // Synapse's purge is still running for the first six questions.
        return asked <= 6 ? { status: 'active' } : admin.purgeStatus(purgeId);
      },
    };
    const outcome = await purgeRoom(
      {
        ...deps(),
        admin: running,
        purgePollMs: 500,
        sleep: (ms) => {
          waits.push(ms);
          return Promise.resolve();
        },
      },
      roomId,
      cutoff,
    );
    expect(outcome.outcome).toBe('purged');
    expect(waits).toEqual([25, 50, 100, 200, 400, 500]);
  });

  it('does nothing in a room with nothing old', async () => {
    const roomId = `!fresh:trust-a.example`;
    await insertEvent(database, {
      roomId,
      type: 'm.room.create',
      sender: alice,
      depth: 1,
      receivedTs: recent,
      content: {},
      stateKey: '',
    });
    await message(roomId, alice, 2, recent);
    expect(await purgeRoom(deps(), roomId, cutoff)).toEqual({
      roomId,
      outcome: 'nothing-old',
      eventsPurged: 0,
      redactionsSent: 0,
    });
    expect(admin.calls).toEqual([]);
  });

  it('fails the room with the code Synapse gave when Synapse stays down, and the next run finishes it', async () => {
    const roomId = await room();
    const first = await message(roomId, alice, 5, old);
    await message(roomId, alice, 6, recent);
    admin.down.value = true;

    const failed = await purgeRoom(deps(), roomId, cutoff);
    expect(failed).toMatchObject({ outcome: 'failed', failure: { code: 'SYNAPSE_UNREACHABLE' } });
    expect(admin.calls.filter((call) => call.method === 'purgeHistory')).toHaveLength(3);
    expect(await exists(first)).toBe(true);

    admin.down.value = false;
    expect(await purgeRoom(deps(), roomId, cutoff)).toMatchObject({ outcome: 'purged', eventsPurged: 1 });
    expect(await exists(first)).toBe(false);
  });

  it('erases nothing once the legal-hold gate is lost: neither the redaction nor the history purge is asked for', async () => {
    const idle = await room();
    const idleLatest = await message(idle, alice, 5, old);
    const busy = await room();
    const busyOld = await message(busy, alice, 5, old);
    await message(busy, alice, 6, recent);
    const lost = () => Promise.reject(new HoldGateError('the legal-hold gate was lost'));

    for (const roomId of [idle, busy]) {
      expect(await purgeRoom(deps(lost), roomId, cutoff)).toMatchObject({
        outcome: 'failed',
        eventsPurged: 0,
        redactionsSent: 0,
        failure: { code: 'HOLD_GATE_LOST' },
      });
    }
    expect(admin.calls.filter((call) => call.method === 'redact' || call.method === 'purgeHistory')).toEqual(
      [],
    );
    expect(await exists(idleLatest)).toBe(true);
    expect(await exists(busyOld)).toBe(true);
  });
});
