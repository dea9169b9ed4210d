// Which devices may hold a Synapse session right now, kept in memory so the gateway can ask on every
// authenticated request without a database round trip. Enrolment is checked at login, but a login that passed
// the check just before a revocation committed still gets a token; revokeDevice's sign-out through Synapse's
// admin API can miss it. Asking here on every request closes that: a revoked device's token stops working at the
// gateway whatever Synapse still holds.
//
// The view is loaded at start and kept fresh by LISTEN on the channel every enrolment change notifies in its own
// transaction (enrolmentSchema.ts), so a revocation is seen as soon as it commits. A full reload every `reloadMs`
// is the safety net for a notification lost, and doubles as the health check of the listening connection. While
// that connection is down, or no full reload has succeeded for `staleAfterMs`, every device is 'unavailable',
// so the gateway can fail closed; the watch reconnects by itself.
//
// The listening connection is taken from the pool and held for the watch's life (one fewer for queries).
import type { Pool, PoolClient } from 'pg';
import type { Logger } from 'pino';
import { deviceStatusChannel } from './enrolmentSchema.ts';

/**
 * 'active': enrolled, credential issued, not revoked. 'revoked': revoked by trust IT. 'unknown-device': no such
 * enrolment, or one still awaiting its code. 'unavailable': the watch cannot vouch for its view just now.
 */
export type DeviceStatus = 'active' | 'revoked' | 'unknown-device' | 'unavailable';

export interface DeviceStatusWatch {
  /** Synchronous: a lookup in memory. */
  status(deviceId: string): DeviceStatus;
  /** Stops listening and gives the connection back; every status is 'unavailable' afterwards. */
  close(): Promise<void>;
}

export type DeviceStatusWatchDeps = Readonly<{
  pool: Pool;
  log: Logger;
  /** How often the whole view is reloaded, whatever NOTIFY said. */
  reloadMs: number;
  /** How long after the last successful full reload the view is still trusted; default three reloads. */
  staleAfterMs?: number;
  /** Wait before reconnecting after the listening connection failed; default one second. */
  reconnectMs?: number;
  clock?: () => Date;
}>;

// Named so trust IT (and a test) can find the watch's connection in pg_stat_activity.
const applicationName = 'bleep-device-status-watch';

type KnownStatus = 'active' | 'revoked';

type EnrolmentStatusRow = { device_id: string; revoked: boolean; enrolled: boolean };

function knownStatus(row: EnrolmentStatusRow | undefined): KnownStatus | undefined {
  if (row?.revoked) return 'revoked';
  return row?.enrolled ? 'active' : undefined;
}

