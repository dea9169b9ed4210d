import { describe, expect, it } from 'vitest';
import { plaintextEventsIn } from './partnerPlaintext.ts';

describe('plaintext events in a partner transaction', () => {
  const pdu = (type: string, extra: Record<string, unknown> = {}) => ({
    type,
    room_id: '!referral:southmere.nhs.uk',
    content: { body: 'never read' },
    ...extra,
  });

  it('finds plaintext message events, naming room and type only', () => {
    const found = plaintextEventsIn(
      { pdus: [pdu('m.room.encrypted'), pdu('m.room.message'), pdu('com.example.chat')], edus: [] },
      ['m.reaction'],
    );
    expect(found).toEqual([
      { roomId: '!referral:southmere.nhs.uk', eventType: 'm.room.message' },
      { roomId: '!referral:southmere.nhs.uk', eventType: 'com.example.chat' },
    ]);
    expect(JSON.stringify(found)).not.toContain('never read');
  });

  it('ignores state, the policy plaintext types, and anything that is not a transaction', () => {
    expect(
      plaintextEventsIn(
        { pdus: [pdu('m.room.member', { state_key: '@a:x' }), pdu('m.reaction'), 'junk', { type: 1 }] },
        ['m.reaction'],
      ),
    ).toEqual([]);
    expect(plaintextEventsIn(null, [])).toEqual([]);
    expect(plaintextEventsIn({ pdus: 'x' }, [])).toEqual([]);
  });
});
