// `npm run compose-engine`: makes this machine ready to run docker-compose.yml without a registry (Debian's Docker
// engine installed and started, the local base images built or found in the cache) and prints the build
// arguments and images to use. The compose test does the same first; this is for a person trying the file by hand.
import { join } from 'node:path';
import { defaultCacheDir, requireRoot } from '../local/src/localLayout.ts';
import { consoleReporter } from '../local/src/progress.ts';
import { ensureDockerEngine } from './dockerEngine.ts';
import { ensureLocalBaseImages } from './localBaseImages.ts';

async function main(): Promise<void> {
  requireRoot();
  const cacheDir = join(defaultCacheDir, 'compose-images');
  const reporter = consoleReporter();
  const engine = await reporter.step('Docker engine (docker.io, docker-compose)', () =>
    ensureDockerEngine(join(cacheDir, 'logs')),
  );
  if (engine.installed.length > 0) reporter.info(`installed: ${engine.installed.join(', ')}`);
  if (engine.startedDaemon) reporter.info('started dockerd');
  const bases = await ensureLocalBaseImages(cacheDir, reporter);
  reporter.info(
    bases.built.length > 0
      ? `built ${bases.built.join(', ')} in ${bases.seconds.toFixed(1)} s`
      : 'every base was in the cache',
  );
  process.stdout.write(
    [
      `BLEEP_LOCAL_NODE_IMAGE=${bases.images.node}`,
      `BLEEP_LOCAL_POSTGRES_IMAGE=${bases.images.postgres}`,
      `BLEEP_LOCAL_SYNAPSE_IMAGE=${bases.images.synapse}`,
      '',
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