/** Connects, listens and loads the view; rejects (and holds nothing) if that first load fails. */
export async function createDeviceStatusWatch(deps: DeviceStatusWatchDeps): Promise<DeviceStatusWatch> {
  const { pool, log, reloadMs } = deps;
  const clock = deps.clock ?? (() => new Date());
  const staleAfterMs = deps.staleAfterMs ?? 3 * reloadMs;
  const reconnectMs = deps.reconnectMs ?? 1000;

  let statuses = new Map<string, KnownStatus>();
  // Devices whose NOTIFY came but whose row is not read yet: not vouched for until it is.
  const pending = new Map<string, number>();
  let listener: PoolClient | undefined;
  let loadedAt: number | undefined;
  let reloading = false;
  let closed = false;
  let reconnectTimer: NodeJS.Timeout | undefined;
  const ended = new WeakSet<PoolClient>();

  /** Drops the listening connection and the view, and reconnects later; a second report of one loss is ignored. */
  function lose(client: PoolClient, error: Error): void {
    if (listener !== client) return;
    listener = undefined;
    loadedAt = undefined;
    pending.clear();
    reloading = false;
    // Destroyed, not returned: it may be half-dead, and it is still listening.
    client.release(error);
    if (closed) return;
    log.warn({ err: { message: error.message } }, 'device status watch lost its connection; reconnecting');
    scheduleReconnect();
  }

  function scheduleReconnect(): void {
    if (closed) return;
    clearTimeout(reconnectTimer);
    reconnectTimer = setTimeout(() => {
      connect().catch((error: unknown) => {
        // connect() has already scheduled the next attempt.
        log.warn({ err: { message: (error as Error).message } }, 'device status watch cannot reconnect yet');
      });
    }, reconnectMs);
    reconnectTimer.unref();
  }

  async function reloadAll(client: PoolClient): Promise<void> {
    const { rows } = await client.query<EnrolmentStatusRow>(
      `SELECT device_id, revoked_at IS NOT NULL AS revoked, credential_hash IS NOT NULL AS enrolled
       FROM bleep_device_enrolment WHERE revoked_at IS NOT NULL OR credential_hash IS NOT NULL`,
    );
    if (listener !== client) return;
    const next = new Map<string, KnownStatus>();
    for (const row of rows) {
      const status = knownStatus(row);
      if (status) next.set(row.device_id, status);
    }
    statuses = next;
    loadedAt = clock().getTime();
  }

  async function refresh(client: PoolClient, deviceId: string): Promise<void> {
    // One connection answers in order, so this row is read after any reload already asked for.
    const { rows } = await client.query<EnrolmentStatusRow>(
      `SELECT device_id, revoked_at IS NOT NULL AS revoked, credential_hash IS NOT NULL AS enrolled
       FROM bleep_device_enrolment WHERE device_id = $1`,
      [deviceId],
    );
    if (listener !== client) return;
    const status = knownStatus(rows[0]);
    if (status) statuses.set(deviceId, status);
    else statuses.delete(deviceId);
  }

  function onNotification(client: PoolClient, channel: string, payload: string | undefined): void {
    if (channel !== deviceStatusChannel) return;
    const deviceId = payload ?? '';
    const work = deviceId === '' ? reloadAll(client) : refresh(client, deviceId);
    if (deviceId !== '') pending.set(deviceId, (pending.get(deviceId) ?? 0) + 1);
    work
      .catch((error: unknown) => {
        lose(client, error as Error);
      })
      .finally(() => {
        const left = (pending.get(deviceId) ?? 1) - 1;
        if (left > 0) pending.set(deviceId, left);
        else pending.delete(deviceId);
      });
  }

  /** Connects, listens and loads; on failure, schedules the next attempt and rejects. */
  async function connect(): Promise<void> {
    let client: PoolClient;
    try {
      client = await pool.connect();
    } catch (error) {
      scheduleReconnect();
      throw error;
    }
    if (closed) {
      client.release();
      return;
    }
    listener = client;
    client.on('error', (error) => {
      lose(client, error);
    });
    client.on('end', () => {
      ended.add(client);
      lose(client, new Error('the connection ended'));
    });
    client.on('notification', (message) => {
      onNotification(client, message.channel, message.payload);
    });
    try {
      await client.query(`SET application_name = '${applicationName}'`);
      // Listening before loading: a change committed in between is both loaded and notified, never neither.
      await client.query(`LISTEN ${deviceStatusChannel}`);
      await reloadAll(client);
      log.info({ devices: statuses.size }, 'device status watch is listening');
    } catch (error) {
      lose(client, error as Error);
      throw error;
    }
  }

  const reloadTimer = setInterval(() => {
    const client = listener;
    if (!client) return;
    if (reloading) {
      // The last reload has not answered in a whole interval: the connection is as good as dead.
      lose(client, new Error(`the full reload did not answer within ${reloadMs} ms`));
      return;
    }
    reloading = true;
    reloadAll(client)
      .catch((error: unknown) => {
        lose(client, error as Error);
      })
      .finally(() => {
        if (listener === client) reloading = false;
      });
  }, reloadMs);
  reloadTimer.unref();

  async function close(): Promise<void> {
    closed = true;
    clearInterval(reloadTimer);
    clearTimeout(reconnectTimer);
    const client = listener;
    listener = undefined;
    loadedAt = undefined;
    if (client && !ended.has(client)) {
      client.removeAllListeners('notification');
      // The pool ends a client released with an error; wait for it, so a closed watch holds no connection.
      const closing = new Promise((resolve) => client.once('end', resolve));
      client.release(true);
      await closing;
    }
  }

  try {
    await connect();
  } catch (error) {
    await close();
    throw error;
  }

  return {
    status(deviceId) {
      if (loadedAt === undefined || clock().getTime() - loadedAt > staleAfterMs) return 'unavailable';
      if (pending.has(deviceId)) return 'unavailable';
      return statuses.get(deviceId) ?? 'unknown-device';
    },
    close,
  };
}
