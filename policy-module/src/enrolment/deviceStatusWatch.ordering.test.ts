// The device status watch when things happen in an awkward order: a notification whose row is not read yet, a
// full reload that never answers, an answer that arrives from a connection already given up, a connection that
// arrives after the watch was closed. PostgreSQL cannot be made to answer late on cue, so the watch gets a scripted
// pool here whose queries answer when the test says (deviceStatusWatch.test.ts runs it against real PostgreSQL).
import { EventEmitter } from 'node:events';
import type { Pool } from 'pg';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createDeviceStatusWatch, type DeviceStatusWatch } from './deviceStatusWatch.ts';
import { deviceStatusChannel } from './enrolmentSchema.ts';

const log = pino({ level: 'silent' });
const never = 3_600_000;

type StatusRow = { device_id: string; revoked: boolean; enrolled: boolean };
type HeldQuery = Readonly<{ answer: () => void; fail: (error: Error) => void }>;

/** What the enrolment table says now, as the watch's queries read it. */
const table = new Map<string, Omit<StatusRow, 'device_id'>>();

/** A pooled connection whose queries answer from `table`, at once or (while `holding`) when the test says. */
class ScriptedConnection extends EventEmitter {
  holding = false;
  failListen = false;
  readonly held: HeldQuery[] = [];
  /** Each release: `true` or an Error destroys the connection, undefined returns it to the pool. */
  readonly releases: (boolean | Error | undefined)[] = [];

  query(text: string, values: readonly unknown[] = []): Promise<{ rows: StatusRow[] }> {
    if (text.startsWith('LISTEN') && this.failListen) return Promise.reject(new Error('LISTEN failed'));
    const read = (): StatusRow[] => {
      if (!text.startsWith('SELECT')) return [];
      const wanted = text.includes('$1') ? [String(values[0])] : [...table.keys()];
      return wanted.flatMap((deviceId) => {
        const row = table.get(deviceId);
        return row ? [{ device_id: deviceId, ...row }] : [];
      });
    };
    if (!this.holding || !text.startsWith('SELECT')) return Promise.resolve({ rows: read() });
    // The rows as they were when the query was asked, however late the answer comes.
    const rows = read();
    return new Promise((resolve, reject) => {
      this.held.push({
        answer: () => {
          resolve({ rows });
        },
        fail: reject,
      });
    });
  }

  release(destroy?: boolean | Error): void {
    this.releases.push(destroy);
    // As pg's pool does: a connection released with an error (or true) is ended.
    if (destroy) setImmediate(() => this.emit('end'));
  }

  /** What a broken socket looks like to the watch. */
  breakWith(event: 'error' | 'end'): void {
    if (event === 'error') this.emit('error', new Error('Connection terminated unexpectedly'));
    else this.emit('end');
  }
}

/** Hands out connections in order; `next` lets a test decide how the next connect() goes. */
class ScriptedPool {
  readonly connections: ScriptedConnection[] = [];
  connects = 0;
  next: (() => Promise<ScriptedConnection>) | undefined;

  connect(): Promise<ScriptedConnection> {
    this.connects += 1;
    const scripted = this.next;
    this.next = undefined;
    if (scripted) return scripted();
    return Promise.resolve(this.add());
  }

  add(): ScriptedConnection {
    const connection = new ScriptedConnection();
    this.connections.push(connection);
    return connection;
  }

