// Production entry point (docker-compose's synapse-config step): renders homeserver.yaml for one trust from the
// mounted template, policy and signed trust directory (the same files the gateway reads). Secrets arrive as
// environment variables and are written only to the output file. The directory is read at each render: a new one
// reaches Synapse's allow-list at the next `up` (the gateway follows it within minutes meanwhile), and a file that
// does not verify stops the render, as it stops the gateway's start. --trust-settings names the trust's own
// Synapse settings (deploy/synapse/trusts/), merged over the template; they may not loosen its hardening.
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parse, stringify } from 'yaml';
import { parseArgs } from 'node:util';
import { loadPolicy, vouchedPartners } from '@bleep/policy-module';
import { homeserverYaml, parseYamlMap, renderHomeserverConfig } from './renderConfig.ts';

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is required`);
  return value;
}

/** A trust's settings file; one holding only comments (nothing set yet) is an empty mapping. */
async function readTrustSettings(path: string): Promise<Record<string, unknown>> {
  const text = await readFile(path, 'utf8');
  return parse(text) === null ? {} : parseYamlMap(text, path);
}

function consoleLogConfig(): string {
  return stringify({
    version: 1,
    formatters: {
      precise: { format: '%(asctime)s - %(name)s - %(lineno)d - %(levelname)s - %(request)s - %(message)s' },
    },
    handlers: { console: { class: 'logging.StreamHandler', formatter: 'precise' } },
    loggers: { synapse: { level: 'INFO' }, 'synapse.storage.SQL': { level: 'WARNING' } },
    root: { level: 'INFO', handlers: ['console'] },
    disable_existing_loggers: false,
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      policy: { type: 'string' },
      template: { type: 'string' },
      directory: { type: 'string' },
      'directory-key': { type: 'string' },
      out: { type: 'string' },
      'trust-settings': { type: 'string' },
    },
  });
  if (!values.policy || !values.template || !values.directory || !values['directory-key'] || !values.out) {
    throw new Error(
      'usage: renderConfigCli.ts --policy trust.json --template homeserver.yaml ' +
        '--directory trust-directory.json --directory-key authority.pub --out homeserver.yaml ' +
        '[--trust-settings trust.yaml]',
    );
  }
  const policy = await loadPolicy(values.policy);
  const vouched = vouchedPartners({
    policy,
    directoryText: await readFile(values.directory, 'utf8'),
    authorityKey: await readFile(values['directory-key'], 'utf8'),
    now: new Date(),
  });
  if (vouched.outcome === 'refused') {
    throw new Error(
      `the trust directory ${values.directory} is refused (${vouched.error.code}): ${vouched.error.message}`,
    );
  }
  const trustSettingsPath = values['trust-settings'];
  const config = renderHomeserverConfig({
    templateText: await readFile(values.template, 'utf8'),
    policy,
    vouchedPartners: vouched.partners,
    // Synapse's fixed address on the trust's internal network (docker-compose.yml): its listeners bind there only.
    internalAddress: requiredEnv('SYNAPSE_INTERNAL_ADDRESS'),
    ...(trustSettingsPath ? { trustSettings: await readTrustSettings(trustSettingsPath) } : {}),
    deployment: {
      public_baseurl: requiredEnv('PUBLIC_BASEURL'),
      database: {
        args: {
          password: requiredEnv('SYNAPSE_DB_PASSWORD'),
          host: process.env.SYNAPSE_DB_HOST ?? 'postgres',
        },
      },
    },
  });
  // 0600: the file holds the database password.
  await writeFile(values.out, homeserverYaml(config), { mode: 0o600 });
  // Synapse would otherwise write its own log config, logging to a file in its working directory; in a container
  // the log belongs on stdout, where the platform collects it. Synapse logs no message content.
  await writeFile(join(dirname(values.out), 'log.config'), consoleLogConfig());
  process.stdout.write(
    `rendered ${values.out} for ${policy.trust.serverName}; federates with: ${vouched.partners.join(', ') || 'nobody'}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
