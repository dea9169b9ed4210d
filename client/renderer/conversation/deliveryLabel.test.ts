import { describe, expect, it } from 'vitest';
import type { OutgoingMessage } from '../../core/delivery/outgoingMessage.ts';
import { deliveryLabel } from './deliveryLabel.ts';

const outgoing = (status: OutgoingMessage['status']): OutgoingMessage => ({
  txnId: 't1',
  roomId: '!r:a',
  eventType: 'm.room.message',
  content: null,
  writtenAt: 1,
  status,
  attempts: 1,
  nextAttemptAt: null,
  problem: null,
  eventId: '$e',
  sentAt: 2,
});
const names = (userId: string) => (userId === '@rachel:b' ? 'Dr Rachel Mensah' : userId);

describe('the delivery state of a clinician’s own message', () => {
  it('is sending while the queue holds it, and not sent when it failed', () => {
    expect(deliveryLabel({ sendStatus: null }, outgoing('queued'), names).text).toBe('Sending…');
    expect(deliveryLabel({ sendStatus: 'sending' }, undefined, names).state).toBe('waiting');
    expect(deliveryLabel({ sendStatus: 'sent' }, outgoing('failed'), names)).toEqual({
      text: 'Not sent',
      state: 'failed',
    });
  });

  it('is sent once the server has it, then read by name', () => {
    expect(deliveryLabel({ sendStatus: 'sent' }, outgoing('sent'), names)).toEqual({
      text: 'Sent',
      state: 'sent',
    });
    expect(deliveryLabel({ sendStatus: 'sent', readBy: ['@rachel:b'] }, outgoing('sent'), names)).toEqual({
      text: 'Read by Dr Rachel Mensah',
      state: 'read',
    });
    expect(deliveryLabel({ sendStatus: 'sent' }, outgoing('delivered'), names).state).toBe('read');
  });
});
