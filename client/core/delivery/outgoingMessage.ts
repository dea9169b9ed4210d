// A message the clinician wrote, from the moment it is written until every recipient has read it: plain data, kept
// sealed in the outbox (outbox.ts) and shown from the delivery slice. Its transaction id is made once, when it is
// written, and every attempt to send it uses that id, so the homeserver stores it once however often it is tried
// (the spec's idempotent PUT /send/{txnId}, per device, across restarts).
import type { ClientErrorCode } from '../errors/clientErrors.ts';

/**
 * queued: written, waiting to be sent (offline, server down, or behind an earlier message); sending: an attempt is
 * under way; sent: the server has it (it has an event id); delivered: every other member of the room has read it;
 * failed: the server refused it, and only the clinician can retry or discard it.
 */
export type DeliveryStatus = 'queued' | 'sending' | 'sent' | 'delivered' | 'failed';

export type OutgoingMessage = Readonly<{
  txnId: string;
  roomId: string;
  /** The event type sent (encrypted by the SDK before it leaves the desktop). */
  eventType: string;
  /** The content until the server has it; then null (the archive keeps the copy the timeline shows). */
  content: Readonly<Record<string, unknown>> | null;
  writtenAt: number;
  status: DeliveryStatus;
  /** Attempts made so far, including the one under way. */
  attempts: number;
  nextAttemptAt: number | null;
  /** Why the last attempt failed, while it is retried or after it failed for good. */
  problem: ClientErrorCode | null;
  eventId: string | null;
  sentAt: number | null;
  /** Held (with the room's later messages) until this user has joined the room: a referral's first message. */
  awaitsJoinOf?: string;
}>;

export function writtenMessage(
  fields: Readonly<{ txnId: string; roomId: string; eventType: string; content: Record<string, unknown> }>,
  now: number,
): OutgoingMessage {
  return {
    ...fields,
    writtenAt: now,
    status: 'queued',
    attempts: 0,
    nextAttemptAt: now,
    problem: null,
    eventId: null,
    sentAt: null,
  };
}

/** Whether the server may not have it yet: what must be sent (again) after a restart. */
export function awaitsServer(message: OutgoingMessage): boolean {
  return message.status === 'queued' || message.status === 'sending';
}
