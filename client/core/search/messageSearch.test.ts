import { describe, expect, it } from 'vitest';
import { emptyRecord, withMessage, withRelation, type MessageRecord } from '../archive/messageRecord.ts';
import { searchRecords, searchWords } from './messageSearch.ts';

const ward = '!ward:trust-a.example';
const theatre = '!theatre:trust-a.example';
const amelia = '@amelia:trust-a.example';
const at = 1_700_000_000_000;

function record(eventId: string, body: string, sentAt: number, roomId = ward): MessageRecord {
  return withMessage(emptyRecord(eventId, roomId, sentAt), {
    eventId,
    roomId,
    sender: amelia,
    sentAt,
    msgtype: 'm.text',
    body,
    encrypted: true,
  });
}

function edited(base: MessageRecord, body: string, sender = amelia): MessageRecord {
  return withRelation(base, {
    kind: 'edit',
    id: `${base.eventId}-edit`,
    roomId: base.roomId,
    sender,
    sentAt: base.sentAt + 1,
    targetId: base.eventId,
    msgtype: 'm.text',
    body,
  });
}

describe('searching the archive', () => {
  const records = [
    record('$1', 'Lactate 4.1, review bed 4', at),
    record('$2', 'Bed 4: lactate repeated, 2.0', at + 2),
    record('$3', 'Theatre list: bed 4 first', at + 1, theatre),
    record('$4', 'Nothing about that', at + 3),
  ];

  it('finds messages holding every word, in any case, newest first', () => {
    expect(searchRecords(records, { text: 'BED 4 lactate' }).map((hit) => hit.eventId)).toEqual(['$2', '$1']);
    expect(searchRecords(records, { text: 'bed' }).map((hit) => hit.eventId)).toEqual(['$2', '$3', '$1']);
  });

  it('searches one room when asked', () => {
    expect(searchRecords(records, { text: 'bed', roomId: theatre }).map((hit) => hit.eventId)).toEqual([
      '$3',
    ]);
  });

  it("finds a message by its latest edit's text, not the text it replaced, nor a stranger's edit", () => {
    const corrected = edited(record('$5', 'Mrs Crawley to bed 6', at + 5), 'Mrs Crawley to bed 7');
    const forged = edited(
      record('$6', 'Discharge planned', at + 6),
      'Discharge cancelled',
      '@bob:trust-b.example',
    );
    const found = searchRecords([corrected, forged], { text: 'bed 7' });
    expect(found).toEqual([
      {
        eventId: '$5',
        roomId: ward,
        sender: amelia,
        sentAt: at + 5,
        msgtype: 'm.text',
        body: 'Mrs Crawley to bed 7',
        editedAt: at + 6,
      },
    ]);
    expect(searchRecords([corrected], { text: 'bed 6' })).toEqual([]);
    expect(searchRecords([forged], { text: 'cancelled' })).toEqual([]);
  });

  it('never finds a deleted message, nor relations still waiting for theirs', () => {
    const deleted = withRelation(record('$7', 'wrong patient, bed 4', at), {
      kind: 'redaction',
      id: '$x',
      roomId: ward,
      sender: amelia,
      sentAt: at + 1,
      targetId: '$7',
      senderMayRedactOthers: false,
    });
    const waiting = edited(emptyRecord('$8', ward, at), 'bed 4 again');
    expect(searchRecords([deleted, waiting], { text: 'bed' })).toEqual([]);
  });

  it('finds nothing for a query of only spaces, and folds case and compatibility forms', () => {
    expect(searchRecords(records, { text: '   ' })).toEqual([]);
    expect(searchWords('  ＥＣＧ  ecg Bed ')).toEqual(['ecg', 'bed']);
  });
});
