// Rule: what Synapse keeps in plaintext has only the fields the Matrix spec gives it. A reaction is a key on an
// event, a redaction a reason, a profile a name; a client (or an attacker with a clinician's token) that adds a
// "body" to any of them would have Synapse keep free text beside the encrypted messages, readable on every server
// in the room. Encrypted events may carry only Megolm's fields and the relation the spec leaves in the clear.
// (Room state shapes are rules/roomShape.ts, account data shapes rules/accountDataTypes.ts.)
import { z } from 'zod';
import { policyRefusal } from '../matrixError.ts';
import type { ClientRouteName } from '../routes/clientRoutes.ts';
import { allow, isWrite, type PolicyRule, type RuleRequest } from './rule.ts';

/** The relation an encrypted event leaves in the clear (threads, replies, edits' targets). */
const clearRelation = z
  .object({
    rel_type: z.string().optional(),
    event_id: z.string().optional(),
    'm.in_reply_to': z.object({ event_id: z.string() }).strict().optional(),
    is_falling_back: z.boolean().optional(),
  })
  .strict();

const megolmEvent = z
  .object({
    algorithm: z.string(),
    ciphertext: z.string(),
    session_id: z.string(),
    sender_key: z.string().optional(),
    device_id: z.string().optional(),
    'm.relates_to': clearRelation.optional(),
  })
  .strict();

const reaction = z
  .object({
    'm.relates_to': z
      .object({ rel_type: z.literal('m.annotation'), event_id: z.string(), key: z.string() })
      .strict(),
  })
  .strict();

const redaction = z.object({ redacts: z.string().optional(), reason: z.string().optional() }).strict();

/** Event content by type, for the event types a room's messages may have. */
const eventShapes: Readonly<Record<string, z.ZodType>> = {
  'm.room.encrypted': megolmEvent,
  'm.reaction': reaction,
  'm.room.redaction': redaction,
};

/** Request bodies by route, for the routes whose body Synapse keeps as it is. */
const bodyShapes: Partial<
  Readonly<Record<ClientRouteName, (request: RuleRequest) => z.ZodType | undefined>>
> = {
  sendEvent: ({ params }) => eventShapes[params.eventType ?? ''],
  redact: () => z.object({ reason: z.string().optional() }).strict(),
  profileField: ({ route }) =>
    route.template.source.endsWith('/displayname')
      ? z.object({ displayname: z.string().nullable() }).strict()
      : z.object({ avatar_url: z.string().nullable() }).strict(),
  presence: () =>
    z
      .object({
        presence: z.enum(['online', 'offline', 'unavailable']),
        status_msg: z.string().nullable().optional(),
      })
      .strict(),
  device: () => z.object({ display_name: z.string().optional(), auth: z.unknown().optional() }).strict(),
};

export const plaintextShapes: PolicyRule = {
  name: 'plaintext-shapes',
  check(request) {
    if (!isWrite(request.method)) return allow;
    const shape = bodyShapes[request.route.name]?.(request);
    // A route or event type without a listed shape is decided by the other rules (e2eeOnly refuses plaintext).
    if (!shape || shape.safeParse(request.body ?? {}).success) return allow;
    return {
      outcome: 'refuse',
      error: policyRefusal(
        'plaintext-shapes',
        'This request carries fields the Matrix spec does not give it, which the server would keep unencrypted',
      ),
    };
  },
};
