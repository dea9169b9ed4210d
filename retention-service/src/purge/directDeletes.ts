// The Synapse rows that hold content past the window and that no admin API removes, deleted by SQL in small
// batches (each its own short transaction, so Synapse's writers never wait long):
// - event_search: the full-text index of plaintext bodies, room names and topics. Synapse's history purge removes
//   the rows of events it deletes, but not those of the state events it keeps (names, topics), and a redaction
//   leaves the index as it was. Only search reads it; a deleted row means an old event no longer matches a search.
// - device_inbox: device-to-device messages (Olm-encrypted room keys among them) waiting for a device that has not
//   synced. Synapse itself deletes a row once the device confirms it; deleting it earlier is what happens for a
//   device that never comes back. Old by stream position (see streamMarks.ts).
// - device_federation_outbox: device-to-device messages queued for a partner's server that has not taken them.
//   Synapse deletes a row once sent; an old one is for a partner that has been unreachable all along.
// - federation_inbound_events_staging: events a partner sent that Synapse has not yet processed. Rows older than
//   the window are stuck; if the event is needed, Synapse fetches it again from the partner.
import { searchRowTimeSql } from './eventTime.ts';
import type { Queryable } from './roomPlan.ts';

const batchSize = 1000;

// Batches are chosen by key columns: the service's role may read only a row's key and age (not ctid, which needs
// the whole row's SELECT privilege). A key shared by several rows (one stream position sent to many devices)
// deletes them together, so a batch can be larger than batchSize, never smaller while rows remain.
async function deleteInBatches(db: Queryable, sql: string, params: readonly unknown[]): Promise<number> {
  let total = 0;
  for (;;) {
    const { rowCount } = await db.query(sql, [...params, batchSize]);
    total += rowCount ?? 0;
    if ((rowCount ?? 0) < batchSize) return total;
  }
}

/**
 * Search rows of events old by both clocks (eventTime.ts; if the event is gone, the row's own sending time), except
 * in the rooms a legal hold keeps.
 */
export function deleteOldSearchRows(
  db: Queryable,
  cutoff: Date,
  heldRooms: readonly string[] = [],
): Promise<number> {
  return deleteInBatches(
    db,
    `DELETE FROM event_search WHERE event_id IN (
       SELECT s.event_id FROM event_search s LEFT JOIN events e ON e.event_id = s.event_id
       WHERE ${searchRowTimeSql('s', 'e')} < $1 AND s.room_id <> ALL($2::text[]) LIMIT $3)`,
    [cutoff.getTime(), heldRooms],
  );
}

/** Every search row of one room's events received before the cutoff (purge-room: the room's age does not matter). */
export function deleteRoomSearchRows(db: Queryable, roomId: string, cutoff: Date): Promise<number> {
  return deleteInBatches(
    db,
    `DELETE FROM event_search WHERE event_id IN (
       SELECT s.event_id FROM event_search s LEFT JOIN events e ON e.event_id = s.event_id
       WHERE s.room_id = $1 AND ${searchRowTimeSql('s', 'e')} < $2 LIMIT $3)`,
    [roomId, cutoff.getTime()],
  );
}

/** Undelivered device-to-device messages at or below the stream position recorded before the cutoff. */
export function deleteOldToDevice(db: Queryable, position: number): Promise<number> {
  return deleteInBatches(
    db,
    `DELETE FROM device_inbox WHERE stream_id IN (
       SELECT stream_id FROM device_inbox WHERE stream_id <= $1 ORDER BY stream_id LIMIT $2)`,
    [position],
  );
}

export function deleteOldFederationOutbox(db: Queryable, cutoff: Date): Promise<number> {
  return deleteInBatches(
    db,
    `DELETE FROM device_federation_outbox WHERE stream_id IN (
       SELECT stream_id FROM device_federation_outbox WHERE queued_ts < $1 ORDER BY stream_id LIMIT $2)
       AND queued_ts < $1`,
    [cutoff.getTime()],
  );
}

export function deleteOldFederationStaging(
  db: Queryable,
  cutoff: Date,
  heldRooms: readonly string[] = [],
): Promise<number> {
  return deleteInBatches(
    db,
    `DELETE FROM federation_inbound_events_staging WHERE (origin, event_id) IN (
       SELECT origin, event_id FROM federation_inbound_events_staging
       WHERE received_ts < $1 AND room_id <> ALL($2::text[]) LIMIT $3)`,
    [cutoff.getTime(), heldRooms],
  );
}
