// bleep-policy list-devices: every enrolment with its state and last login. Codes and credentials are never
// shown: the store does not have them.
import type { DeviceEnrolmentSummary } from '../enrolment/enrolmentStore.ts';
import { exitCodes, parseCommandOptions, type CliCommand } from './cliCommand.ts';
import { formatUtcTime } from './formatUtcTime.ts';
import { openEnrolmentStore } from './openEnrolmentStore.ts';

const headings = ['DEVICE ID', 'LABEL', 'STATE', 'ENROLLED AT', 'LAST LOGIN'];

function rowOf(enrolment: DeviceEnrolmentSummary): string[] {
  return [
    enrolment.deviceId,
    enrolment.label ?? '-',
    enrolment.state,
    formatUtcTime(enrolment.enrolledAt),
    formatUtcTime(enrolment.lastLoginAt),
  ];
}

export const listDevicesCommand: CliCommand = {
  summary: 'List enrolled devices: ID, label, state, enrolled at, last login',
  usage: '',
  async run(args, context) {
    parseCommandOptions(args, {});
    const store = await openEnrolmentStore(context);
    const enrolments = await store.list();
    if (enrolments.length === 0) {
      context.print('No devices are enrolled.');
      return exitCodes.ok;
    }
    const rows = [headings, ...enrolments.map(rowOf)];
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
