// Runs against real PostgreSQL: a throwaway Synapse database (read through the service's own role), a throwaway
// Bleep database (through the service's role, and a gateway-like role given only the held-room view), and the real
// hash-chained audit trail.
import { createAuditLog, verifyAuditChain } from '@bleep/policy-module';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { heldRoomView as gatewayHeldRoomView } from '../../../policy-module/src/gateway/heldRoomsView.ts';
import type { ThrowawayDatabase } from '../../../policy-module/src/database/throwawayDatabase.testkit.ts';
import { createBleepTestDatabase } from '../database/bleepTables.testkit.ts';
import { heldRoomView } from '../database/legalHoldSchema.ts';
import { grantHeldRoomRead, grantRetentionAccess } from '../database/retentionSchema.ts';
import { grantSynapseAccess } from '../database/synapseGrants.ts';
import { createSynapseTestDatabase, createTestRole, insertEvent } from '../database/synapseTables.testkit.ts';
import { HoldError } from './legalHoldInput.ts';
import { createLegalHoldStore } from './legalHoldStore.ts';
import { createLegalHolds, type LegalHolds } from './legalHolds.ts';

const server = 'trust-a.example';
const officer = 'ig.officer';
let synapse: ThrowawayDatabase;
let bleep: ThrowawayDatabase;
let roles: Awaited<ReturnType<typeof createTestRole>>[] = [];
let purgeDb: pg.Pool;
let bleepDb: pg.Pool;
let gatewayDb: pg.Pool;
let holds: LegalHolds;
let now = Date.parse('2026-11-28T09:00:00Z');
let rooms = 0;
let auditFrom = 0;

async function room(...members: string[]): Promise<string> {
  rooms += 1;
  const roomId = `!hold${rooms}:${server}`;
  await synapse.pool.query(
    `INSERT INTO rooms (room_id, is_public, creator, room_version) VALUES ($1, false, $2, '11')`,
    [roomId, members[0] ?? '@nobody:x'],
  );
  for (const [index, member] of members.entries()) {
    await insertEvent(synapse, {
      roomId,
      type: 'm.room.member',
      sender: member,
      depth: index + 1,
      receivedTs: now,
      content: { membership: 'join' },
      stateKey: member,
    });
  }
  return roomId;
}

async function audited(): Promise<string[]> {
  const { rows } = await bleep.pool.query<{ action: string; result: string; room: string | null }>(
    'SELECT action, result, room FROM bleep_audit WHERE seq > $1 ORDER BY seq',
    [auditFrom],
  );
  return rows.map((row) => `${row.action} ${row.result} ${row.room ?? '-'}`);
}

beforeAll(async () => {
  synapse = await createSynapseTestDatabase();
  bleep = await createBleepTestDatabase();
  const purgeRole = await createTestRole(synapse, 'bleep_test_purge');
  const proofRole = await createTestRole(synapse, 'bleep_test_proof');
  const serviceRole = await createTestRole(bleep, 'bleep_test_retention');
  const gatewayRole = await createTestRole(bleep, 'bleep_test_gateway');
  roles = [purgeRole, proofRole, serviceRole, gatewayRole];
  await grantSynapseAccess(synapse.pool, { purgeRole: purgeRole.role, proofRole: proofRole.role });
  await grantRetentionAccess(bleep.pool, serviceRole.role);
  await grantHeldRoomRead(bleep.pool, gatewayRole.role);
  purgeDb = new pg.Pool({ connectionString: purgeRole.url, max: 2 });
  bleepDb = new pg.Pool({ connectionString: serviceRole.url, max: 2 });
  gatewayDb = new pg.Pool({ connectionString: gatewayRole.url, max: 1 });
  const clock = () => new Date(now);
  holds = createLegalHolds({
    store: createLegalHoldStore(bleepDb),
    synapseDb: purgeDb,
    audit: createAuditLog({ pool: bleepDb, clock }),
    clock,
    log: pino({ level: 'silent' }),
  });
});

afterAll(async () => {
  for (const pool of [purgeDb, bleepDb, gatewayDb]) await pool.end();
  for (const role of roles) await role.drop();
  await synapse.drop();
  await bleep.drop();
});

beforeEach(async () => {
  now += 60_000;
  const { rows } = await bleep.pool.query<{ seq: string | null }>('SELECT max(seq) AS seq FROM bleep_audit');
  auditFrom = Number(rows[0]?.seq ?? 0);
});

