// Rule: a desktop keeps message content at most the policy's clientDays, and the server checks it rather than
// trusting the desktop. Each enrolled desktop reports, at least every expiryReportHours, the send time of the
// oldest message its archive holds and when it last swept (POST /_bleep/expiry-report). A report is read exactly
// or refused: a field missing, one more, or a value that is no time at all is a client that does not speak the
// contract, and must hear so rather than be taken to have nothing old. A report that shows content older than
// clientDays signs the desktop out at once (the client wipes itself when signed out).
import { z } from 'zod';
import type { ExpiryReport } from '../../expiry/expiryReportStore.ts';
import { policyRefusal, type MatrixError } from '../matrixError.ts';

export const clientExpiryRule = 'client-expiry';

/** 9999-12-31T23:59:59.999Z: the last time the audit trail (and ISO 8601 without a sign) can write. */
const latestTimestampMs = 253_402_300_799_999;

const msSinceEpoch = z.number().int().min(0).max(latestTimestampMs);

export const expiryReportBodySchema = z
  .object({
    /** ms since the epoch; null when the archive is empty. */
    oldest_ts: msSinceEpoch.nullable(),
    /** ms since the epoch. */
    swept_at: msSinceEpoch,
  })
  .strict();

/** The report a body carries, or the refusal that names what is wrong with it. */
export function readExpiryReport(
  body: unknown,
): Readonly<{ ok: true; report: ExpiryReport }> | Readonly<{ ok: false; error: MatrixError }> {
  const parsed = expiryReportBodySchema.safeParse(body);
  if (parsed.success) {
    const { oldest_ts: oldest, swept_at: swept } = parsed.data;
    return {
      ok: true,
      report: { oldestTs: oldest === null ? null : new Date(oldest), sweptAt: new Date(swept) },
    };
  }
  const issue = parsed.error.issues[0];
  const field = issue?.path.join('.') ?? '';
  // The shape is wrong (not an object, a field missing or unknown, a string for a number): M_BAD_JSON. A number
  // that is no time in milliseconds (a fraction, negative, past year 9999): M_INVALID_PARAM.
  const shapeWrong =
    issue === undefined ||
    issue.code === 'unrecognized_keys' ||
    (issue.code === 'invalid_type' && issue.expected !== 'int');
  const what =
    issue?.code === 'unrecognized_keys'
      ? `it has fields the report does not have (${issue.keys.join(', ')})`
      : field === ''
        ? 'it is not a JSON object'
        : `${field} ${shapeWrong ? 'is missing or not a number' : 'is not a time in milliseconds since 1970'}`;
  return {
    ok: false,
    error: policyRefusal(
      clientExpiryRule,
      `This expiry report cannot be read: ${what}. Send {"oldest_ts": <ms since 1970, or null when the archive is empty>, "swept_at": <ms since 1970>}`,
      400,
      shapeWrong ? 'M_BAD_JSON' : 'M_INVALID_PARAM',
    ),
  };
}
