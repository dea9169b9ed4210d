// The audit trail for a CLI command, on the trust's Bleep database, with its table created if missing: trust IT's
// enrolments and revocations are audited like the gateway's decisions.
import { createAuditLog } from '../audit/auditLog.ts';
import { migrateAuditSchema } from '../audit/auditSchema.ts';
import type { AuditSink } from '../gateway/auditSink.ts';
import type { CliContext } from './cliCommand.ts';

export async function openAuditLog(context: CliContext): Promise<AuditSink> {
  const pool = context.database();
  await migrateAuditSchema(pool);
  return createAuditLog({ pool, clock: context.clock });
}
