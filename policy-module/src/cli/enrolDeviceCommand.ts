// bleep-policy enrol-device: issues the one-time code a trust desktop redeems to become enrolled.
import { defaultCodeLifetimeHours } from '../enrolment/enrolmentStore.ts';
import {
  CliUsageError,
  exitCodes,
  parseCommandOptions,
  requiredOption,
  type CliCommand,
} from './cliCommand.ts';
import { formatUtcTime } from './formatUtcTime.ts';
import { openAuditLog } from './openAuditLog.ts';
import { openEnrolmentStore } from './openEnrolmentStore.ts';

// A month at most: a code is a key to the trust's network lying in someone's inbox.
const maxCodeLifetimeHours = 24 * 30;

export const enrolDeviceCommand: CliCommand = {
  summary: 'Issue a one-time enrolment code for a trust desktop (or re-enrol a revoked one)',
  usage: `--device-id ID [--label TEXT] [--expires-hours HOURS (default ${defaultCodeLifetimeHours})] [--by NAME]`,
  async run(args, context) {
    const options = parseCommandOptions(args, {
      'device-id': { type: 'string' },
      label: { type: 'string' },
      'expires-hours': { type: 'string' },
      by: { type: 'string' },
    });
    const deviceId = requiredOption(options['device-id'], 'device-id');
    const hours = Number(options['expires-hours'] ?? defaultCodeLifetimeHours);
    if (!Number.isInteger(hours) || hours < 1 || hours > maxCodeLifetimeHours) {
      throw new CliUsageError(
        `--expires-hours must be a whole number of hours from 1 to ${maxCodeLifetimeHours}`,
      );
    }
    const store = await openEnrolmentStore(context, hours);
    const issued = await store.createEnrolment(deviceId, {
      label: options.label,
      createdBy: options.by ?? context.operator,
    });
    if (!issued.ok) {
      context.printError(`${deviceId}: ${issued.message} (${issued.code})`);
      if (issued.code === 'DEVICE_ALREADY_ENROLLED') {
        context.printError(
          `To replace its enrolment: bleep-policy revoke-device --device-id ${deviceId}, then enrol it again.`,
        );
      }
      return exitCodes.failed;
    }
    // The code itself is never written anywhere but the terminal.
    await (
      await openAuditLog(context)
    ).record({
      actor: options.by ?? context.operator,
      device: deviceId,
      action: 'enrol-device:code-issued',
      room: null,
      result: 'ok',
    });
    const label = options.label?.trim() ? ` (${options.label.trim()})` : '';
    context.print(`Enrolment code for ${deviceId}${label}:`);
    context.print('');
    context.print(`    ${issued.code}`);
    context.print('');
    context.print(
      `Enter it in Bleep on that computer before ${formatUtcTime(issued.expiresAt)}. It works once.`,
    );
    context.print(
      'It is not stored and cannot be shown again: if it is lost, run enrol-device again for a new one.',
    );
    return exitCodes.ok;
  },
};
