// The audit trail for a CLI command, on the trust's Bleep database (made by `bleep-policy migrate`): trust IT's
// enrolments and revocations are audited like the gateway's decisions.
import { createAuditLog } from '../audit/auditLog.ts';
import { auditTables, requireTables } from '../database/bleepSchema.ts';
import type { AuditSink } from '../audit/auditEntry.ts';
import type { CliContext } from './cliCommand.ts';

export async function openAuditLog(context: CliContext): Promise<AuditSink> {
  const pool = context.database();
  await requireTables(pool, auditTables);
  return createAuditLog({ pool, clock: context.clock });
}
