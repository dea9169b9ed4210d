// bleep-policy staff import: adds or updates many staff directory entries from a file (an HR export turned into
// JSON, or the local stack's seed staff), in one transaction: a file with one bad entry changes nothing.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { exitCodes, parseCommandOptions, requiredOption, type CliCommand } from './cliCommand.ts';
import { openAuditLog } from './openAuditLog.ts';
import { openStaffDirectory } from './openStaffDirectory.ts';

const staffFileSchema = z
  .object({
    staff: z.array(
      z
        .object({
          userId: z.string(),
          displayName: z.string(),
          role: z.string(),
          department: z.string(),
        })
        .strict(),
    ),
  })
  .strict();

export const staffImportCommand: CliCommand = {
  summary: 'Add or update staff directory entries from a JSON file, all or none',
  usage:
    '--file PATH [--by NAME]   (the file: {"staff": [{"userId", "displayName", "role", "department"}, ...]})',
  async run(args, context) {
    const options = parseCommandOptions(args, { file: { type: 'string' }, by: { type: 'string' } });
    const path = requiredOption(options.file, 'file');
    const by = options.by ?? context.operator;
    let parsed: z.infer<typeof staffFileSchema>;
    try {
      parsed = staffFileSchema.parse(JSON.parse(await readFile(path, 'utf8')));
    } catch (error) {
      const where =
        error instanceof z.ZodError
          ? error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')
          : (error as Error).message;
      context.printError(`${path}: not a staff file (${where})`);
      return exitCodes.failed;
    }
    const result = await (await openStaffDirectory(context)).setAll(parsed.staff, by);
    if (!result.ok) {
      context.printError(
        `${path}: staff[${String(result.index)}].${result.problem.field}: ${result.problem.message}; nothing was imported`,
      );
      return exitCodes.failed;
    }
    await (
      await openAuditLog(context)
    ).record({
      actor: by,
      device: null,
      action: 'staff:import',
      room: null,
      result: 'ok',
      detail: { count: result.count },
    });
    context.print(`${String(result.count)} staff directory entries added or updated.`);
    return exitCodes.ok;
  },
};
