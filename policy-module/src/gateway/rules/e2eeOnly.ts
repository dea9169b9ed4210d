// Rule: everything clinical is end-to-end encrypted. New rooms are encrypted from their first event whatever the
// client asked for; plaintext message events are refused (only the policy's content-free types may be plaintext); and
// device-to-device messages, which the server stores until delivered, are encrypted too, apart from the
// encryption protocol's own content-free ones. (Which room state may exist is rules/roomShape.ts.)
import { policyRefusal } from '../matrixError.ts';
import { allow, isRecord, type PolicyRule, type RuleVerdict } from './rule.ts';
import { megolm } from './roomShape.ts';

/**
 * To-device types the end-to-end encryption protocol itself sends in the clear: device verification, key requests
 * and "key withheld" notices (which must be plaintext when no encrypted channel exists yet). They carry ids, keys
 * and codes, never what a clinician wrote. Secret requests are refused separately (noKeyCopies).
 */
const plaintextToDeviceTypes = new Set([
  'm.room.encrypted',
  'm.room_key_request',
  'm.room_key.withheld',
  'org.matrix.room_key.withheld',
]);

/**
 * Why content labelled m.room.encrypted is not a Megolm message, or undefined when it is shaped like one. A buggy
 * client that puts its plaintext under the encrypted type would otherwise leave it readable on every server.
 * (A Megolm message is version byte 3, the message index, AES ciphertext, an 8-byte MAC and a 64-byte signature.)
 */
export function notMegolm(content: unknown): string | undefined {
  if (!isRecord(content)) return 'it has no content';
  if (content.algorithm !== megolm) return `it does not use ${megolm}`;
  const { ciphertext, session_id: sessionId } = content;
  if (typeof ciphertext !== 'string' || typeof sessionId !== 'string')
    return 'it has no ciphertext or session';
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(ciphertext)) return 'its ciphertext is not base64';
  const bytes = Buffer.from(ciphertext, 'base64');
  return bytes.length >= 1 + 1 + 16 + 8 + 64 && bytes[0] === 3
    ? undefined
    : 'its ciphertext is not a Megolm message';
}

/** True for the to-device types the encryption protocol sends in the clear (verification, key requests...). */
export function isProtocolToDevice(eventType: string): boolean {
  return plaintextToDeviceTypes.has(eventType) || eventType.startsWith('m.key.verification.');
}

function refuse(message: string): RuleVerdict {
  return { outcome: 'refuse', error: policyRefusal('e2ee-only', message) };
}

/** A createRoom body whose room is encrypted from its first event; the rest of what the client asked is kept. */
function encryptedRoom(body: Record<string, unknown>): Record<string, unknown> {
  const initialState: unknown[] = Array.isArray(body.initial_state) ? body.initial_state : [];
  const encrypted = initialState.some((event) => isRecord(event) && event.type === 'm.room.encryption');
  if (encrypted) return body; // roomShape has checked that it is Megolm
  return {
    ...body,
    initial_state: [
      ...initialState,
      { type: 'm.room.encryption', state_key: '', content: { algorithm: megolm } },
    ],
  };
}

export const e2eeOnly: PolicyRule = {
  name: 'e2ee-only',
  check({ route, params, body }, { policy }) {
    if (!policy.encryption.required) return allow;
    const eventType = params.eventType ?? '';
    switch (route.name) {
      case 'createRoom':
        return { outcome: 'rewrite', body: encryptedRoom(isRecord(body) ? body : {}) };
      case 'sendEvent': {
        if (eventType === 'm.room.encrypted') {
          const problem = notMegolm(body);
          return problem ? refuse(`This event is labelled encrypted but ${problem}`) : allow;
        }
        if (policy.encryption.plaintextEventTypes.includes(eventType)) return allow;
        return refuse(
          `Unencrypted ${eventType} events are not allowed by this trust: messages must be end-to-end encrypted`,
        );
      }
      case 'toDevice':
        return isProtocolToDevice(eventType)
          ? allow
          : refuse(
              `Unencrypted ${eventType} device messages are not allowed by this trust: they must be end-to-end encrypted`,
            );
      default:
        return allow;
    }
  },
};
