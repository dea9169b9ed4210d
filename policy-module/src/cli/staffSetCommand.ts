// bleep-policy staff set: adds a clinician to the trust's staff directory, or replaces their entry, so colleagues
// find them by name, role and department when they start a conversation.
import { exitCodes, parseCommandOptions, requiredOption, type CliCommand } from './cliCommand.ts';
import { openAuditLog } from './openAuditLog.ts';
import { openStaffDirectory } from './openStaffDirectory.ts';

export const staffSetCommand: CliCommand = {
  summary: "Add or update a clinician in the trust's staff directory (name, role, department)",
  usage: '--user-id @LOCALPART:SERVER --display-name TEXT --role TEXT --department TEXT [--by NAME]',
  async run(args, context) {
    const options = parseCommandOptions(args, {
      'user-id': { type: 'string' },
      'display-name': { type: 'string' },
      role: { type: 'string' },
      department: { type: 'string' },
      by: { type: 'string' },
    });
    const member = {
      userId: requiredOption(options['user-id'], 'user-id'),
      displayName: requiredOption(options['display-name'], 'display-name'),
      role: requiredOption(options.role, 'role'),
      department: requiredOption(options.department, 'department'),
    };
    const by = options.by ?? context.operator;
    const directory = await openStaffDirectory(context);
    const result = await directory.set(member, by);
    if (!result.ok) {
      context.printError(`${member.userId}: ${result.problem.field}: ${result.problem.message}`);
      return exitCodes.failed;
    }
    await (
      await openAuditLog(context)
    ).record({
      actor: by,
      device: null,
      action: 'staff:set',
      room: null,
      result: 'ok',
      detail: { userId: member.userId, created: result.created },
    });
    context.print(`${member.userId} ${result.created ? 'added to' : 'updated in'} the staff directory.`);
    return exitCodes.ok;
  },
};
