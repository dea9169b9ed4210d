// The staff directory for a CLI command, on the trust's Bleep database (made by `bleep-policy migrate`).
import { requireTables, staffTables } from '../database/bleepSchema.ts';
import {
  createStaffDirectoryStore,
  type StaffDirectoryStore,
} from '../staffDirectory/staffDirectoryStore.ts';
import type { CliContext } from './cliCommand.ts';

export async function openStaffDirectory(context: CliContext): Promise<StaffDirectoryStore> {
  const pool = context.database();
  await requireTables(pool, staffTables);
  return createStaffDirectoryStore({ pool, clock: context.clock });
}
