// bleep-policy directory show: lists the trusts a directory file vouches for, and its issue date and expiry. Only
// a directory that verifies is shown: an unverified list of partner servers is exactly what an attacker would
// like an operator to read and act on.
import { exitCodes, type CliCommand } from './cliCommand.ts';
import { formatUtcTime } from './formatUtcTime.ts';
import { verifiedDirectoryFromOptions } from './verifiedDirectoryFile.ts';

export const directoryShowCommand: CliCommand = {
  summary: 'List the trusts a verified trust directory vouches for, with its expiry',
  usage: '--directory PATH --public-key PATH',
  async run(args, context) {
    const verified = await verifiedDirectoryFromOptions('directory show', args, context);
    if (!verified) return exitCodes.failed;
    const { document, keyId } = verified;
    const rows = document.trusts.map((trust) => [trust.odsCode, trust.serverName, trust.name]);
    const header = ['ODS', 'SERVER NAME', 'NAME'];
    const widths = header.map((title, column) =>
      Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)),
    );
    const line = (cells: readonly string[]) =>
      cells
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join('  ')
        .trimEnd();
    context.print(line(header));
    for (const row of rows) context.print(line(row));
    context.print('');
    context.print(`Signed by key ${keyId}`);
    context.print(`Issued  ${formatUtcTime(new Date(document.issuedAt))}`);
    context.print(`Expires ${formatUtcTime(new Date(document.expiresAt))}`);
    return exitCodes.ok;
  },
};
