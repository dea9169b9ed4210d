// bleep-policy audit export: the audit trail for an information-governance officer, as CSV or JSON, optionally
// for one person (a subject access request) and a time range. Rows hold no message content.
import { exportAudit } from '../audit/exportAudit.ts';
import { CliUsageError, exitCodes, parseCommandOptions, type CliCommand } from './cliCommand.ts';

function parseTime(text: string | undefined, option: string): Date | undefined {
  if (text === undefined) return undefined;
  const time = new Date(text);
  if (Number.isNaN(time.getTime()))
    throw new CliUsageError(`--${option} must be a date or time, e.g. 2026-11-01 or 2026-11-01T09:00Z`);
  return time;
}

export const auditExportCommand: CliCommand = {
  summary: 'Export the audit trail as CSV or JSON (for a subject access request or a review)',
  usage: '[--format csv|json] [--user @name:server] [--from TIME] [--to TIME]',
  async run(args, context) {
    const options = parseCommandOptions(args, {
      format: { type: 'string', default: 'csv' },
      user: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
    });
    if (options.format !== 'csv' && options.format !== 'json')
      throw new CliUsageError('--format must be csv or json');
    const from = parseTime(options.from, 'from');
    const to = parseTime(options.to, 'to');
    const text = await exportAudit(context.database(), options.format, {
      ...(from ? { from } : {}),
      ...(to ? { to } : {}),
      ...(options.user ? { actor: options.user } : {}),
    });
    context.print(text.trimEnd());
    return exitCodes.ok;
  },
};
