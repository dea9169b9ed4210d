// The timeline slice: per room, the events a clinician sees, in the order they arrived, as plain items. An item
// for an encrypted event starts as 'pending' and is replaced when it decrypts (or fails to); a message this desktop
// sends appears at once under a temporary id, which the server's event id replaces. A message's edits, reactions
// and redaction arrive as relations: the archive folds them into the message (archive/messageRecord.ts) and the
// store is given the message as it now reads, so there is one place that decides what an edit or a redaction does.
import type { StateCreator } from 'zustand/vanilla';
import type { AttachmentSource } from '../attachments/attachmentSource.ts';
import type { PatientMark } from '../patient/patientTag.ts';
import type { BleepState } from './bleepStore.ts';

/** 'deleted': a message redacted by its sender (or a moderator): shown as "message deleted", its text gone. */
export type TimelineItemKind = 'message' | 'membership' | 'encrypted' | 'undecryptable' | 'deleted';

/** One reaction key on a message and who reacted with it, in the order they did. */
export type TimelineReaction = Readonly<{ key: string; senders: readonly string[] }>;

/**
 * A message's attachment as the clinician sees it. The file is read from the archive by the item's room and id
 * (`session.readAttachment(roomId, id, 'file' | 'thumbnail')`); nothing here opens it.
 */
export type TimelineAttachment = Readonly<{
  name: string;
  mimetype: string | null;
  size: number | null;
  /** The file is in this desktop's archive; false when it could not be fetched or did not match its message. */
  kept: boolean;
  thumbnail: Readonly<{ mimetype: string | null; size: number; w: number | null; h: number | null }> | null;
}>;

export type TimelineItem = Readonly<{
  /** The event id; for this desktop's own message, a temporary id until the server assigns one. */
  id: string;
  roomId: string;
  sender: string;
  /** The sender's clock (origin_server_ts), in milliseconds since the epoch. */
  sentAt: number;
  kind: TimelineItemKind;
  /** For messages: the msgtype and text body, as last edited by its sender. */
  msgtype: string | null;
  body: string | null;
  /** When the edit the body shows was sent; null if it was never edited. */
  editedAt: number | null;
  reactions: readonly TimelineReaction[];
  /** For membership changes: whose, and the new membership. */
  target: string | null;
  membership: string | null;
  /** Whether it travelled encrypted, and how its decryption stands. */
  encrypted: boolean;
  decryption: 'not-encrypted' | 'pending' | 'decrypted' | 'failed';
  /** Why it could not be decrypted (the SDK's DecryptionFailureCode, e.g. UNSIGNED_SENDER_DEVICE). */
  failureReason: string | null;
  /** The clinician's own events only: how sending stands ('sent' once the server has it); null for others'. */
  sendStatus: 'sending' | 'sent' | 'failed' | null;
  /** For a message tagged with a patient (inside its encrypted content): the NHS number, and when it was filed. */
  patient?: PatientMark;
  /** The sender flagged it urgent (inside its encrypted content: rooms/urgentFlag.ts). */
  urgent: boolean;
  /**
   * The event id of the message this one replies to (a rich reply inside its encrypted content:
   * rooms/replyRelation.ts), as sent (an edit does not change it); null when it is not a reply, or once deleted.
   * The replied-to message itself: selectors/timelineSelectors.ts selectRepliedMessage.
   */
  replyTo: string | null;
  /** A referral room's referral message (rooms/referralContent.ts): its reason; the patient is in `patient`. */
  referral?: Readonly<{ reason: string }>;
  /** For m.file, m.image, m.audio and m.video messages, once the archive has taken the file. */
  attachment?: TimelineAttachment;
}>;

type RelationEvent = Readonly<{
  /** The relation's own event id. */
  id: string;
  roomId: string;
  sender: string;
  sentAt: number;
  /** The event it relates to (for a redaction: the event redacted). */
  targetId: string;
}>;

/** An edit, a reaction or a redaction, read from sync as plain data; the archive applies it to its target. */
export type MessageRelation =
  | (RelationEvent & Readonly<{ kind: 'edit'; msgtype: string | null; body: string }>)
  | (RelationEvent & Readonly<{ kind: 'reaction'; key: string }>)
  | (RelationEvent &
      Readonly<{
        kind: 'redaction';
        /** The room's power levels let its sender redact others' events (or the server already applied it). */
        senderMayRedactOthers: boolean;
      }>);

export type MessageRedaction = Extract<MessageRelation, { kind: 'redaction' }>;

export type TimelineChange =
  | Readonly<{
      change: 'upsert';
      item: TimelineItem;
      replacesId?: string;
      /** Where the message's encrypted file is and its key: for the archive's intake only, never kept in the store. */
      attachmentSource?: AttachmentSource;
      /** History read back from the server (before the clinician joined): placed by send time, not at the end. */
      historical?: boolean;
    }>
  | Readonly<{ change: 'remove'; roomId: string; id: string }>
  | Readonly<{ change: 'relation'; relation: MessageRelation }>;

export type TimelineState = Readonly<{ byRoom: Readonly<Record<string, readonly TimelineItem[]>> }>;

export type TimelineSlice = Readonly<{ timeline: TimelineState }>;

export const initialTimeline: TimelineState = { byRoom: {} };

/** The timelines after these changes: an upsert replaces the item with its id (or `replacesId`) or appends it. */
export function withTimelineChanges(
  timeline: TimelineState,
  changes: readonly TimelineChange[],
): TimelineState {
  if (changes.length === 0) return timeline;
  const byRoom: Record<string, readonly TimelineItem[]> = { ...timeline.byRoom };
  for (const change of changes) {
    // Relations are the archive's to apply: it hands the store the related message as it now reads (an upsert).
    if (change.change === 'relation') continue;
    const roomId = change.change === 'upsert' ? change.item.roomId : change.roomId;
    const items = byRoom[roomId] ?? [];
    if (change.change === 'remove') {
      byRoom[roomId] = items.filter((item) => item.id !== change.id);
      continue;
    }
    const { item } = change;
    const at = items.findIndex(
      (existing) => existing.id === (change.replacesId ?? item.id) || existing.id === item.id,
    );
    if (at !== -1) {
      byRoom[roomId] = items.map((existing, index) => (index === at ? item : existing));
      continue;
    }
    const before =
      change.historical === true ? items.findIndex((existing) => existing.sentAt > item.sentAt) : -1;
    byRoom[roomId] =
      before === -1 ? [...items, item] : [...items.slice(0, before), item, ...items.slice(before)];
  }
  return { byRoom };
}

/**
 * The timelines without the items sent before `before`, except in the rooms kept (legal hold): what the expiry sweep
 * deleted from the archive goes from memory too, with everything else of that age (memberships included).
 */
export function withoutExpiredItems(
  timeline: TimelineState,
  before: number,
  keepRoomIds: readonly string[],
): TimelineState {
  const kept = new Set(keepRoomIds);
  let changed = false;
  const byRoom: Record<string, readonly TimelineItem[]> = {};
  for (const [roomId, items] of Object.entries(timeline.byRoom)) {
    const left = kept.has(roomId) ? items : items.filter((item) => item.sentAt >= before);
    if (left.length !== items.length) changed = true;
    byRoom[roomId] = left;
  }
  return changed ? { byRoom } : timeline;
}

export const createTimelineSlice: StateCreator<BleepState, [], [], TimelineSlice> = () => ({
  timeline: initialTimeline,
});
