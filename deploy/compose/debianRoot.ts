// A Debian root directory for a local base image: debootstrap (minbase) of one suite from the host's mirror, then
// Debian packages installed inside it under chroot, as the local runner builds its Synapse root (sidRoot.ts). The
// host's own packages are never touched.
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureHostPackages } from '../local/src/hostPackages.ts';
import { runLogged } from '../local/src/progress.ts';
import { debianMirrorFrom, hostSourcesTexts } from '../local/src/sidRoot.ts';

export type DebianSuite = 'bookworm' | 'sid';

export type DebianRootRecipe = Readonly<{ suite: DebianSuite; packages: readonly string[] }>;

// The mirror's sid Release file can be past its Valid-Until date; apt would refuse it otherwise.
const aptOptions = ['-o', 'Acquire::Check-Valid-Until=false', '-o', 'APT::Install-Recommends=false'];

/** Builds `recipe` into `dir` (replacing whatever is there); its commands' output goes to `logPath`. */
export async function buildDebianRoot(dir: string, recipe: DebianRootRecipe, logPath: string): Promise<void> {
  await ensureHostPackages({ debootstrap: 'debootstrap' }, logPath);
  const mirror = debianMirrorFrom(await hostSourcesTexts()) ?? 'http://deb.debian.org/debian';
  await rm(dir, { recursive: true, force: true });
  await runLogged('debootstrap', ['--variant=minbase', recipe.suite, dir, mirror], logPath);
  // Packages must not start services inside the root while it is built.
  await writeFile(join(dir, 'usr/sbin/policy-rc.d'), '#!/bin/sh\nexit 101\n', { mode: 0o755 });
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (recipe.packages.length > 0) {
    await runLogged('chroot', [dir, 'apt-get', ...aptOptions, 'update'], logPath, { env });
    await runLogged('chroot', [dir, 'apt-get', ...aptOptions, 'install', '-y', ...recipe.packages], logPath, {
      env,
    });
  }
  await runLogged('chroot', [dir, 'apt-get', 'clean'], logPath);
  // An image has no use for the package lists; the next build that needs them runs apt-get update itself.
  await rm(join(dir, 'var/lib/apt/lists'), { recursive: true, force: true });
  await rm(join(dir, 'usr/sbin/policy-rc.d'), { force: true });
}

/** Adds a system user and its group with fixed ids (the ids the official images use, which volumes rely on). */
export async function addSystemUser(
  root: string,
  user: Readonly<{ name: string; id: number; home: string }>,
  logPath: string,
): Promise<void> {
  await runLogged('chroot', [root, 'groupadd', '--system', '--gid', String(user.id), user.name], logPath);
  await runLogged(
    'chroot',
    [
      root,
      'useradd',
      '--system',
      '--uid',
      String(user.id),
      '--gid',
      String(user.id),
      '--home-dir',
      user.home,
      '--create-home',
      '--shell',
      '/bin/sh',
      user.name,
    ],
    logPath,
  );
}
