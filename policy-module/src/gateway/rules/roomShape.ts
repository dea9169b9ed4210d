// Rule: every room has Bleep's shape. Room state is plaintext on every server in the room, so only the state
// types Bleep uses may be set (anything else, m.* included, unless the policy lists it), and only with values that
// keep the room closed: invite-only, no guests, history never world-readable, Megolm encryption. Membership
// changes go through their own endpoints (where the invitation rule reads them), not through raw member state.
// createRoom is held to the same list, its fields to the ones the spec documents (but an alias), and made private;
// every new room carries m.room.retention with the policy's client limit, so any Matrix client in it knows how long
// to keep messages.
import { z } from 'zod';
import type { TrustPolicy } from '../../policy/trustPolicy.ts';
import { policyRefusal } from '../matrixError.ts';
import type { Identity } from '../whoAmI.ts';
import { allow, isRecord, isWrite, type PolicyRule, type RuleVerdict } from './rule.ts';

export const megolm = 'm.megolm.v1.aes-sha2';

type StateCheck = (
  content: Record<string, unknown>,
  stateKey: string,
  identity: Identity | undefined,
  policy: TrustPolicy,
) => string | undefined;

const dayMs = 24 * 60 * 60 * 1000;

/** m.room.retention (MSC1763) as Bleep sets it: messages kept at most the policy's clientDays. */
export function roomRetention(policy: TrustPolicy): { max_lifetime: number } {
  return { max_lifetime: policy.retention.clientDays * dayMs };
}

const anyContent: StateCheck = () => undefined;

/** The state event types Bleep's rooms use, each with what its content must be; undefined means acceptable. */
const stateChecks: Readonly<Record<string, StateCheck>> = {
  'm.room.name': anyContent,
  'm.room.topic': anyContent,
  'm.room.avatar': anyContent,
  'm.room.pinned_events': anyContent,
  'm.room.power_levels': anyContent,
  'm.room.canonical_alias': anyContent,
  'm.room.join_rules': (content) =>
    content.join_rule === 'invite' ? undefined : 'rooms are invite-only (join rule "invite")',
  'm.room.guest_access': (content) =>
    content.guest_access === 'forbidden' ? undefined : 'guests cannot join rooms',
  'm.room.history_visibility': (content) =>
    ['invited', 'joined', 'shared'].includes(String(content.history_visibility))
      ? undefined
      : 'room history is visible to members only',
  'm.room.encryption': (content) =>
    content.algorithm === megolm ? undefined : `rooms must use ${megolm} encryption`,
  'm.room.retention': (content, _stateKey, _identity, policy) =>
    content.max_lifetime === roomRetention(policy).max_lifetime
      ? undefined
      : `messages are kept ${policy.retention.clientDays} days (m.room.retention max_lifetime ${roomRetention(policy).max_lifetime})`,
  // A clinician may change their own name in one room; invitations, kicks and bans have their own endpoints.
  'm.room.member': (content, stateKey, identity) =>
    identity !== undefined && stateKey === identity.userId && content.membership === 'join'
      ? undefined
      : 'membership changes are made by inviting, removing or banning, not by setting member state',
};

const nullableString = z.string().nullable().optional();
const level = z.number().int();

/** The fields each state type has in the spec, and no others: state is plaintext to every server in the room. */
const stateShapes: Readonly<Record<string, z.ZodType>> = {
  'm.room.name': z.object({ name: z.string() }).strict(),
  'm.room.topic': z
    .object({
      topic: z.string(),
      // The spec's form (matrix-js-sdk sends it): renderings under m.text, plain and HTML.
      'm.topic': z
        .object({
          'm.text': z.array(z.object({ body: z.string(), mimetype: z.string().optional() }).strict()),
        })
        .strict()
        .optional(),
    })
    .strict(),
  'm.room.avatar': z
    .object({ url: z.string().optional(), info: z.record(z.string(), z.unknown()).optional() })
    .strict(),
  'm.room.pinned_events': z.object({ pinned: z.array(z.string()) }).strict(),
  'm.room.power_levels': z
    .object({
      ban: level.optional(),
      events: z.record(z.string(), level).optional(),
      events_default: level.optional(),
      invite: level.optional(),
      kick: level.optional(),
      redact: level.optional(),
      state_default: level.optional(),
      users: z.record(z.string(), level).optional(),
      users_default: level.optional(),
      notifications: z.object({ room: level.optional() }).strict().optional(),
    })
    .strict(),
  'm.room.canonical_alias': z
    .object({ alias: nullableString, alt_aliases: z.array(z.string()).optional() })
    .strict(),
  'm.room.join_rules': z
    .object({
      join_rule: z.string(),
      // Only meaningful for restricted rooms, which Bleep refuses; an empty list is what clients send.
      allow: z.array(z.object({ type: z.string(), room_id: z.string().optional() }).strict()).optional(),
    })
    .strict(),
  'm.room.guest_access': z.object({ guest_access: z.string() }).strict(),
  'm.room.history_visibility': z.object({ history_visibility: z.string() }).strict(),
  'm.room.encryption': z
    .object({
      algorithm: z.string(),
      rotation_period_ms: z.number().int().optional(),
      rotation_period_msgs: z.number().int().optional(),
    })
    .strict(),
  'm.room.retention': z.object({ max_lifetime: z.number().int() }).strict(),
  'm.room.member': z
    .object({
      membership: z.string(),
      displayname: nullableString,
      avatar_url: nullableString,
      reason: z.string().optional(),
      is_direct: z.boolean().optional(),
    })
    .strict(),
};

