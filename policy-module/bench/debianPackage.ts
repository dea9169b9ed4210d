// The bench's tools come from Debian (nginx for the baseline, wrk for load), installed on first use.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** Installs `debianPackage` with apt when `binary` does not run with `versionFlag`. */
export async function ensureDebianPackage(
  binary: string,
  versionFlag: string,
  debianPackage: string,
): Promise<void> {
  try {
    await execFileAsync(binary, [versionFlag]);
    return;
  } catch (error) {
    // wrk prints its version and exits 1: it is there.
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return;
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await execFileAsync('apt-get', ['update'], { env });
  await execFileAsync('apt-get', ['install', '-y', '--no-install-recommends', debianPackage], { env });
}
