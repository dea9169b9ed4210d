// How one trust's Synapse runs: under chroot in the sid root, as that root's unprivileged matrix-synapse user.
import { readFile } from 'node:fs/promises';
import { startDetached, type StartedProcess } from './ownedProcess.ts';
import { StepError } from './progress.ts';

export type SynapseUser = Readonly<{ uid: number; gid: number }>;

/** The matrix-synapse user as the sid root's own /etc/passwd defines it. */
export async function synapseUserIn(sidRoot: string): Promise<SynapseUser> {
  const passwd = await readFile(`${sidRoot}/etc/passwd`, 'utf8');
  const line = passwd.split('\n').find((entry) => entry.startsWith('matrix-synapse:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (!uid || !gid) throw new StepError(`no matrix-synapse user in ${sidRoot}/etc/passwd`);
  return { uid: Number(uid), gid: Number(gid) };
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
