// bleep-policy revoke-device: stops a device's credential working and signs everyone out of it on Synapse.
import { revokeDevice } from '../enrolment/revokeDevice.ts';
import { signOutDevice, type UserSignOut } from '../enrolment/signOutDevice.ts';
import { exitCodes, parseCommandOptions, requiredOption, type CliCommand } from './cliCommand.ts';
import { formatUtcTime } from './formatUtcTime.ts';
import { openAuditLog } from './openAuditLog.ts';
import { synapseAdminFromEnv } from './synapseAdminEnv.ts';
import { openEnrolmentStore } from './openEnrolmentStore.ts';

function describeSignOut(signOut: UserSignOut): string {
  switch (signOut.outcome) {
    case 'signed-out':
      return `  ${signOut.userId}: signed out`;
    case 'already-gone':
      return `  ${signOut.userId}: already signed out`;
    case 'failed':
      return `  ${signOut.userId}: NOT signed out (${signOut.reason})`;
  }
}

export const revokeDeviceCommand: CliCommand = {
  summary: 'Revoke a device and sign everyone out of it on Synapse at once',
  usage: '--device-id ID   (needs SYNAPSE_ADMIN_URL and SYNAPSE_ADMIN_TOKEN)',
  async run(args, context) {
    const options = parseCommandOptions(args, { 'device-id': { type: 'string' } });
    const deviceId = requiredOption(options['device-id'], 'device-id');
    // Both checked before anything is recorded, so a revocation is never left without its sign-out attempt.
    const synapse = synapseAdminFromEnv(context, "to sign the device's users out");
    const store = await openEnrolmentStore(context);
    const revocation = await revokeDevice(
      {
        store,
        signOut: (id, userIds) => signOutDevice(synapse, id, userIds),
      },
      deviceId,
    );
    const audit = await openAuditLog(context);
    if (!revocation.ok) {
      context.printError(`${deviceId}: no such device is enrolled (${revocation.code})`);
      return exitCodes.failed;
    }
    const failedUsers = revocation.signOuts.filter((signOut) => signOut.outcome === 'failed').length;
    await audit.record({
      actor: context.operator,
      device: deviceId,
      action: 'revoke-device',
      room: null,
      result: failedUsers === 0 ? 'ok' : `revoked; ${failedUsers} sign-outs failed`,
      detail: { usersSignedOut: revocation.signOuts.length - failedUsers },
    });
    context.print(
      `${deviceId} is revoked since ${formatUtcTime(revocation.revokedAt)}: its credential no longer signs anyone in.`,
    );
    if (revocation.signOuts.length === 0) {
      context.print('Nobody has signed in on it, so there is nobody to sign out.');
      return exitCodes.ok;
    }
    context.print('Sessions on Synapse:');
    for (const signOut of revocation.signOuts) context.print(describeSignOut(signOut));
    const failed = revocation.signOuts.filter((signOut) => signOut.outcome === 'failed').length;
    if (failed === 0) return exitCodes.ok;
    context.printError(
      `${failed} ${failed === 1 ? 'user is' : 'users are'} still signed in on ${deviceId}: the revocation is recorded, ` +
        'but their sessions work until signed out. Run this command again to retry.',
    );
    return exitCodes.failed;
  },
};
