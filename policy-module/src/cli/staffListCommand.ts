// bleep-policy staff list: the trust's staff directory, one clinician a line (or --json for scripts).
import { exitCodes, parseCommandOptions, type CliCommand } from './cliCommand.ts';
import { openStaffDirectory } from './openStaffDirectory.ts';

const headings = ['USER ID', 'NAME', 'ROLE', 'DEPARTMENT'];

export const staffListCommand: CliCommand = {
  summary: "List the trust's staff directory: user id, name, role, department",
  usage: '[--json]',
  async run(args, context) {
    const options = parseCommandOptions(args, { json: { type: 'boolean' } });
    const members = await (await openStaffDirectory(context)).list();
    if (options.json) {
      context.print(JSON.stringify({ staff: members }));
      return exitCodes.ok;
    }
    if (members.length === 0) {
      context.print('The staff directory is empty.');
      return exitCodes.ok;
    }
    const rows = [
      headings,
      ...members.map((member) => [member.userId, member.displayName, member.role, member.department]),
    ];
    const widths = headings.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0)));
    for (const row of rows) {
      context.print(
        row
          .map((cell, column) => cell.padEnd(widths[column] ?? 0))
          .join('  ')
          .trimEnd(),
      );
    }
    return exitCodes.ok;
  },
};
