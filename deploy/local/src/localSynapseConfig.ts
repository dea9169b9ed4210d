// The local runner's homeserver.yaml for one trust: the production template rendered with the trust's policy and
// the partners the local signed directory vouches for (as in production), local paths and ports, and
// deploy/synapse/local-test-overrides.yaml (the only test-only settings).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { parseYamlMap, renderHomeserverConfig } from '../../synapse/renderConfig.ts';
import { locallyVouchedPartners, type LocalDirectory } from './localDirectory.ts';
import type { LocalTrust } from './localTrusts.ts';
import type { PostgresTarget } from './postgres.ts';
import { testAppServiceFile } from './testAppService.ts';
import type { TrustFiles } from './trustFiles.ts';

const templateUrl = new URL('../../synapse/homeserver.yaml', import.meta.url);
const overridesUrl = new URL('../../synapse/local-test-overrides.yaml', import.meta.url);

export type LocalConfigInput = Readonly<{
  trust: LocalTrust;
  files: TrustFiles;
  /** The signed local trust directory: Synapse's allow-list is the policy's partners it vouches for. */
  directory: LocalDirectory;
  /** CA certificate path inside the chroot. */
  chrootCaPath: string;
  database: Readonly<{ target: PostgresTarget; name: string; password: string }>;
}>;

function listener(port: number, names: string[]): Record<string, unknown> {
  return {
    port,
    type: 'http',
    tls: false,
    bind_addresses: ['127.0.0.1'],
    x_forwarded: true,
    resources: [{ names, compress: false }],
  };
}

export async function renderLocalSynapseConfig(input: LocalConfigInput): Promise<Record<string, unknown>> {
  const { trust, files, database } = input;
  const inChroot = (name: string): string => join(files.chrootDir, name);
  const deployment = {
    public_baseurl: `http://127.0.0.1:${trust.ports.client}/`,
    pid_file: inChroot('homeserver.pid'),
    signing_key_path: inChroot('keys/signing.key'),
    registration_shared_secret_path: inChroot('keys/registration_shared_secret'),
    macaroon_secret_key_path: inChroot('keys/macaroon_secret_key'),
    form_secret_path: inChroot('keys/form_secret'),
    log_config: inChroot('log.yaml'),
    media_store_path: inChroot('media'),
    // Outbound federation checks partners' certificates (their gateways') against the local CA.
    federation_custom_ca_list: [input.chrootCaPath],
    // Test-only (see testAppService.ts and local-test-overrides.yaml): events dated in the past, for retention tests.
    app_service_config_files: [inChroot(testAppServiceFile)],
    // Synapse listens on loopback only; the policy gateway in front owns the public client and federation ports,
    // terminates TLS and adds X-Forwarded-For.
    listeners: [
      // Client API and admin API, for the gateway, operators and the retention service.
      listener(trust.ports.synapseInternal, ['client']),
      // Federation API, plain HTTP, reached only through the gateway's TLS port in the trust's server name.
      listener(trust.ports.synapseFederationInternal, ['federation']),
      { port: trust.ports.metrics, type: 'metrics', bind_addresses: ['127.0.0.1'] },
    ],
    database: {
      name: 'psycopg2',
      args: {
        user: database.name,
        password: database.password,
        dbname: database.name,
        host: database.target.host,
        port: database.target.port,
        cp_min: 1,
        cp_max: 5,
      },
    },
  };
  return renderHomeserverConfig({
    templateText: await readFile(templateUrl, 'utf8'),
    policy: trust.policy,
    vouchedPartners: await locallyVouchedPartners(trust.policy, input.directory),
    deployment,
    overrides: [parseYamlMap(await readFile(overridesUrl, 'utf8'), 'local-test-overrides.yaml')],
  });
}

/** Python logging config: Synapse's log in the trust's folder. Synapse logs no message content. */
export function synapseLogConfig(chrootLogPath: string): string {
  return stringify({
    version: 1,
    formatters: {
      precise: { format: '%(asctime)s - %(name)s - %(lineno)d - %(levelname)s - %(request)s - %(message)s' },
    },
    handlers: {
      file: {
        class: 'logging.handlers.RotatingFileHandler',
        formatter: 'precise',
        filename: chrootLogPath,
        maxBytes: 20_000_000,
        backupCount: 2,
        encoding: 'utf8',
      },
    },
    loggers: { synapse: { level: 'INFO' }, 'synapse.storage.SQL': { level: 'WARNING' } },
    root: { level: 'INFO', handlers: ['file'] },
    disable_existing_loggers: false,
  });
}
