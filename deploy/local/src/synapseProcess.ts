// How one trust's Synapse runs: under chroot in the sid root, as the host's unprivileged bleep-synapse user. Not
// as the sid root's own matrix-synapse user: its uid is allocated inside the root and can belong to an unrelated
// host user (messagebus, say), who would then own Synapse's keys and database password.
import { readFile, writeFile } from 'node:fs/promises';
import { startDetached, type StartedProcess } from './ownedProcess.ts';
import { StepError } from './progress.ts';
import { ensureSystemUser } from './systemUser.ts';

export type SynapseUser = Readonly<{ uid: number; gid: number }>;

export const synapseUserName = 'bleep-synapse';

/**
 * An /etc/passwd or /etc/group text with `name` holding `id` (the entry `line`): the same text when it already does,
 * without any stale entry for that name. Throws when another name holds the id.
 */
export function withIdEntry(text: string, name: string, id: number, line: string): string {
  const entries = text.split('\n').filter((entry) => entry !== '');
  const holder = entries.find((entry) => Number(entry.split(':')[2]) === id);
  const holderName = holder?.split(':')[0];
  if (holderName === name) return text;
  if (holder !== undefined) throw new Error(`id ${id} belongs to "${holderName ?? ''}"`);
  // An entry left from an earlier host user of that name (since deleted and made again) goes.
  return `${[...entries.filter((entry) => !entry.startsWith(`${name}:`)), line].join('\n')}\n`;
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
    const text = await readFile(path, 'utf8');
    let updated: string;
    try {
      updated = withIdEntry(text, user.name, id, line);
    } catch (error) {
      throw new StepError(
        `the host's ${user.name} has id ${id}, which in ${path} ${(error as Error).message}: remove the sid root to rebuild it`,
        logPath,
      );
    }
    if (updated !== text) await writeFile(path, updated);
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
