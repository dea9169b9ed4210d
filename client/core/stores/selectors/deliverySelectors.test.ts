import { describe, expect, it } from 'vitest';
import { writtenMessage, type OutgoingMessage } from '../../delivery/outgoingMessage.ts';
import { createBleepStore } from '../bleepStore.ts';
import {
  selectRoomDeliveries,
  selectUndeliverable,
  selectUnreadNearServerWindow,
} from './deliverySelectors.ts';

const hourMs = 3_600_000;
const noon = Date.UTC(2026, 10, 28, 12);

function sent(txnId: string, sentAt: number, change: Partial<OutgoingMessage> = {}): OutgoingMessage {
  return {
    ...writtenMessage({ txnId, roomId: '!ward:a', eventType: 'm.room.message', content: {} }, sentAt),
    status: 'sent',
    content: null,
    eventId: `$${txnId}`,
    sentAt,
    ...change,
  };
}

function storeWithPolicy(serverHours: number) {
  const store = createBleepStore();
  store.getState().policyLoaded({
    version: 1,
    trust: { name: 'Trust A', serverName: 'a.example', odsCode: 'RAA' },
    partners: [],
    partnerTrusts: [],
    retention: { clientDays: 90, serverHours },
    idleLockMinutes: 5,
    encryptionRequired: true,
    plaintextEventTypes: [],
    maxUploadBytes: 1,
    notificationContent: 'none',
    keyBackupAllowed: false,
  });
  return store;
}

describe('the delivery selectors', () => {
  it("flags sent messages still unread in the last sixth of the server's window (12 of 72 hours)", () => {
    const store = storeWithPolicy(72);
    store.getState().deliveryChanged(sent('young', noon - 59 * hourMs));
    store.getState().deliveryChanged(sent('closing', noon - 61 * hourMs));
    store.getState().deliveryChanged(sent('read', noon - 61 * hourMs, { status: 'delivered' }));
    store.getState().deliveryChanged(sent('gone', noon - 80 * hourMs));
    expect(
      selectUnreadNearServerWindow(store.getState(), noon)
        .map((message) => message.txnId)
        .sort(),
    ).toEqual(['closing', 'gone']);
  });

  it('warns at least an hour ahead with a short window, and flags nothing before the policy is known', () => {
    const store = storeWithPolicy(2);
    store.getState().deliveryChanged(sent('early', noon - 59 * 60_000));
    store.getState().deliveryChanged(sent('late', noon - 61 * 60_000));
    expect(selectUnreadNearServerWindow(store.getState(), noon).map((message) => message.txnId)).toEqual([
      'late',
    ]);
    const unknown = createBleepStore();
    unknown.getState().deliveryChanged(sent('any', noon - 100 * hourMs));
    expect(selectUnreadNearServerWindow(unknown.getState(), noon)).toEqual([]);
  });

  it("lists a room's messages in the order written, and the refused ones apart; a discarded one goes", () => {
    const store = storeWithPolicy(72);
    store.getState().deliveryChanged(sent('second', noon + 1));
    store.getState().deliveryChanged(sent('first', noon));
    store.getState().deliveryChanged(sent('elsewhere', noon, { roomId: '!other:a' }));
    store
      .getState()
      .deliveryChanged(sent('refused', noon + 2, { status: 'failed', problem: 'unexpected-answer' }));
    expect(selectRoomDeliveries(store.getState(), '!ward:a').map((message) => message.txnId)).toEqual([
      'first',
      'second',
      'refused',
    ]);
    expect(selectUndeliverable(store.getState()).map((message) => message.txnId)).toEqual(['refused']);
    store.getState().deliveryRemoved('refused');
    expect(selectUndeliverable(store.getState())).toEqual([]);
    // Plain data, as every slice.
    expect(structuredClone(store.getState().delivery)).toEqual(store.getState().delivery);
  });
});