  latest(): ScriptedConnection {
    const connection = this.connections.at(-1);
    if (!connection) throw new Error('no connection yet');
    return connection;
  }
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 3000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function notify(connection: ScriptedConnection, payload: string | undefined, channel = deviceStatusChannel) {
  connection.emit('notification', { channel, payload });
}

describe('device status watch, when things happen in an awkward order', () => {
  const watches: DeviceStatusWatch[] = [];

  async function watch(pool: ScriptedPool, options: { reloadMs?: number; reconnectMs?: number } = {}) {
    const created = await createDeviceStatusWatch({
      pool: pool as unknown as Pool,
      log,
      reloadMs: options.reloadMs ?? never,
      reconnectMs: options.reconnectMs ?? 10,
    });
    watches.push(created);
    return created;
  }

  afterEach(async () => {
    vi.useRealTimers();
    await Promise.all(watches.splice(0).map((each) => each.close()));
    table.clear();
  });

  it('does not vouch for a device whose change was notified until it has read that device again', async () => {
    table.set('PC1', { revoked: false, enrolled: true });
    const pool = new ScriptedPool();
    const devices = await watch(pool);
    const connection = pool.latest();
    connection.holding = true;
    table.set('PC1', { revoked: true, enrolled: true });
    notify(connection, 'PC1');
    expect(devices.status('PC1')).toBe('unavailable');
    // Other devices are not held up by it.
    expect(devices.status('PC2')).toBe('unknown-device');
    connection.held[0]?.answer();
    await settle();
    expect(devices.status('PC1')).toBe('revoked');
  });

  it('vouches for a device notified twice only once both reads have answered', async () => {
    table.set('PC1', { revoked: false, enrolled: true });
    const pool = new ScriptedPool();
    const devices = await watch(pool);
    const connection = pool.latest();
    connection.holding = true;
    notify(connection, 'PC1');
    table.set('PC1', { revoked: true, enrolled: true });
    notify(connection, 'PC1');
    connection.held[0]?.answer();
    await settle();
    expect(devices.status('PC1')).toBe('unavailable');
    connection.held[1]?.answer();
    await settle();
    expect(devices.status('PC1')).toBe('revoked');
  });

  it('reads everything again on a notification that names no device (a TRUNCATE)', async () => {
    table.set('PC1', { revoked: false, enrolled: true });
    const pool = new ScriptedPool();
    const devices = await watch(pool);
    table.clear();
    table.set('PC2', { revoked: true, enrolled: false });
    notify(pool.latest(), '');
    await settle();
    expect(devices.status('PC1')).toBe('unknown-device');
    expect(devices.status('PC2')).toBe('revoked');
    table.set('PC3', { revoked: false, enrolled: true });
    notify(pool.latest(), undefined);
    await settle();
    expect(devices.status('PC3')).toBe('active');
  });

  it('ignores notifications on any other channel', async () => {
    table.set('PC1', { revoked: false, enrolled: true });
    const pool = new ScriptedPool();
    const devices = await watch(pool);
    pool.latest().holding = true;
    notify(pool.latest(), 'PC1', 'someone_else');
    expect(devices.status('PC1')).toBe('active');
    expect(pool.latest().held).toEqual([]);
  });

  it('gives up a connection whose full reload has not answered by the next one, and reconnects', async () => {
    table.set('PC1', { revoked: false, enrolled: true });
    const pool = new ScriptedPool();
    const devices = await watch(pool, { reloadMs: 30, reconnectMs: 10 });
    const stuck = pool.latest();
    stuck.holding = true;
    await until(() => stuck.releases.length > 0, 'the stuck connection is given up');
    expect(stuck.releases[0]).toBeInstanceOf(Error);
    expect(devices.status('PC1')).toBe('unavailable');
    await until(() => pool.connections.length === 2, 'a new connection is made');
    await until(() => devices.status('PC1') === 'active', 'the new connection has loaded');
  });

  it('gives up a connection whose read of a notified device fails, and reconnects', async () => {
    table.set('PC1', { revoked: false, enrolled: true });
    const pool = new ScriptedPool();
    const devices = await watch(pool, { reconnectMs: 10 });
    const failing = pool.latest();
    failing.holding = true;
    notify(failing, 'PC1');
    failing.held[0]?.fail(new Error('the query was cancelled'));
    await until(() => failing.releases.length > 0, 'the failing connection is given up');
    expect(failing.releases[0]).toBeInstanceOf(Error);
    await until(() => pool.connections.length === 2 && devices.status('PC1') === 'active', 'reconnected');
  });

  it('gives up a connection whose full reload fails at once, not a reload later, and reconnects', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    table.set('PC1', { revoked: false, enrolled: true });
    const pool = new ScriptedPool();
    const devices = await watch(pool, { reloadMs: 1000, reconnectMs: 10 });
    const failing = pool.latest();
    failing.holding = true;
    await vi.advanceTimersByTimeAsync(1000);
    expect(failing.held).toHaveLength(1);
    failing.held[0]?.fail(new Error('the query was cancelled'));
    await settle();
    expect(failing.releases).toEqual([expect.objectContaining({ message: 'the query was cancelled' })]);
    await vi.advanceTimersByTimeAsync(10);
    await settle();
    expect(pool.connections).toHaveLength(2);
    expect(devices.status('PC1')).toBe('active');
  });

  it("still gives up a new connection's stuck reload when a reload of the connection it replaced answers late", async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    table.set('PC1', { revoked: false, enrolled: true });
    const pool = new ScriptedPool();
    await watch(pool, { reloadMs: 1000, reconnectMs: 10 });
    const old = pool.latest();
    old.holding = true;
    await vi.advanceTimersByTimeAsync(1000);
    expect(old.held).toHaveLength(1);
    old.breakWith('error');
    await vi.advanceTimersByTimeAsync(10);
    await settle();
    const replacement = pool.latest();
    expect(replacement).not.toBe(old);
    replacement.holding = true;
    await vi.advanceTimersByTimeAsync(1000);
    expect(replacement.held).toHaveLength(1);
    // The old connection's reload answers only now: it says nothing about the new connection's.
    old.held[0]?.answer();
    await settle();
    await vi.advanceTimersByTimeAsync(1000);
    expect(replacement.releases).toEqual([expect.any(Error)]);
  });

