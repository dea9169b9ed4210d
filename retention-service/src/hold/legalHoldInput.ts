// What an information-governance officer may type when placing or releasing a legal hold, read once by zod: a
// Matrix room or user id as the spec spells them, a reason and a reference in plain text of bounded length, a hold
// id. Anything else is a HoldInputError naming the field, never a crash and never a half-placed hold.
import { containsNhsNumber } from '@bleep/policy-module';
import { z } from 'zod';

/** A server name as ids spell it: a host name, an IPv4 address or a bracketed IPv6 literal, and an optional port. */
export const serverName = '([A-Za-z0-9.-]+|\\[[0-9A-Fa-f:.]+\\])(:\\d{1,5})?';

/**
 * A room id: `!opaque:server`, server a host name or IP literal with an optional port (Matrix spec, appendices); from
 * room version 12 a room id is `!` and a hash, with no server.
 */
export const roomIdSchema = z
  .string()
  .max(255, 'a room id is at most 255 characters')
  .regex(
    new RegExp(`^![\\x21-\\x39\\x3b-\\x7e]+(:${serverName})?$`),
    "a room id looks like '!opaque:server.example' (or, from room version 12, '!opaque')",
  );

/** A user id: `@localpart:server`, localpart from the spec's historical character set. */
export const userIdSchema = z
  .string()
  .max(255, 'a user id is at most 255 characters')
  .regex(
    new RegExp(`^@[\\x21-\\x39\\x3b-\\x7e]+:${serverName}$`),
    "a user id looks like '@name:server.example'",
  );

// Free text that goes into the audit trail and the report (and a CSV an officer opens in a spreadsheet): printable
// characters only, so no control character can rewrite a terminal line or split a record; and never an NHS number
// (the gateway's own detector), since the trail and the report must not name a patient: a matter is named by its
// reference.
const plainText = (what: string, max: number) =>
  z
    .string()
    .trim()
    .min(1, `${what} is required`)
    .max(max, `${what} is at most ${max} characters`)
    .refine((value) => !/\p{Cc}/u.test(value), `${what} may not hold control characters (tabs, new lines)`)
    .refine(
      (value) => !containsNhsNumber(value),
      `${what} may not hold an NHS number: name the matter by its reference, never the patient`,
    );

export const holdReasonSchema = plainText('the reason', 500);
export const holdReferenceSchema = plainText('the reference', 200);
export const operatorSchema = plainText('the officer', 200);

export const holdIdSchema = z.coerce
  .number({ error: 'a hold id is a whole number' })
  .int('a hold id is a whole number')
  .positive('a hold id is a whole number above 0');

export const placeHoldSchema = z.object({
  subject: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('room'), id: roomIdSchema }),
    z.object({ kind: z.literal('user'), id: userIdSchema }),
  ]),
  reason: holdReasonSchema,
  reference: holdReferenceSchema,
  by: operatorSchema,
});

export type PlaceHold = z.infer<typeof placeHoldSchema>;

export const releaseHoldSchema = z.object({
  id: holdIdSchema,
  reason: holdReasonSchema,
  by: operatorSchema,
});

export type ReleaseHold = z.infer<typeof releaseHoldSchema>;

export type HoldErrorCode =
  | 'HOLD_BAD_INPUT'
  | 'HOLD_UNKNOWN_ROOM'
  | 'HOLD_EXISTS'
  | 'HOLD_NOT_FOUND'
  | 'HOLD_ALREADY_RELEASED'
  | 'ROOM_UNDER_HOLD';

/** A hold command refused, with a message an officer can act on. */
export class HoldError extends Error {
  override readonly name = 'HoldError';
  readonly code: HoldErrorCode;

  constructor(code: HoldErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

/** Parses with `schema`, or throws a HoldError naming each bad field. */
export function parseHoldInput<T>(schema: z.ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) =>
    issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message,
  );
  throw new HoldError('HOLD_BAD_INPUT', problems.join('; '));
}
