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

  it("ignores state, the policy plaintext types, Synapse's own dummy events, and anything that is not a transaction", () => {
    expect(
      plaintextEventsIn(
        {
          pdus: [
            pdu('m.room.member', { state_key: '@a:x' }),
            pdu('m.reaction'),
            pdu('org.matrix.dummy_event'),
            'junk',
            { type: 1 },
          ],
        },
        ['m.reaction'],
      ),
    ).toEqual([]);
    expect(plaintextEventsIn(null, [])).toEqual([]);
    expect(plaintextEventsIn({ pdus: 'x' }, [])).toEqual([]);
    expect(plaintextEventsIn({ pdus: [null, 7], edus: [null, 'junk', 7] }, [])).toEqual([]);
  });

  it("finds plaintext device-to-device messages among the EDUs, but not the encryption protocol's own", () => {
    const toDevice = (type: string) => ({
      edu_type: 'm.direct_to_device',
      content: {
        sender: '@a:southmere.nhs.uk',
        type,
        message_id: 'm1',
        messages: { '@b:x': { D: { body: 'never read' } } },
      },
    });
    const found = plaintextEventsIn(
      {
        pdus: [],
        edus: [
          toDevice('m.room.encrypted'),
          toDevice('m.key.verification.request'),
          toDevice('m.room.message'),
          { edu_type: 'm.typing', content: { room_id: '!r:x', user_id: '@a:x', typing: true } },
          // Only m.direct_to_device carries device messages, whatever another EDU's content says.
          { edu_type: 'com.example.note', content: { type: 'com.example.chat', body: 'never read' } },
          { edu_type: 'm.direct_to_device', content: null },
        ],
      },
      [],
    );
    expect(found).toEqual([{ roomId: null, eventType: 'to-device m.room.message' }]);
    expect(JSON.stringify(found)).not.toContain('never read');
  });
});
