// bleep-policy directory show: lists the trusts a directory file vouches for, and its issue date and expiry. Only
// a directory that verifies is shown: an unverified list of partner servers is exactly what an attacker would
// like an operator to read and act on.
import { exitCodes, parseCommandOptions, requiredOption, type CliCommand } from './cliCommand.ts';
import { formatUtcTime } from './formatUtcTime.ts';
import { refusalLine, verifyDirectoryFile } from './verifiedDirectoryFile.ts';

export const directoryShowCommand: CliCommand = {
  summary: 'List the trusts a verified trust directory vouches for, with its expiry',
  usage: '--directory PATH --public-key PATH',
  async run(args, context) {
    const options = parseCommandOptions(args, {
      directory: { type: 'string' },
      'public-key': { type: 'string' },
    });
    const path = requiredOption(options.directory, 'directory');
    const result = await verifyDirectoryFile(
      path,
      requiredOption(options['public-key'], 'public-key'),
      context,
    );
    if (result.outcome === 'refused') {
      context.printError(refusalLine('directory show', path, result.error));
      return exitCodes.failed;
    }
    const { document, keyId } = result;
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
