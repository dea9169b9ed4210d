// bleep-policy identity reset: trust IT replaces a clinician's signing identity (identity/identityReset.ts).
import { identityTables, requireTables } from '../database/bleepSchema.ts';
import { resetIdentity } from '../identity/identityReset.ts';
import {
  CliConfigError,
  exitCodes,
  parseCommandOptions,
  requiredOption,
  type CliCommand,
} from './cliCommand.ts';
import { formatUtcTime } from './formatUtcTime.ts';
import { openAuditLog } from './openAuditLog.ts';
import { synapseAdminFromEnv } from './synapseAdminEnv.ts';

export const identityResetCommand: CliCommand = {
  summary:
    "Reset a clinician's signing identity: the next sign-in publishes a new one, which partners are shown",
  usage: '--user-id @name:server   (needs SYNAPSE_ADMIN_URL and SYNAPSE_ADMIN_TOKEN)',
  async run(args, context) {
    const options = parseCommandOptions(args, { 'user-id': { type: 'string' } });
    const userId = requiredOption(options['user-id'], 'user-id');
    if (!/^@[^:]+:.+$/.test(userId)) throw new CliConfigError(`not a Matrix user id: ${userId}`);
    const synapse = synapseAdminFromEnv(context, 'to let the new identity replace the old one');
    const pool = context.database();
    await requireTables(pool, identityTables);
    const reset = await resetIdentity({ pool, synapse }, userId);
    const audit = await openAuditLog(context);
    await audit.record({
      actor: context.operator,
      device: null,
      action: 'identity.reset',
      room: null,
      result: reset.outcome === 'reset' ? 'ok' : `failed: ${reset.reason}`,
      detail: { clinician: userId },
    });
    if (reset.outcome === 'failed') {
      context.printError(`${userId}: not reset (${reset.reason}); the trust keeps the identity it holds.`);
      return exitCodes.failed;
    }
    context.print(
      `${userId}: the trust ${reset.heldIdentity ? 'no longer holds the old identity' : 'held no identity'}. ` +
        (reset.replaceableUntil
          ? `Their next sign-in on an enrolled desktop before ${formatUtcTime(reset.replaceableUntil)} publishes a ` +
            'new one (run this again after that time); '
          : 'Their next sign-in on an enrolled desktop publishes a new one; ') +
        'their partners are shown the change and asked to check it with them.',
    );
    return exitCodes.ok;
  },
};
