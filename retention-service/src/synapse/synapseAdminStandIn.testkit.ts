// Test support, not used in production: a stand-in for Synapse's admin API that acts on a throwaway database
// holding Synapse's tables (synapseTables.testkit.ts) the way Synapse 1.160 does: a history purge deletes the
// room's non-state events below the given event's depth (purge_events.py), a redaction is a new event one deeper
// than the room's latest, recorded in `redactions`, media deletion removes the row. It records every call, and a
// test can make Synapse "down" to see the retries.
import { randomBytes } from 'node:crypto';
import type { ThrowawayDatabase } from '../../../policy-module/src/database/throwawayDatabase.testkit.ts';
import { SynapseAdminError, type SynapseAdmin } from './synapseAdmin.ts';

export type StandInCall = Readonly<{ method: keyof SynapseAdmin; args: readonly unknown[] }>;

export type SynapseAdminStandIn = SynapseAdmin &
  Readonly<{
    calls: StandInCall[];
    /** Users each puppet token acts as. */
    actingAs: Map<string, string>;
    /** While true, every call fails as if Synapse were unreachable. */
    down: { value: boolean };
    /**
     * While true, Synapse refuses the service's admin token (revoked or expired) on every call that uses it, as
     * synapseAdmin.ts reports a 401 to it; a member's token from loginAs is not the admin token and still works.
     */
    adminTokenRevoked: { value: boolean };
  }>;

export function createSynapseAdminStandIn(
  database: ThrowawayDatabase,
  clock: () => Date,
): SynapseAdminStandIn {
  const calls: StandInCall[] = [];
  const actingAs = new Map<string, string>();
  const down = { value: false };
  const adminTokenRevoked = { value: false };
  const purges = new Map<string, 'complete' | 'failed'>();
  const db = database.pool;

  function called(method: keyof SynapseAdmin, args: readonly unknown[]): void {
    calls.push({ method, args });
    if (down.value) throw new SynapseAdminError('SYNAPSE_UNREACHABLE', `${method}: ECONNREFUSED`);
    if (adminTokenRevoked.value && method !== 'redact' && method !== 'logout') {
      throw new SynapseAdminError(
        'SYNAPSE_ADMIN_TOKEN_REJECTED',
        `${method}: Synapse refused the retention service's admin token (M_UNKNOWN_TOKEN)`,
        { status: 401, errcode: 'M_UNKNOWN_TOKEN' },
      );
    }
  }

  return {
    calls,
    actingAs,
    down,
    adminTokenRevoked,
    verifyAdminToken() {
      called('verifyAdminToken', []);
      return Promise.resolve();
    },
    async purgeHistory(roomId, upToEventId) {
      called('purgeHistory', [roomId, upToEventId]);
      const { rows } = await db.query<{ depth: string }>(
        'SELECT topological_ordering AS depth FROM events WHERE event_id = $1',
        [upToEventId],
      );
      const depth = rows[0]?.depth;
      const purgeId = randomBytes(4).toString('hex');
      if (depth === undefined) {
        purges.set(purgeId, 'failed');
        return purgeId;
      }
      const doomed = `SELECT e.event_id FROM events e WHERE e.room_id = $1 AND e.topological_ordering < $2
        AND NOT EXISTS (SELECT 1 FROM state_events s WHERE s.event_id = e.event_id)`;
      for (const table of ['event_search', 'redactions', 'event_json']) {
        await db.query(`DELETE FROM ${table} WHERE event_id IN (${doomed})`, [roomId, depth]);
      }
      await db.query(`DELETE FROM events WHERE event_id IN (${doomed})`, [roomId, depth]);
      purges.set(purgeId, 'complete');
      return purgeId;
    },
    purgeStatus(purgeId) {
      called('purgeStatus', [purgeId]);
      return Promise.resolve({ status: purges.get(purgeId) ?? 'failed' });
    },
    loginAs(userId, validUntil) {
      called('loginAs', [userId, validUntil]);
      const token = `puppet_${randomBytes(4).toString('hex')}`;
      actingAs.set(token, userId);
      return Promise.resolve(token);
    },
    logout(accessToken) {
      called('logout', []);
      actingAs.delete(accessToken);
      return Promise.resolve();
    },
    async redact(accessToken, roomId, eventId, txnId, content) {
      called('redact', [roomId, eventId, txnId, content]);
      const sender = actingAs.get(accessToken);
      if (!sender) throw new SynapseAdminError('SYNAPSE_REFUSED', 'redact: M_UNKNOWN_TOKEN', { status: 401 });
      const { rows } = await db.query<{ depth: string }>(
        'SELECT max(topological_ordering) AS depth FROM events WHERE room_id = $1 AND NOT outlier',
        [roomId],
      );
      const redactionId = `$redaction_${randomBytes(6).toString('hex')}`;
      const now = clock().getTime();
      await db.query(
        `INSERT INTO events (topological_ordering, event_id, type, room_id, processed, outlier, depth,
           origin_server_ts, received_ts, sender, stream_ordering)
         VALUES ($1, $2, 'm.room.redaction', $3, true, false, $1, $4, $4, $5,
           (SELECT coalesce(max(stream_ordering), 0) + 1 FROM events))`,
        [Number(rows[0]?.depth ?? 0) + 1, redactionId, roomId, now, sender],
      );
      await db.query(
        `INSERT INTO event_json (event_id, room_id, internal_metadata, json, format_version) VALUES ($1, $2, '{}', $3, 3)`,
        [
          redactionId,
          roomId,
          JSON.stringify({ type: 'm.room.redaction', sender, content: { ...content, redacts: eventId } }),
        ],
      );
      await db.query(
        'INSERT INTO redactions (event_id, redacts, have_censored, received_ts) VALUES ($1, $2, false, $3)',
        [redactionId, eventId, now],
      );
      return redactionId;
    },
    async deleteLocalMedia(serverName, mediaId) {
      called('deleteLocalMedia', [serverName, mediaId]);
      const { rowCount } = await db.query('DELETE FROM local_media_repository WHERE media_id = $1', [
        mediaId,
      ]);
      return rowCount ? 'deleted' : 'already-gone';
    },
    async purgeRemoteMediaCache(before) {
      called('purgeRemoteMediaCache', [before]);
      const { rowCount } = await db.query('DELETE FROM remote_media_cache WHERE last_access_ts < $1', [
        before.getTime(),
      ]);
      return rowCount ?? 0;
    },
  };
}
