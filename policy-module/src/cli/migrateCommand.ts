// bleep-policy migrate: a deploy step, run with the database owner's URL before the gateway starts. Makes or
// updates Bleep's tables and, with --grant-to, gives the gateway's role exactly the access it needs.
import { grantServiceAccess, migrateBleepSchema } from '../database/bleepSchema.ts';
import { exitCodes, parseCommandOptions, type CliCommand } from './cliCommand.ts';

export const migrateCommand: CliCommand = {
  summary:
    "Create or update Bleep's tables (as the database owner); --grant-to gives a service role its access",
  usage: '[--grant-to ROLE]',
  async run(args, context) {
    const options = parseCommandOptions(args, { 'grant-to': { type: 'string' } });
    const pool = context.database();
    await migrateBleepSchema(pool);
    context.print("Bleep's tables are up to date.");
    const role = options['grant-to'];
    if (role !== undefined) {
      await grantServiceAccess(pool, role);
      context.print(`${role} may read and append the audit trail and manage enrolments; nothing more.`);
    }
    return exitCodes.ok;
  },
};
