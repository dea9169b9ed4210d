// Installs the few Debian packages the runner needs on the host (bookworm's own; never sid packages).
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { runLogged, StepError } from './progress.ts';

async function onPath(command: string): Promise<boolean> {
  const dirs = (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/sbin']);
  for (const dir of dirs) {
    try {
      await access(join(dir, command));
      return true;
    } catch {
      // not in this directory; try the next
    }
  }
  return false;
}

/** `needs` maps a command to the Debian package that provides it. */
export async function ensureHostPackages(
  needs: Readonly<Record<string, string>>,
  logPath: string,
): Promise<string[]> {
  const missing: string[] = [];
  for (const [command, pkg] of Object.entries(needs)) {
    if (!(await onPath(command))) missing.push(pkg);
  }
  if (missing.length === 0) return [];
  if (process.getuid?.() !== 0) {
    throw new StepError(
      `missing Debian packages (${missing.join(', ')}); run as root so they can be installed`,
    );
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await runLogged('apt-get', ['update'], logPath, { env });
  await runLogged('apt-get', ['install', '-y', '--no-install-recommends', ...missing], logPath, { env });
  return missing;
}
