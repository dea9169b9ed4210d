// The enrolment store for a CLI command, on the trust's Bleep database (made by `bleep-policy migrate`).
import { enrolmentTables, requireTables } from '../database/bleepSchema.ts';
import { createEnrolmentStore, type EnrolmentStore } from '../enrolment/enrolmentStore.ts';
import type { CliContext } from './cliCommand.ts';

export async function openEnrolmentStore(
  context: CliContext,
  codeLifetimeHours?: number,
): Promise<EnrolmentStore> {
  const pool = context.database();
  await requireTables(pool, enrolmentTables);
  return createEnrolmentStore({ pool, clock: context.clock, codeLifetimeHours });
}
