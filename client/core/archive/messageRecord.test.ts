import { describe, expect, it } from 'vitest';
import type { MessageRedaction, MessageRelation } from '../stores/timelineSlice.ts';
import type { ArchivedMessage } from './archivedMessage.ts';
import {
  emptyRecord,
  isMessageRecord,
  relationIdsOf,
  withMessage,
  withoutRelation,
  withRelation,
  type MessageRecord,
} from './messageRecord.ts';
import { currentContent, reactionsOf, timelineItemForRecord } from './messageRecordView.ts';

const roomId = '!ward:trust-a.example';
const amelia = '@amelia:trust-a.example';
const bob = '@bob:trust-b.example';
const sentAt = 1_700_000_000_000;

const message: ArchivedMessage = {
  eventId: '$m',
  roomId,
  sender: amelia,
  sentAt,
  msgtype: 'm.text',
  body: 'Edith Crawley, bed 4',
  encrypted: true,
};

function edit(id: string, body: string, at: number, sender = amelia): MessageRelation {
  return { kind: 'edit', id, roomId, sender, sentAt: at, targetId: '$m', msgtype: 'm.text', body };
}
function reaction(id: string, key: string, sender = bob, at = sentAt + 10): MessageRelation {
  return { kind: 'reaction', id, roomId, sender, sentAt: at, targetId: '$m', key };
}
function redaction(targetId: string, sender: string, senderMayRedactOthers = false): MessageRedaction {
  return {
    kind: 'redaction',
    id: `$r-${targetId}`,
    roomId,
    sender,
    sentAt: sentAt + 100,
    targetId,
    senderMayRedactOthers,
  };
}

function fold(record: MessageRecord, ...relations: MessageRelation[]): MessageRecord {
  return relations.reduce(withRelation, record);
}

const kept = () => withMessage(emptyRecord('$m', roomId, sentAt), message);

