// Finds plaintext message events in a federation transaction a partner server sent. Each trust's own gateway
// refuses plaintext from its own clients; a partner whose server does not enforce that could still send some.
// Refusing the transaction would stall everything else that partner sends (its server retries the same one), so
// the gateway lets it through and reports it instead: information governance needs to know, with the room and the
// partner, never the content. Device-to-device messages travel in the transaction's EDUs (m.direct_to_device):
// those that are neither encrypted nor the encryption protocol's own are reported too, without a room.
import { isProtocolToDevice } from '../rules/e2eeOnly.ts';
import { isRecord } from '../rules/rule.ts';

/** Room events that are ciphertext, or that Synapse itself sends with no content (to merge a room's forward
 * extremities). */
const contentFreeTypes = new Set(['m.room.encrypted', 'org.matrix.dummy_event']);

export type PlaintextEvent = Readonly<{ roomId: string | null; eventType: string }>;

/** Plaintext device-to-device messages among a transaction's EDUs. */
function plaintextToDeviceIn(edus: unknown): PlaintextEvent[] {
  if (!Array.isArray(edus)) return [];
  return edus.filter(isRecord).flatMap((edu) => {
    if (edu.edu_type !== 'm.direct_to_device' || !isRecord(edu.content)) return [];
    const { type } = edu.content;
    if (typeof type !== 'string' || isProtocolToDevice(type)) return [];
    return [{ roomId: null, eventType: `to-device ${type}` }];
  });
}

/** Message events (not state) neither encrypted nor of a type the policy allows in plaintext, and plaintext
 * device-to-device messages. */
export function plaintextEventsIn(transaction: unknown, plaintextTypes: readonly string[]): PlaintextEvent[] {
  if (!isRecord(transaction)) return [];
  const toDevice = plaintextToDeviceIn(transaction.edus);
  if (!Array.isArray(transaction.pdus)) return toDevice;
  const events = transaction.pdus.filter(isRecord).flatMap((pdu) => {
    const { type, room_id: roomId } = pdu;
    if (typeof type !== 'string' || typeof roomId !== 'string') return [];
    if ('state_key' in pdu || contentFreeTypes.has(type) || plaintextTypes.includes(type)) return [];
    return [{ roomId, eventType: type }];
  });
  return [...events, ...toDevice];
}
