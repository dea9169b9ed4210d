// Finds plaintext message events in a federation transaction a partner server sent. Each trust's own gateway
// refuses plaintext from its own clients; a partner whose server does not enforce that could still send some.
// Refusing the transaction would stall everything else that partner sends (its server retries the same one), so
// the gateway lets it through and reports it instead: information governance needs to know, with the room and the
// partner, never the content.
import { isRecord } from '../rules/rule.ts';

export type PlaintextEvent = Readonly<{ roomId: string; eventType: string }>;

/** Message events (not state) neither encrypted nor of a type the policy allows in plaintext. */
export function plaintextEventsIn(transaction: unknown, plaintextTypes: readonly string[]): PlaintextEvent[] {
  if (!isRecord(transaction) || !Array.isArray(transaction.pdus)) return [];
  return transaction.pdus.filter(isRecord).flatMap((pdu) => {
    const { type, room_id: roomId } = pdu;
    if (typeof type !== 'string' || typeof roomId !== 'string') return [];
    if ('state_key' in pdu || type === 'm.room.encrypted' || plaintextTypes.includes(type)) return [];
    return [{ roomId, eventType: type }];
  });
}
