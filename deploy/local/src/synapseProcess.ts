// How one trust's Synapse runs: under chroot in the sid root, as the host's unprivileged bleep-synapse user. Not
// as the sid root's own matrix-synapse user: its uid is allocated inside the root and can belong to an unrelated
// host user (messagebus, say), who would then own Synapse's keys and database password.
import { appendFile, readFile } from 'node:fs/promises';
import { startDetached, type StartedProcess } from './ownedProcess.ts';
import { StepError } from './progress.ts';
import { ensureSystemUser } from './systemUser.ts';

export type SynapseUser = Readonly<{ uid: number; gid: number }>;

export const synapseUserName = 'bleep-synapse';

/** `name:...` lines of an /etc/passwd or /etc/group file, as [name, id]. */
function idsIn(text: string): [string, number][] {
  return text
    .split('\n')
    .filter((line) => line.includes(':'))
    .map((line) => {
      const [name = '', , id = ''] = line.split(':');
      return [name, Number(id)];
    });
}

/**
 * The host's bleep-synapse user, made if missing, and known by the same uid and gid inside the sid root (Python
 * and Synapse look their user up there).
 */
export async function ensureSynapseUser(sidRoot: string, logPath: string): Promise<SynapseUser> {
  const user = await ensureSystemUser(synapseUserName, logPath);
  for (const [file, id, line] of [
    ['passwd', user.uid, `${user.name}:x:${user.uid}:${user.gid}::/nonexistent:/usr/sbin/nologin`],
    ['group', user.gid, `${user.name}:x:${user.gid}:`],
  ] as const) {
    const path = `${sidRoot}/etc/${file}`;
    const entries = idsIn(await readFile(path, 'utf8'));
    const holder = entries.find(([, entryId]) => entryId === id);
    if (holder?.[0] === user.name) continue;
    if (holder) {
      throw new StepError(
        `id ${id} of the host's ${user.name} belongs to "${holder[0]}" in ${path}: remove the sid root to rebuild it`,
        logPath,
      );
    }
    await appendFile(path, `${line}\n`);
  }
  return { uid: user.uid, gid: user.gid };
}

/** Command-line markers that identify this trust's Synapse among the machine's processes. */
export function synapseMarkers(chrootConfigPath: string): string[] {
  return ['synapse.app.homeserver', chrootConfigPath];
}

export function startSynapse(
  sidRoot: string,
  chrootConfigPath: string,
  user: SynapseUser,
  consoleLog: string,
): Promise<StartedProcess> {
  return startDetached({
    command: '/usr/sbin/chroot',
    args: [
      `--userspec=${user.uid}:${user.gid}`,
      sidRoot,
      '/usr/bin/python3',
      '-m',
      'synapse.app.homeserver',
      '-c',
      chrootConfigPath,
    ],
    env: { PATH: '/usr/bin:/bin', LANG: 'C.UTF-8' },
    logPath: consoleLog,
  });
}
