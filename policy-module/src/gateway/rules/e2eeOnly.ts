// Rule: everything clinical is end-to-end encrypted. New rooms are made private and encrypted whatever the client
// asked for; plaintext message events are refused (only the policy's content-free types may be plaintext); a room
// cannot be opened to the public, to guests, or to the directory; room state is the Matrix spec's own (custom
// state types, plaintext for every server, could carry anything); and device-to-device messages, which the server
// stores until delivered, are encrypted too, apart from the encryption protocol's own content-free ones.
import { policyRefusal } from '../matrixError.ts';
import { allow, isRecord, type PolicyRule, type RuleVerdict } from './rule.ts';

const megolm = 'm.megolm.v1.aes-sha2';

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
function notMegolm(content: unknown): string | undefined {
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

function isProtocolToDevice(eventType: string): boolean {
  return plaintextToDeviceTypes.has(eventType) || eventType.startsWith('m.key.verification.');
}

function refuse(message: string): RuleVerdict {
  return { outcome: 'refuse', error: policyRefusal('e2ee-only', message) };
}

/** State that would open or unencrypt a room, or carry free plaintext; undefined when the state is acceptable. */
function stateProblem(
  eventType: string,
  content: unknown,
  plaintextTypes: readonly string[],
): string | undefined {
  const value = isRecord(content) ? content : {};
  // Spec state (m.*) has known, mostly content-free fields; a custom type only if the policy lists it.
  if (!eventType.startsWith('m.') && !plaintextTypes.includes(eventType))
    return `room state of type ${eventType} is not allowed (room state is not encrypted)`;
  switch (eventType) {
    case 'm.room.join_rules':
      return value.join_rule === 'public' ? 'rooms cannot be public' : undefined;
    case 'm.room.guest_access':
      return value.guest_access === 'can_join' ? 'guests cannot join rooms' : undefined;
    case 'm.room.history_visibility':
      return value.history_visibility === 'world_readable'
        ? 'room history cannot be world-readable'
        : undefined;
    case 'm.room.encryption':
      return value.algorithm === megolm ? undefined : `rooms must use ${megolm} encryption`;
    default:
      return undefined;
  }
}

/** A createRoom body forced to a private, encrypted room; the rest of what the client asked for is kept. */
function privateEncryptedRoom(
  body: Record<string, unknown>,
  plaintextTypes: readonly string[],
): Record<string, unknown> {
  const initialState = Array.isArray(body.initial_state) ? body.initial_state.filter(isRecord) : [];
  const kept = initialState.filter(
    (event) =>
      typeof event.type === 'string' &&
      stateProblem(event.type, event.content, plaintextTypes) === undefined &&
      event.type !== 'm.room.encryption',
  );
  return {
    ...body,
    preset: body.preset === 'trusted_private_chat' ? 'trusted_private_chat' : 'private_chat',
    visibility: 'private',
    initial_state: [...kept, { type: 'm.room.encryption', state_key: '', content: { algorithm: megolm } }],
  };
}

export const e2eeOnly: PolicyRule = {
  name: 'e2ee-only',
  check(request, { policy }) {
    if (!policy.encryption.required) return allow;
    const { classified, body } = request;
    switch (classified.kind) {
      case 'createRoom':
        return {
          outcome: 'rewrite',
          body: privateEncryptedRoom(isRecord(body) ? body : {}, policy.encryption.plaintextEventTypes),
        };
      case 'sendEvent': {
        if (classified.eventType === 'm.room.encrypted') {
          const problem = notMegolm(body);
          return problem ? refuse(`This event is labelled encrypted but ${problem}`) : allow;
        }
        if (policy.encryption.plaintextEventTypes.includes(classified.eventType)) return allow;
        return refuse(
          `Unencrypted ${classified.eventType} events are not allowed by this trust: messages must be end-to-end encrypted`,
        );
      }
      case 'stateEvent': {
        const problem = stateProblem(classified.eventType, body, policy.encryption.plaintextEventTypes);
        return problem ? refuse(`This trust's policy says ${problem}`) : allow;
      }
      case 'directoryVisibility':
        return isRecord(body) && body.visibility === 'public'
          ? refuse('Rooms cannot be published in the room directory')
          : allow;
      case 'register':
        return classified.guest ? refuse('Guest accounts are not allowed by this trust') : allow;
      case 'toDevice':
        return isProtocolToDevice(classified.eventType)
          ? allow
          : refuse(
              `Unencrypted ${classified.eventType} device messages are not allowed by this trust: they must be end-to-end encrypted`,
            );
      default:
        return allow;
    }
  },
};