  it('keeps a healthy connection through many full reloads', async () => {
    table.set('PC1', { revoked: false, enrolled: true });
    const pool = new ScriptedPool();
    const devices = await watch(pool, { reloadMs: 10 });
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(pool.connects).toBe(1);
    expect(pool.latest().releases).toEqual([]);
    expect(devices.status('PC1')).toBe('active');
  });

  it('keeps a healthy new connection through its reloads after reconnecting', async () => {
    table.set('PC1', { revoked: false, enrolled: true });
    const pool = new ScriptedPool();
    const devices = await watch(pool, { reloadMs: 30, reconnectMs: 5 });
    const stuck = pool.latest();
    stuck.holding = true;
    await until(() => pool.connections.length === 2, 'a new connection is made');
    // Enough reloads on the new connection that a reload still counted as running would give it up.
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(pool.connections).toHaveLength(2);
    expect(devices.status('PC1')).toBe('active');
  });

  it('lets no answer from a connection it gave up overwrite what the new connection read', async () => {
    table.set('PC1', { revoked: false, enrolled: true });
    const pool = new ScriptedPool();
    const devices = await watch(pool);
    const old = pool.latest();
    old.holding = true;
    notify(old, 'PC1');
    notify(old, '');
    // Trust IT revokes PC1 while the old connection's answers (PC1 active) are still on their way.
    table.set('PC1', { revoked: true, enrolled: true });
    old.breakWith('error');
    await until(() => pool.connections.length === 2 && devices.status('PC1') !== 'unavailable', 'reloaded');
    // Vouched for at once: the old connection's read of PC1 no longer counts, answered or not.
    expect(devices.status('PC1')).toBe('revoked');
    for (const query of old.held) query.answer();
    await settle();
    expect(devices.status('PC1')).toBe('revoked');
  });

  it('gives up its connection on an error alone, or on its end alone', async () => {
    for (const event of ['error', 'end'] as const) {
      table.set('PC1', { revoked: false, enrolled: true });
      const pool = new ScriptedPool();
      const devices = await watch(pool, { reconnectMs: never });
      pool.latest().breakWith(event);
      expect(devices.status('PC1'), event).toBe('unavailable');
      expect(pool.latest().releases, event).toEqual([expect.any(Error)]);
      await devices.close();
    }
  });

  it('destroys a new connection whose LISTEN failed, and tries again without waiting for a reload', async () => {
    table.set('PC1', { revoked: false, enrolled: true });
    const pool = new ScriptedPool();
    const devices = await watch(pool, { reconnectMs: 10 });
    pool.next = () => {
      const failing = pool.add();
      failing.failListen = true;
      return Promise.resolve(failing);
    };
    pool.latest().breakWith('error');
    await until(() => pool.connections.length === 3, 'a third connection is made');
    expect(pool.connections[1]?.releases).toEqual([expect.any(Error)]);
    await until(() => devices.status('PC1') === 'active', 'the third connection has loaded');
  });

  it('gives back a connection that arrives after it was closed, and makes no other', async () => {
    const pool = new ScriptedPool();
    const devices = await watch(pool, { reconnectMs: 5 });
    let arrive: ((connection: ScriptedConnection) => void) | undefined;
    pool.next = () => new Promise((resolve) => (arrive = resolve));
    pool.latest().breakWith('error');
    await until(() => arrive !== undefined, 'a reconnect is under way');
    await devices.close();
    const late = pool.add();
    arrive?.(late);
    await settle();
    expect(late.releases).toEqual([undefined]);
    expect(devices.status('PC1')).toBe('unavailable');
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(pool.connects).toBe(2);
  });

  it('makes no attempt to connect again once closed, even if the attempt under way fails', async () => {
    const pool = new ScriptedPool();
    const devices = await watch(pool, { reconnectMs: 5 });
    let refuse: ((error: Error) => void) | undefined;
    pool.next = () => new Promise((_resolve, reject) => (refuse = reject));
    pool.latest().breakWith('error');
    await until(() => refuse !== undefined, 'a reconnect is under way');
    await devices.close();
    refuse?.(new Error('the database system is shutting down'));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(pool.connects).toBe(2);
  });

  it('makes no attempt to connect again once closed while waiting to reconnect', async () => {
    const pool = new ScriptedPool();
    const devices = await watch(pool, { reconnectMs: 20 });
    pool.latest().breakWith('error');
    await devices.close();
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(pool.connects).toBe(1);
  });

  it('reloads nothing while it has no connection', async () => {
    const pool = new ScriptedPool();
    await watch(pool, { reloadMs: 5, reconnectMs: 60 });
    pool.latest().breakWith('error');
    // Several reload ticks pass with no connection to reload on.
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(pool.connects).toBe(1);
  });

  it('leaves no timer behind once closed', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    const devices = await watch(new ScriptedPool(), { reloadMs: 1000 });
    expect(vi.getTimerCount()).toBe(1);
    await devices.close();
    expect(vi.getTimerCount()).toBe(0);
  });
});