const place = (subject: { kind: string; id: string }, reference = 'SAR-2026-041') =>
  holds.place({ subject, reason: 'Subject access request', reference, by: officer });

describe('legal holds', () => {
  it('places a hold on a room Synapse knows, audited with who, why and the reference', async () => {
    const roomId = await room('@amelia:trust-a.example');
    const hold = await place({ kind: 'room', id: roomId });
    expect(hold).toMatchObject({ kind: 'room', subject: roomId, rooms: [roomId], placedBy: officer });
    expect(hold.releasedAt).toBeNull();
    expect(await audited()).toEqual([`retention.hold.place placed ${roomId}`]);
    const { rows } = await bleep.pool.query<{ actor: string; detail: Record<string, unknown> }>(
      'SELECT actor, detail FROM bleep_audit WHERE seq > $1',
      [auditFrom],
    );
    expect(rows[0]).toMatchObject({
      actor: officer,
      detail: { holdId: hold.id, reference: 'SAR-2026-041', reason: 'Subject access request', rooms: 1 },
    });
    expect((await verifyAuditChain(bleep.pool)).ok).toBe(true);
  });

  it('refuses a room Synapse does not know, a malformed id, an empty reason and control characters', async () => {
    await expect(place({ kind: 'room', id: `!nosuch:${server}` })).rejects.toMatchObject({
      code: 'HOLD_UNKNOWN_ROOM',
    });
    await expect(place({ kind: 'room', id: 'general' })).rejects.toMatchObject({ code: 'HOLD_BAD_INPUT' });
    await expect(place({ kind: 'user', id: 'amelia' })).rejects.toThrow(/user id looks like/);
    const roomId = await room('@amelia:trust-a.example');
    await expect(
      holds.place({ subject: { kind: 'room', id: roomId }, reason: '  ', reference: 'X', by: officer }),
    ).rejects.toThrow(/reason is required/);
    await expect(
      holds.place({ subject: { kind: 'room', id: roomId }, reason: 'a\nb', reference: 'X', by: officer }),
    ).rejects.toThrow(/control characters/);
    await expect(
      holds.place({ subject: { kind: 'room', id: roomId }, reason: 'ok', by: officer }),
    ).rejects.toBeInstanceOf(HoldError);
    // A patient's NHS number (valid check digit, spaced as people write it) never reaches the audit trail.
    await expect(
      holds.place({
        subject: { kind: 'room', id: roomId },
        reason: 'SAR from patient 943 476 5919',
        reference: 'SAR-1',
        by: officer,
      }),
    ).rejects.toThrow(/may not hold an NHS number/);
    expect(await audited()).toEqual([]);
  });

  it('refuses the same hold twice while it is in force', async () => {
    const roomId = await room('@amelia:trust-a.example');
    await place({ kind: 'room', id: roomId }, 'CLAIM-7');
    await expect(place({ kind: 'room', id: roomId }, 'CLAIM-7')).rejects.toMatchObject({
      code: 'HOLD_EXISTS',
    });
    // Another matter on the same room is another hold.
    await expect(place({ kind: 'room', id: roomId }, 'INQUIRY-2')).resolves.toMatchObject({
      subject: roomId,
    });
  });

  it('holds every room a user is or was in, and a room they join later from the next resolve, audited', async () => {
    const user = '@held.nurse:trust-a.example';
    const first = await room(user, '@amelia:trust-a.example');
    const second = await room('@amelia:trust-a.example', user);
    const unrelated = await room('@amelia:trust-a.example');
    // They left the second room: it still holds what they wrote there.
    await insertEvent(synapse, {
      roomId: second,
      type: 'm.room.member',
      sender: user,
      depth: 9,
      receivedTs: now,
      content: { membership: 'leave' },
      stateKey: user,
    });
    const hold = await place({ kind: 'user', id: user });
    expect([...hold.rooms]).toEqual([first, second].sort());

    const later = await room('@amelia:trust-a.example', user);
    const resolved = await holds.resolve();
    expect(resolved.rooms.has(later)).toBe(true);
    expect(resolved.rooms.has(unrelated)).toBe(false);
    expect(await audited()).toEqual(['retention.hold.place placed -', `retention.hold.cover held ${later}`]);
    // Resolving again adds nothing and audits nothing more.
    await holds.resolve();
    expect(await audited()).toHaveLength(2);
    expect((await holds.covering(later)).map((covering) => covering.id)).toEqual([hold.id]);
    expect(await holds.covering(unrelated)).toEqual([]);
  });

  it('releases a hold once, audited; a released hold cannot be released again, changed or deleted', async () => {
    const roomId = await room('@amelia:trust-a.example');
    const hold = await place({ kind: 'room', id: roomId });
    now += 1000;
    const released = await holds.release({ id: String(hold.id), reason: 'Request answered', by: officer });
    expect(released).toMatchObject({ releasedBy: officer, releaseReason: 'Request answered' });
    expect(released.releasedAt).toEqual(new Date(now));
    await expect(holds.release({ id: hold.id, reason: 'again', by: officer })).rejects.toMatchObject({
      code: 'HOLD_ALREADY_RELEASED',
    });
    await expect(holds.release({ id: 999_999, reason: 'x', by: officer })).rejects.toMatchObject({
      code: 'HOLD_NOT_FOUND',
    });
    await expect(holds.release({ id: 'seven', reason: 'x', by: officer })).rejects.toMatchObject({
      code: 'HOLD_BAD_INPUT',
    });
    expect(await audited()).toEqual([
      `retention.hold.place placed ${roomId}`,
      `retention.hold.release released ${roomId}`,
    ]);
    expect((await holds.covering(roomId)).length).toBe(0);
    await expect(
      bleepDb.query('UPDATE bleep_legal_hold SET reason = $2 WHERE id = $1', [hold.id, 'x']),
    ).rejects.toThrow(/released already/);
    await expect(bleepDb.query('DELETE FROM bleep_legal_hold WHERE id = $1', [hold.id])).rejects.toThrow(
      /permission denied/,
    );
  });

  it('lets nobody rewrite a hold in force: only its release may change it', async () => {
    const roomId = await room('@amelia:trust-a.example');
    const hold = await place({ kind: 'room', id: roomId });
    await expect(
      bleepDb.query('UPDATE bleep_legal_hold SET subject = $2 WHERE id = $1', [hold.id, '!other:x']),
    ).rejects.toThrow(/cannot be changed, only released/);
    await expect(
      bleepDb.query('DELETE FROM bleep_legal_hold_room WHERE hold_id = $1', [hold.id]),
    ).rejects.toThrow(/permission denied/);
  });

  it("lets the gateway's role read held room ids through the view, and nothing about the holds", async () => {
    expect(heldRoomView).toBe(gatewayHeldRoomView);
    const held = await room('@amelia:trust-a.example');
    const released = await room('@amelia:trust-a.example');
    await place({ kind: 'room', id: held });
    const gone = await place({ kind: 'room', id: released });
    await holds.release({ id: gone.id, reason: 'closed', by: officer });
    const { rows } = await gatewayDb.query<{ room_id: string }>(
      `SELECT room_id FROM ${heldRoomView} WHERE room_id = ANY($1::text[])`,
      [[held, released]],
    );
    expect(rows.map((row) => row.room_id)).toEqual([held]);
    await expect(gatewayDb.query('SELECT reason FROM bleep_legal_hold')).rejects.toThrow(/permission denied/);
    await expect(gatewayDb.query('SELECT * FROM bleep_legal_hold_room')).rejects.toThrow(/permission denied/);
    await expect(
      gatewayDb.query(
        `INSERT INTO bleep_legal_hold_room (hold_id, room_id, since) VALUES (1, '!x:y', now())`,
      ),
    ).rejects.toThrow(/permission denied/);
  });

  it('lists holds in force first and counts them for the metrics', async () => {
    const store = createLegalHoldStore(bleepDb);
    const listed = await holds.list();
    const firstReleased = listed.findIndex((hold) => hold.releasedAt !== null);
    expect(firstReleased).toBeGreaterThan(0);
    expect(listed.slice(firstReleased).every((hold) => hold.releasedAt !== null)).toBe(true);
    const counts = await store.counts();
    const active = listed.filter((hold) => hold.releasedAt === null);
    expect(counts.room + counts.user).toBe(active.length);
    expect(counts.user).toBe(active.filter((hold) => hold.kind === 'user').length);
    expect(counts.roomsHeld).toBe(new Set(active.flatMap((hold) => hold.rooms)).size);
  });
});
