// The bleep-policy dispatcher: finds the subcommand named on the command line, runs it, and turns its typed
// errors into a message and an exit code. Subcommands of one or two words ("audit verify") are one line each.
import { CliConfigError, CliUsageError, exitCodes, type CliCommand, type CliContext } from './cliCommand.ts';
import { auditExportCommand } from './auditExportCommand.ts';
import { auditVerifyCommand } from './auditVerifyCommand.ts';
import { directoryKeygenCommand } from './directoryKeygenCommand.ts';
import { directoryShowCommand } from './directoryShowCommand.ts';
import { directorySignCommand } from './directorySignCommand.ts';
import { directoryVerifyCommand } from './directoryVerifyCommand.ts';
import { enrolDeviceCommand } from './enrolDeviceCommand.ts';
import { identityResetCommand } from './identityResetCommand.ts';
import { listDevicesCommand } from './listDevicesCommand.ts';
import { migrateCommand } from './migrateCommand.ts';
import { revokeDeviceCommand } from './revokeDeviceCommand.ts';
import { staffImportCommand } from './staffImportCommand.ts';
import { staffListCommand } from './staffListCommand.ts';
import { staffRemoveCommand } from './staffRemoveCommand.ts';
import { staffSetCommand } from './staffSetCommand.ts';

export type CliCommands = Readonly<Record<string, CliCommand>>;

export const bleepPolicyCommands: CliCommands = {
  'enrol-device': enrolDeviceCommand,
  'revoke-device': revokeDeviceCommand,
  'list-devices': listDevicesCommand,
  'identity reset': identityResetCommand,
  'staff set': staffSetCommand,
  'staff remove': staffRemoveCommand,
  'staff list': staffListCommand,
  'staff import': staffImportCommand,
  'audit verify': auditVerifyCommand,
  'audit export': auditExportCommand,
  migrate: migrateCommand,
  'directory keygen': directoryKeygenCommand,
  'directory sign': directorySignCommand,
  'directory verify': directoryVerifyCommand,
  'directory show': directoryShowCommand,
};

function usage(commands: CliCommands): string {
  const width = Math.max(...Object.keys(commands).map((name) => name.length));
  const lines = Object.entries(commands).map(
    ([name, command]) => `  ${name.padEnd(width)}  ${command.summary}`,
  );
  return [
    'usage: bleep-policy <command> [options]   (bleep-policy <command> --help for its options)',
    '',
    ...lines,
    '',
    "Environment: BLEEP_DATABASE_URL, the trust's PostgreSQL database for Bleep's own tables (the directory",
    "commands are the directory authority's and need no database).",
    `Exit codes: ${exitCodes.ok} done, ${exitCodes.failed} refused or partly failed, ${exitCodes.usage} usage, ${exitCodes.config} configuration.`,
  ].join('\n');
}

/** The command named by the first one or two words, preferring the longer name. */
function findCommand(
  argv: readonly string[],
  commands: CliCommands,
): { name: string; command: CliCommand; args: readonly string[] } | undefined {
  for (const words of [2, 1]) {
    const name = argv.slice(0, words).join(' ');
    const command = argv.length >= words ? commands[name] : undefined;
    if (command) return { name, command, args: argv.slice(words) };
  }
  return undefined;
}

/** Error text without secrets: pg and fetch messages name hosts and codes, never passwords or tokens. */
function describeError(error: unknown): string {
  if (error instanceof AggregateError && error.message === '') {
    return error.errors.map(describeError).join('; ');
  }
  if (error instanceof Error) {
    return error.message || ((error as NodeJS.ErrnoException).code ?? error.name);
  }
  return String(error);
}

export async function runCli(
  argv: readonly string[],
  context: CliContext,
  commands: CliCommands = bleepPolicyCommands,
): Promise<number> {
  const first = argv[0];
  if (first === undefined) {
    context.printError(usage(commands));
    return exitCodes.usage;
  }
  if (first === 'help' || first === '--help' || first === '-h') {
    context.print(usage(commands));
    return exitCodes.ok;
  }
  const found = findCommand(argv, commands);
  if (!found) {
    context.printError(`bleep-policy: unknown command "${first}"\n\n${usage(commands)}`);
    return exitCodes.usage;
  }
  const { name, command, args } = found;
  if (args.includes('--help') || args.includes('-h')) {
    context.print(`usage: bleep-policy ${name} ${command.usage}`.trimEnd());
    context.print(command.summary);
    return exitCodes.ok;
  }
  try {
    return await command.run(args, context);
  } catch (error) {
    if (error instanceof CliUsageError) {
      context.printError(`bleep-policy ${name}: ${error.message}`);
      context.printError(`usage: bleep-policy ${name} ${command.usage}`.trimEnd());
      return exitCodes.usage;
    }
    if (error instanceof CliConfigError) {
      context.printError(`bleep-policy ${name}: ${error.message}`);
      return exitCodes.config;
    }
    context.printError(`bleep-policy ${name} failed: ${describeError(error)}`);
    return exitCodes.failed;
  }
}
