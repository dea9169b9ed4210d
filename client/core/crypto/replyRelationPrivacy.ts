// Keeps a reply's relation inside the Megolm ciphertext. Rust crypto copies any `m.relates_to` of the content into
// the clear part of the m.room.encrypted event (so servers can aggregate edits and threads); for a rich reply
// (`m.in_reply_to` alone) nothing at the server needs it, and in the clear it would tell every homeserver in the room
// which message answered which: who was asked about what, and how fast they answered. The copy inside the ciphertext
// is the one desktops read (sync/timelineItem.ts counts a reply only from decrypted content). Relations with a
// rel_type (edits, threads) stay in the clear, as the server needs them.
import type { MatrixClient, MatrixEvent, Room } from 'matrix-js-sdk';

/** The part of matrix-js-sdk's CryptoBackend that encrypts an event about to be sent (not on its public CryptoApi). */
type EventEncryptor = { encryptEvent(event: MatrixEvent, room: Room): Promise<void> };

function isEventEncryptor(value: unknown): value is EventEncryptor {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Record<string, unknown>).encryptEvent === 'function'
  );
}

/** Whether this clear `m.relates_to` is a rich reply and nothing else (no rel_type a server would aggregate). */
export function isReplyOnlyRelation(relation: unknown): boolean {
  if (typeof relation !== 'object' || relation === null) return false;
  const keys = Object.keys(relation);
  return keys.length === 1 && keys[0] === 'm.in_reply_to';
}

/** The encrypted event's clear content without a reply-only relation (the ciphertext keeps it). */
export function withoutClearReplyRelation(wireContent: Record<string, unknown>): Record<string, unknown> {
  if (!isReplyOnlyRelation(wireContent['m.relates_to'])) return wireContent;
  const { 'm.relates_to': _insideTheCiphertext, ...rest } = wireContent;
  return rest;
}

/**
 * Makes every event this client encrypts leave a reply's relation out of its clear content. Throws if rust crypto
 * does not encrypt through `encryptEvent` (an SDK change): a session that would leak replies does not start.
 */
export function keepReplyRelationsEncrypted(client: MatrixClient): void {
  const backend: unknown = client.getCrypto();
  if (!isEventEncryptor(backend)) {
    throw new Error('rust crypto has no encryptEvent: replies could not be kept out of the clear');
  }
  const encryptEvent = backend.encryptEvent.bind(backend);
  backend.encryptEvent = async (event, room) => {
    await encryptEvent(event, room);
    if (!event.isEncrypted()) return;
    // The SDK sends event.getWireContent() as the request body: the encrypted content, made just now.
    const wire = event.getWireContent();
    if (isReplyOnlyRelation(wire['m.relates_to'])) {
      event.event.content = withoutClearReplyRelation(wire);
    }
  };
}
