// The enrolment store for a CLI command, on the trust's Bleep database, with its tables created if missing.
import { migrateEnrolmentSchema } from '../enrolment/enrolmentSchema.ts';
import { createEnrolmentStore, type EnrolmentStore } from '../enrolment/enrolmentStore.ts';
import type { CliContext } from './cliCommand.ts';

export async function openEnrolmentStore(
  context: CliContext,
  codeLifetimeHours?: number,
): Promise<EnrolmentStore> {
  const pool = context.database();
  await migrateEnrolmentSchema(pool);
  return createEnrolmentStore({ pool, clock: context.clock, codeLifetimeHours });
}
