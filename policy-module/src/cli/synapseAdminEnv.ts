// Synapse's admin API as trust IT's commands reach it: SYNAPSE_ADMIN_URL (the internal listener) and
// SYNAPSE_ADMIN_TOKEN (an admin user's token, never printed), both checked before a command changes anything.
import type { SynapseAdminApi } from '../enrolment/signOutDevice.ts';
import { CliConfigError, requiredEnv, type CliContext } from './cliCommand.ts';

/** `tokenPurpose` completes "an access token of a Synapse admin user, ...", in the error for a missing token. */
export function synapseAdminFromEnv(context: CliContext, tokenPurpose: string): SynapseAdminApi {
  const synapseAdminUrl = requiredEnv(
    context.env,
    'SYNAPSE_ADMIN_URL',
    "Synapse's internal listener with the admin API, e.g. http://synapse:8009",
  );
  if (!URL.canParse(synapseAdminUrl)) throw new CliConfigError('SYNAPSE_ADMIN_URL is not a URL');
  const adminToken = requiredEnv(
    context.env,
    'SYNAPSE_ADMIN_TOKEN',
    `an access token of a Synapse admin user, ${tokenPurpose}`,
  );
  return { synapseAdminUrl, adminToken, fetch: context.fetch };
}
