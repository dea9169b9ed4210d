// What a proof can find: content or key material still held past the proof horizon, by where it was found. A
// finding is an alert: it is recorded with the run, appended to the audit trail and shown in metrics and the
// report. It names a room where there is one, never content.
export const findingKinds = [
  /** Non-state events whose stored JSON still holds content. */
  'event-content',
  /** Full-text search rows (event_search). */
  'search-row',
  /** Undelivered device-to-device messages (device_inbox), by recorded stream position. */
  'to-device',
  /** Device-to-device messages queued for a partner (device_federation_outbox). */
  'federation-outbox',
  /** Events from partners not yet processed (federation_inbound_events_staging). */
  'federation-staging',
  /** Local media rows (local_media_repository), avatars in use excepted. */
  'local-media',
  /** Cached partner media rows (remote_media_cache). */
  'remote-media',
  /** Files in the media store, whatever the database says. */
  'media-file',
  /** Scheduled (delayed) events whose content is still stored. */
  'delayed-event',
  /** Server-side key backup (e2e_room_keys): room keys the policy never lets the server hold. */
  'key-backup',
  /** Dehydrated devices: a device's private keys stored on the server, which the policy does not allow either. */
  'dehydrated-device',
] as const;

export type FindingKind = (typeof findingKinds)[number];

export type Finding = Readonly<{
  kind: FindingKind;
  roomId: string | null;
  count: number;
  /** The oldest item's time, where the table has one. */
  oldest: Date | null;
}>;