describe("a message's record", () => {
  it("shows its sender's latest edit, whatever order the edits arrived in", () => {
    const record = fold(kept(), edit('$e2', 'bed 6', sentAt + 2), edit('$e1', 'bed 5', sentAt + 1));
    expect(currentContent(record)?.body).toBe('bed 6');
    expect(record.content?.body).toBe('Edith Crawley, bed 4');
  });

  it('ignores an edit from anyone but the sender, before and after the message arrives', () => {
    expect(currentContent(fold(kept(), edit('$e', 'forged', sentAt + 1, bob)))?.body).toBe(message.body);
    const early = fold(emptyRecord('$m', roomId, sentAt + 1), edit('$e', 'forged', sentAt + 1, bob));
    expect(currentContent(withMessage(early, message))?.body).toBe(message.body);
    expect(withMessage(early, message).edits).toEqual([]);
  });

  it('waits for the message when a relation comes first, filed under the earliest relation, then under the message', () => {
    const early = fold(
      emptyRecord('$m', roomId, sentAt + 50),
      edit('$e', 'bed 5', sentAt + 50),
      reaction('$r', '👍', bob, sentAt + 20),
    );
    expect(early.sentAt).toBe(sentAt + 20);
    expect(currentContent(early)).toBeNull();
    const arrived = withMessage(early, message);
    expect(arrived.sentAt).toBe(sentAt);
    expect(currentContent(arrived)?.body).toBe('bed 5');
    expect(reactionsOf(arrived)).toEqual([{ key: '👍', senders: [bob] }]);
  });

  it('groups reactions by key, one per clinician, in the order keys were first used', () => {
    const record = fold(
      kept(),
      reaction('$1', '👍', bob, sentAt + 3),
      reaction('$2', '✅', amelia, sentAt + 1),
      reaction('$3', '👍', amelia, sentAt + 4),
      reaction('$4', '👍', bob, sentAt + 5),
      reaction('$1', '👍', bob, sentAt + 3),
    );
    expect(reactionsOf(record)).toEqual([
      { key: '✅', senders: [amelia] },
      { key: '👍', senders: [bob, amelia] },
    ]);
    expect(relationIdsOf(record).sort()).toEqual(['$1', '$2', '$3', '$4']);
  });

  it("is erased by its sender's redaction: text, edits and reactions gone, and a later copy brings nothing back", () => {
    const deleted = fold(
      kept(),
      edit('$e', 'bed 5', sentAt + 1),
      reaction('$r', '👍'),
      redaction('$m', amelia),
    );
    expect(deleted).toMatchObject({ content: null, deletedAt: sentAt + 100, edits: [], reactions: [] });
    expect(JSON.stringify(deleted)).not.toMatch(/Crawley|bed 4|bed 5|👍/u);
    const again = fold(
      withMessage(deleted, message),
      edit('$e3', 'bed 7', sentAt + 200),
      reaction('$r2', '✅'),
    );
    expect(again).toMatchObject({ content: null, edits: [], reactions: [] });
    expect(JSON.stringify(again)).not.toContain('Crawley');
  });

  it("is not erased by someone else's redaction, unless the room lets them redact others' events", () => {
    expect(currentContent(fold(kept(), redaction('$m', bob)))?.body).toBe(message.body);
    expect(fold(kept(), redaction('$m', bob, true)).content).toBeNull();
  });

  it('drops a redacted edit (back to the edit before) or reaction, by its sender or a moderator only', () => {
    const record = fold(
      kept(),
      edit('$e1', 'bed 5', sentAt + 1),
      edit('$e2', 'bed 6', sentAt + 2),
      reaction('$r', '👍'),
    );
    const withoutEdit = withoutRelation(record, redaction('$e2', amelia));
    expect(currentContent(withoutEdit)?.body).toBe('bed 5');
    expect(JSON.stringify(withoutEdit)).not.toContain('bed 6');
    expect(reactionsOf(withoutRelation(record, redaction('$r', amelia)))).toEqual([
      { key: '👍', senders: [bob] },
    ]);
    expect(reactionsOf(withoutRelation(record, redaction('$r', bob)))).toEqual([]);
    expect(reactionsOf(withoutRelation(record, redaction('$r', amelia, true)))).toEqual([]);
  });

  it("keeps the urgent flag and a referral's reason as sent (an edit changes neither); a redaction erases the reason", () => {
    const referral = withMessage(emptyRecord('$m', roomId, sentAt), {
      ...message,
      urgent: true,
      patientNhsNumber: '9434765919',
      referralReason: 'suspected cauda equina',
    });
    const read = JSON.parse(JSON.stringify(fold(referral, edit('$e1', 'typo fixed', sentAt + 1)))) as unknown;
    expect(isMessageRecord(read)).toBe(true);
    expect(timelineItemForRecord(read as MessageRecord, bob)).toMatchObject({
      body: 'typo fixed',
      urgent: true,
      patient: { nhsNumber: '9434765919' },
      referral: { reason: 'suspected cauda equina' },
    });
    const erased = fold(referral, redaction('$m', amelia));
    expect(JSON.stringify(erased)).not.toContain('cauda');
    expect(timelineItemForRecord(erased, bob)).toMatchObject({ kind: 'deleted', urgent: false });
    expect(timelineItemForRecord(erased, bob)?.referral).toBeUndefined();
    expect(isMessageRecord({ ...referral, urgent: 'yes' })).toBe(false);
    expect(isMessageRecord({ ...referral, referral: { reason: 4 } })).toBe(false);
  });

  it('keeps the message a reply answers as sent (an edit does not change it); a redaction erases it', () => {
    const reply = withMessage(emptyRecord('$m', roomId, sentAt), { ...message, replyTo: '$original' });
    const read = JSON.parse(JSON.stringify(fold(reply, edit('$e1', 'typo fixed', sentAt + 1)))) as unknown;
    expect(isMessageRecord(read)).toBe(true);
    expect(timelineItemForRecord(read as MessageRecord, bob)).toMatchObject({
      body: 'typo fixed',
      replyTo: '$original',
    });
    const erased = fold(reply, redaction('$m', amelia));
    expect(JSON.stringify(erased)).not.toContain('$original');
    expect(timelineItemForRecord(erased, bob)).toMatchObject({ kind: 'deleted', replyTo: null });
    expect(timelineItemForRecord(fold(kept()), bob)?.replyTo).toBeNull();
    expect(isMessageRecord({ ...reply, replyTo: 7 })).toBe(false);
  });

  it('reads back only what has the shape of a record', () => {
    const record = fold(kept(), edit('$e', 'bed 5', sentAt + 1), reaction('$r', '👍'));
    expect(isMessageRecord(JSON.parse(JSON.stringify(record)))).toBe(true);
    expect(isMessageRecord({ ...record, edits: [{ eventId: '$e', sender: amelia, sentAt }] })).toBe(false);
    expect(isMessageRecord({ ...record, reactions: [{ eventId: '$r', sender: bob, sentAt, key: 1 }] })).toBe(
      false,
    );
    expect(isMessageRecord({ ...record, sentAt: Number.NaN })).toBe(false);
    expect(isMessageRecord(message)).toBe(false);
  });
});
