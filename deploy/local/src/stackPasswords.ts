// `passwords <trust>`: new passwords for a running trust's seed staff, through Synapse's admin API.
import { ensureAdminToken } from './adminAccount.ts';
import { loadLocalTrust } from './localTrusts.ts';
import { StepError } from './progress.ts';
import { resetStaffPasswords, type SeededAccount } from './seedStaff.ts';
import type { StackLayout } from './stackLayout.ts';
import { trustFiles } from './trustFiles.ts';
import { localLayout, requireRoot } from './localLayout.ts';
import { stackStatus } from './stackStatus.ts';

/** New passwords for a running trust's seed staff (their sessions end); for when the first ones were not seen. */
export async function stackStaffPasswords(
  name: string,
  layout: StackLayout = localLayout(),
): Promise<SeededAccount[]> {
  requireRoot();
  await loadLocalTrust(name); // an unknown name is said so, not reported as "not running"
  const status = (await stackStatus(layout)).find((entry) => entry.name === name);
  if (status?.state !== 'running')
    throw new StepError(`${name} is not running: start it with \`up ${name}\``);
  const info = status.trust;
  const adminToken = await ensureAdminToken(
    trustFiles(layout, name).bleepSecretsDir,
    info.synapseUrl,
    info.registrationSharedSecret,
  );
  return resetStaffPasswords(name, info.serverName, info.synapseUrl, adminToken);
}