/** What is wrong with this state event for a Bleep room; undefined when nothing is. */
export function stateProblem(
  eventType: string,
  content: unknown,
  stateKey: string,
  identity: Identity | undefined,
  policy: TrustPolicy,
): string | undefined {
  if (!isRecord(content)) return `${eventType} content must be a JSON object`;
  if (stateShapes[eventType]?.safeParse(content).success === false) {
    return `${eventType} has fields the Matrix spec does not give it (room state is not encrypted)`;
  }
  const check = stateChecks[eventType];
  if (check) return check(content, stateKey, identity, policy);
  return policy.encryption.plaintextEventTypes.includes(eventType)
    ? undefined
    : `room state of type ${eventType} is not used by Bleep (room state is not encrypted)`;
}

/** createRoom fields in the client-server API; anything else is refused rather than passed on unread. */
const createRoomFields = new Set([
  'name',
  'topic',
  'preset',
  'visibility',
  'invite',
  'invite_3pid',
  'is_direct',
  'initial_state',
  'creation_content',
  'room_version',
  'power_level_content_override',
]);

/** creation_content is copied into m.room.create, plaintext forever: only whether the room federates. */
const creationContentFields = new Set(['m.federate']);

function refuse(message: string): RuleVerdict {
  return { outcome: 'refuse', error: policyRefusal('room-shape', `This trust's policy says ${message}`) };
}

function createRoomProblem(body: Record<string, unknown>, policy: TrustPolicy): string | undefined {
  // An alias (#ward12-bed4) is plaintext on every server in the room, and Bleep's rooms are found by invitation.
  // Synapse refuses it too (alias_creation_rules), but only after it has made the room: refused here, no room.
  if (body.room_alias_name !== undefined) return 'rooms have no alias: people join by invitation';
  const unknownField = Object.keys(body).find((field) => !createRoomFields.has(field));
  if (unknownField !== undefined) return `a new room cannot have the field "${unknownField}"`;
  if (body.creation_content !== undefined) {
    if (!isRecord(body.creation_content)) return 'creation_content must be a JSON object';
    const unknown = Object.keys(body.creation_content).find((field) => !creationContentFields.has(field));
    if (unknown !== undefined) return `a new room cannot have "${unknown}" in its creation content`;
  }
  if (body.initial_state === undefined) return undefined;
  if (!Array.isArray(body.initial_state)) return 'initial_state must be a list of state events';
  for (const event of body.initial_state) {
    if (!isRecord(event) || typeof event.type !== 'string') return 'every initial state event needs a type';
    const stateKey = event.state_key ?? '';
    if (typeof stateKey !== 'string') return 'a state key must be a string';
    // No member state at creation: who is in the room is the invite list.
    const problem = stateProblem(event.type, event.content, stateKey, undefined, policy);
    if (problem) return problem;
  }
  return undefined;
}

/** The state event to add when the client's initial state has none of this type (its own was checked above). */
function missingState(initialState: readonly unknown[], type: string, content: object): object[] {
  const present = initialState.some((event) => isRecord(event) && event.type === type);
  return present ? [] : [{ type, state_key: '', content }];
}

export const roomShape: PolicyRule = {
  name: 'room-shape',
  check({ route, method, params, body, identity }, { policy }) {
    if (route.name === 'createRoom') {
      const fields = isRecord(body) ? body : {};
      const problem = createRoomProblem(fields, policy);
      if (problem) return refuse(problem);
      // Private whatever the client asked for: a public preset would make the room joinable by anyone.
      // trusted_private_chat (direct messages) is private too; anything else becomes private_chat.
      const preset = fields.preset === 'trusted_private_chat' ? fields.preset : 'private_chat';
      // Synapse's private presets still set guest access to can_join: closed from the first event instead.
      const initialState: unknown[] = Array.isArray(fields.initial_state) ? fields.initial_state : [];
      const withDefaults = [
        ...initialState,
        ...missingState(initialState, 'm.room.guest_access', { guest_access: 'forbidden' }),
        ...missingState(initialState, 'm.room.retention', roomRetention(policy)),
      ];
      return {
        outcome: 'rewrite',
        body: { ...fields, preset, visibility: 'private', initial_state: withDefaults },
      };
    }
    if (route.name === 'stateEvent' && isWrite(method)) {
      const problem = stateProblem(params.eventType ?? '', body, params.stateKey ?? '', identity, policy);
      return problem ? refuse(problem) : allow;
    }
    return allow;
  },
};
