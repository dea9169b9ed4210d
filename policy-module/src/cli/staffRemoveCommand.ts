// bleep-policy staff remove: takes a clinician out of the trust's staff directory (they left, or moved trust).
// Their account and sign-ins are Synapse's and trust IT's other commands'; this only stops colleagues finding them.
import { exitCodes, parseCommandOptions, requiredOption, type CliCommand } from './cliCommand.ts';
import { openAuditLog } from './openAuditLog.ts';
import { openStaffDirectory } from './openStaffDirectory.ts';

export const staffRemoveCommand: CliCommand = {
  summary: "Remove a clinician from the trust's staff directory",
  usage: '--user-id @LOCALPART:SERVER [--by NAME]',
  async run(args, context) {
    const options = parseCommandOptions(args, { 'user-id': { type: 'string' }, by: { type: 'string' } });
    const userId = requiredOption(options['user-id'], 'user-id');
    const by = options.by ?? context.operator;
    const removed = await (await openStaffDirectory(context)).remove(userId);
    if (!removed) {
      context.printError(`${userId} is not in the staff directory.`);
      return exitCodes.failed;
    }
    await (
      await openAuditLog(context)
    ).record({
      actor: by,
      device: null,
      action: 'staff:remove',
      room: null,
      result: 'ok',
      detail: { userId },
    });
    context.print(`${userId} removed from the staff directory.`);
    return exitCodes.ok;
  },
};
