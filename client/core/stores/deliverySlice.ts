// The delivery slice: each message this desktop wrote, by transaction id, with how its delivery stands (queued,
// sending, sent, delivered, failed), as plain data. Written by delivery/deliveryQueue.ts only, through the session.
import type { StateCreator } from 'zustand/vanilla';
import type { OutgoingMessage } from '../delivery/outgoingMessage.ts';
import type { BleepState } from './bleepStore.ts';

export type DeliveryState = Readonly<{ messages: Readonly<Record<string, OutgoingMessage>> }>;

export type DeliverySlice = Readonly<{
  delivery: DeliveryState;
  deliveryChanged: (message: OutgoingMessage) => void;
  deliveryRemoved: (txnId: string) => void;
}>;

export const initialDelivery: DeliveryState = { messages: {} };

export const createDeliverySlice: StateCreator<BleepState, [], [], DeliverySlice> = (set) => ({
  delivery: initialDelivery,
  deliveryChanged: (message) => {
    set((state) => ({
      delivery: { messages: { ...state.delivery.messages, [message.txnId]: message } },
    }));
  },
  deliveryRemoved: (txnId) => {
    set((state) => {
      const { [txnId]: _removed, ...rest } = state.delivery.messages;
      return { delivery: { messages: rest } };
    });
  },
});
