// Builds, once, the cached Debian sid root that runs Synapse under chroot. Synapse is not in bookworm, and
// installing sid packages on the host would replace its libc, so sid lives only inside this folder.
import { access, mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureHostPackages } from './hostPackages.ts';
import { runLogged, type Reporter } from './progress.ts';

const sidPackages = ['matrix-synapse', 'python3-psycopg2'];
/** Bump when the root's content changes, so old caches are rebuilt. */
const rootVersion = `1 ${sidPackages.join(' ')}`;
const markerName = '.bleep-root-ready';
// The mirror's sid Release file is past its Valid-Until date; apt would refuse it otherwise.
const aptOptions = ['-o', 'Acquire::Check-Valid-Until=false', '-o', 'APT::Install-Recommends=false'];

/** Picks the Debian mirror from the host's apt sources (deb822 or one-line form), skipping the security archive. */
export function debianMirrorFrom(sourcesTexts: readonly string[]): string | undefined {
  for (const text of sourcesTexts) {
    const candidates = [
      ...text.matchAll(/^\s*URIs:\s*(\S+)/gim),
      ...text.matchAll(/^\s*deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+\S+/gim),
    ].map((match) => match[1] ?? '');
    const mirror = candidates.find((uri) => /\/debian\/?$/.test(uri) && !uri.includes('security'));
    if (mirror) return mirror.replace(/\/$/, '');
  }
  return undefined;
}

/** The host's apt source files' texts, for debianMirrorFrom. */
export async function hostSourcesTexts(): Promise<string[]> {
  const texts: string[] = [];
  const files = ['/etc/apt/sources.list'];
  try {
    for (const name of await readdir('/etc/apt/sources.list.d'))
      files.push(join('/etc/apt/sources.list.d', name));
  } catch {
    // no sources.list.d: the main file is enough
  }
  for (const file of files) {
    try {
      texts.push(await readFile(file, 'utf8'));
    } catch {
      // unreadable or absent source file: skip it
    }
  }
  return texts;
}

export async function isSidRootReady(sidRoot: string): Promise<boolean> {
  try {
    return (await readFile(join(sidRoot, markerName), 'utf8')).trim() === rootVersion;
  } catch {
    return false;
  }
}

export async function ensureSidRoot(sidRoot: string, logDir: string, reporter: Reporter): Promise<void> {
  if (await isSidRootReady(sidRoot)) return;
  const logPath = join(logDir, 'sid-root.log');
  await mkdir(logDir, { recursive: true });
  reporter.info(
    `Building the Synapse root (Debian sid) in ${sidRoot}; about a minute, once. Log: ${logPath}`,
  );
  await reporter.step('host packages (debootstrap)', () =>
    ensureHostPackages({ debootstrap: 'debootstrap' }, logPath),
  );
  const mirror = debianMirrorFrom(await hostSourcesTexts()) ?? 'http://deb.debian.org/debian';
  // Build beside the final place and rename at the end, so a failed build never looks like a ready root.
  const partial = `${sidRoot}.partial`;
  await rm(partial, { recursive: true, force: true });
  await reporter.step(`debootstrap sid from ${mirror}`, () =>
    runLogged('debootstrap', ['--variant=minbase', 'sid', partial, mirror], logPath),
  );
  // Packages must not start services inside the root; the runner starts Synapse itself.
  await writeFile(join(partial, 'usr/sbin/policy-rc.d'), '#!/bin/sh\nexit 101\n', { mode: 0o755 });
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await reporter.step('apt-get update (sid)', () =>
    runLogged('chroot', [partial, 'apt-get', ...aptOptions, 'update'], logPath, { env }),
  );
  await reporter.step(`apt-get install ${sidPackages.join(' ')} (sid)`, () =>
    runLogged('chroot', [partial, 'apt-get', ...aptOptions, 'install', '-y', ...sidPackages], logPath, {
      env,
    }),
  );
  await runLogged('chroot', [partial, 'apt-get', 'clean'], logPath);
  await writeFile(join(partial, markerName), `${rootVersion}\n`);
  // An older root (other version) is replaced whole; its state dir goes with it, as after `reset`.
  await rm(sidRoot, { recursive: true, force: true });
  await rename(partial, sidRoot);
  await access(join(sidRoot, 'usr/bin/python3'));
}
