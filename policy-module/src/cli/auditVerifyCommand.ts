// bleep-policy audit verify: walks the whole audit trail and says whether every row is as it was written, listing
// every row that is not (planted outside the chain, missing, changed, or not linked to its predecessor). With
// --anchor SEQ:HASH (printed by an earlier verify and kept outside the database) it also catches the newest rows
// being deleted or the whole chain being recomputed.
import { verifyAuditChain } from '../audit/verifyAuditChain.ts';
import { CliUsageError, exitCodes, parseCommandOptions, type CliCommand } from './cliCommand.ts';

function parseAnchor(text: string | undefined): { seq: number; hash: string } | undefined {
  if (text === undefined) return undefined;
  const match = /^(\d+):([0-9a-f]{64})$/.exec(text);
  if (!match?.[1] || !match[2])
    throw new CliUsageError('--anchor must be SEQ:HASH as printed by audit verify');
  return { seq: Number(match[1]), hash: match[2] };
}

export const auditVerifyCommand: CliCommand = {
  summary: 'Check that no audit row was changed or deleted',
  usage: '[--anchor SEQ:HASH]',
  async run(args, context) {
    const options = parseCommandOptions(args, { anchor: { type: 'string' } });
    const anchor = parseAnchor(options.anchor);
    const result = await verifyAuditChain(context.database(), anchor ? { anchor } : {});
    if (!result.ok) {
      context.printError(`AUDIT TRAIL BROKEN at row ${result.seq}: ${result.problem} (${result.code})`);
      // Every finding, not only the first: one planted or deleted row must not hide a change further on.
      if (result.findingCount > 1) {
        context.printError(`${result.findingCount} findings in all:`);
        for (const finding of result.findings) {
          context.printError(`  row ${finding.seq}: ${finding.problem} (${finding.code})`);
        }
        const unlisted = result.findingCount - result.findings.length;
        if (unlisted > 0) context.printError(`  ... and ${unlisted} more`);
      }
      return exitCodes.failed;
    }
    context.print(`Audit trail intact: ${result.rows} ${result.rows === 1 ? 'row' : 'rows'}.`);
    context.print(
      `Anchor for the next check (keep it outside this database): ${result.lastSeq}:${result.lastHash}`,
    );
    return exitCodes.ok;
  },
};
