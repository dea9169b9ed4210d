// Every place a client can ask Synapse to keep text it can read (not end-to-end encrypted), each as a request that
// puts a given text there: room names and topics, state keys, aliases, reaction keys, redaction and membership
// reasons, display names, device names, tags, account data, presence, reports, to-device cancel reasons, pushers
// and filters. For the attack on rule no-patient-identifiers; the same request with harmless text is its control.
import { randomBytes } from 'node:crypto';
import type { RawRequest } from './rawRequest.ts';
import { bearer } from './rawRequest.ts';

export type PlaintextField = Readonly<{
  name: string;
  /** False for spellings the gateway's route table does not hold: refused by default deny, with no control. */
  routed: boolean;
  /** The request that stores `text`; `encode` writes a path parameter (`text` may be one). */
  request: (text: string, encode: (value: string) => string) => RawRequest;
}>;

export type FieldContext = Readonly<{
  token: string;
  userId: string;
  deviceId: string;
  serverName: string;
  roomId: string;
  /** An event of the room to react to, redact and report. */
  eventId: string;
  /** A member of the room who may be kicked. */
  memberId: string;
  /** A user of the trust outside the room, who may be invited and banned. */
  outsiderId: string;
}>;

const v3 = '/_matrix/client/v3';

function txn(): string {
  return randomBytes(6).toString('hex');
}

export function plaintextFields(context: FieldContext): readonly PlaintextField[] {
  const { token, userId, deviceId, roomId, eventId } = context;
  const room = `${v3}/rooms/${encodeURIComponent(roomId)}`;
  const user = `${v3}/user/${encodeURIComponent(userId)}`;
  const call = (method: string, target: string, body: unknown): RawRequest => ({
    method,
    target,
    headers: bearer(token),
    body: JSON.stringify(body),
  });
  const field = (name: string, request: PlaintextField['request'], routed = true): PlaintextField => ({
    name,
    routed,
    request,
  });
  return [
    field('createRoom name', (text) => call('POST', `${v3}/createRoom`, { name: text })),
    field('createRoom topic', (text) => call('POST', `${v3}/createRoom`, { topic: text })),
    field('createRoom m.topic block', (text) =>
      call('POST', `${v3}/createRoom`, {
        initial_state: [
          {
            type: 'm.room.topic',
            state_key: '',
            content: {
              topic: 'Ward round',
              'm.topic': { 'm.text': [{ mimetype: 'text/plain', body: text }] },
            },
          },
        ],
      }),
    ),
    // No createRoom alias: the gateway refuses every alias (rule room-shape), so it has no allowed control.
    field('room name', (text) => call('PUT', `${room}/state/m.room.name/`, { name: text })),
    field('room topic', (text) =>
      call('PUT', `${room}/state/m.room.topic/`, {
        topic: text,
        'm.topic': { 'm.text': [{ mimetype: 'text/plain', body: text }] },
      }),
    ),
    field('state key', (text, encode) =>
      call('PUT', `${room}/state/m.room.name/${encode(text)}`, { name: 'Ward' }),
    ),
    field(
      'alias (directory)',
      (text, encode) =>
        call('PUT', `${v3}/directory/room/${encode(`#${text}:${context.serverName}`)}`, { room_id: roomId }),
      false,
    ),
    field('reaction key', (text) =>
      call('PUT', `${room}/send/m.reaction/${txn()}`, {
        'm.relates_to': { rel_type: 'm.annotation', event_id: eventId, key: text },
      }),
    ),
    field('redaction reason', (text) =>
      call('PUT', `${room}/redact/${encodeURIComponent(eventId)}/${txn()}`, { reason: text }),
    ),
    field(
      'redaction reason (POST)',
      (text) => call('POST', `${room}/redact/${encodeURIComponent(eventId)}`, { reason: text }),
      false,
    ),
    field('invite reason', (text) =>
      call('POST', `${room}/invite`, { user_id: context.outsiderId, reason: text }),
    ),
    field(
      'invite reason (PUT with txn)',
      (text) => call('PUT', `${room}/invite/${txn()}`, { user_id: context.outsiderId, reason: text }),
      false,
    ),
    field('kick reason', (text) => call('POST', `${room}/kick`, { user_id: context.memberId, reason: text })),
    field(
      'kick reason (PUT with txn)',
      (text) => call('PUT', `${room}/kick/${txn()}`, { user_id: context.memberId, reason: text }),
      false,
    ),
    field('ban reason', (text) => call('POST', `${room}/ban`, { user_id: context.outsiderId, reason: text })),
    field('display name', (text, encode) =>
      call('PUT', `${v3}/profile/${encode(userId)}/displayname`, { displayname: text }),
    ),
    field('display name in the room', (text, encode) =>
      call('PUT', `${room}/state/m.room.member/${encode(userId)}`, { membership: 'join', displayname: text }),
    ),
    field('device name', (text, encode) =>
      call('PUT', `${v3}/devices/${encode(deviceId)}`, { display_name: text }),
    ),
    field('room tag', (text, encode) =>
      call('PUT', `${user}/rooms/${encodeURIComponent(roomId)}/tags/${encode(`u.${text}`)}`, { order: 0.5 }),
    ),
    // Tag content is only its order, and room account data only what its type's spec fields hold (the gateway
    // refuses any other field, rule account-data-types): the text left to carry is a key of m.direct.
    field('account data', (text) => call('PUT', `${user}/account_data/m.direct`, { [text]: [roomId] })),
    // No presence status: presence is off in the homeserver template, so Synapse keeps no status to judge by (the
    // gateway still refuses an NHS number in one: noPatientIdentifiers.test.ts).
    field('report reason', (text) =>
      call('POST', `${room}/report/${encodeURIComponent(eventId)}`, { reason: text, score: -100 }),
    ),
    field('verification cancel reason', (text) =>
      call('PUT', `${v3}/sendToDevice/m.key.verification.cancel/${txn()}`, {
        messages: { [userId]: { [deviceId]: { transaction_id: txn(), code: 'm.user', reason: text } } },
      }),
    ),
    field('pusher device name', (text) =>
      call('POST', `${v3}/pushers/set`, {
        kind: 'http',
        app_id: 'uk.nhs.bleep.test',
        app_display_name: 'Bleep',
        device_display_name: text,
        pushkey: `push-${txn()}`,
        lang: 'en-GB',
        data: { url: 'https://push.example.nhs.uk/_matrix/push/v1/notify' },
      }),
    ),
    field('filter', (text) => call('POST', `${user}/filter`, { event_fields: [text] })),
  ];
}
