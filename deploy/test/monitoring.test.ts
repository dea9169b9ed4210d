// The monitoring profile's own files (deploy/monitoring/), checked with the real tools and the real exporters:
// Prometheus's configuration and alert rules by Debian's promtool (installed when missing), each alert's firing
// and not firing by `promtool test rules`, every metric an alert or dashboard reads against what the gateway and
// the retention service really serve at /metrics (and Synapse's source, where the local stack's copy is here), and
// the Grafana dashboards against the datasource Grafana is provisioned with.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createApp } from '@bleep/retention-service';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { createGatewayMetrics, createMetricsServer } from '../../policy-module/src/gateway/gatewayMetrics.ts';
import { registerValidityGauges } from '../../policy-module/src/gateway/validityMetrics.ts';
import { createRetentionMetrics } from '../../retention-service/src/metrics/retentionMetrics.ts';
import { ensureHostPackages } from '../local/src/hostPackages.ts';

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const monitoring = resolve(repoRoot, 'deploy/monitoring');
const rulesDir = join(monitoring, 'prometheus/rules');
const trusts = ['trust-a', 'trust-b'] as const;
/** Where docker-compose.yml mounts the rules folder in the Prometheus container. */
const rulesMount = '/etc/prometheus/rules';

type PrometheusConfig = Readonly<{ rule_files: string[]; scrape_configs: { job_name: string }[] }>;
type Panel = Readonly<{
  title: string;
  datasource?: { uid?: string };
  targets?: { expr: string; datasource?: { uid?: string } }[];
}>;
type Dashboard = Readonly<{ uid: string; title: string; panels: Panel[] }>;

async function yamlFile<T>(path: string): Promise<T> {
  return parse(await readFile(path, 'utf8')) as T;
}

/** Metric names an expression reads: the exporters' prefixes, and `up` (Prometheus's own, per target). */
function metricNames(expr: string): string[] {
  const names = expr.match(/\b(?:bleep_(?:gateway|retention)_\w+|synapse_\w+|process_\w+|up)\b(?!\s*\()/g);
  return [...new Set(names ?? [])];
}

/** Names a /metrics text declares, with the series a histogram or summary adds. */
function exportedNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const [, name = '', type] of text.matchAll(/^# TYPE (\w+) (\w+)$/gm)) {
    names.add(name);
    if (type === 'histogram' || type === 'summary')
      for (const suffix of ['_bucket', '_sum', '_count']) names.add(name + suffix);
  }
  return names;
}

async function serve(server: Server): Promise<string> {
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const alertExprs = async (): Promise<string[]> => {
  const files = (await readdir(rulesDir)).filter((name) => name.endsWith('.yml'));
  const groups = await Promise.all(
    files.map(async (file) => yamlFile<{ groups: { rules: { expr: string }[] }[] }>(join(rulesDir, file))),
  );
  return groups.flatMap((doc) => doc.groups.flatMap((group) => group.rules.map((rule) => rule.expr)));
};

const dashboards = async (): Promise<Dashboard[]> => {
  const dir = join(monitoring, 'grafana/dashboards');
  const files = (await readdir(dir)).filter((name) => name.endsWith('.json'));
  return Promise.all(
    files.map(async (file) => JSON.parse(await readFile(join(dir, file), 'utf8')) as Dashboard),
  );
};

describe('Prometheus configuration and alert rules, by promtool', () => {
  let scratch = '';
  beforeAll(async () => {
    await ensureHostPackages(
      { promtool: 'prometheus', openssl: 'openssl' },
      join(tmpdir(), 'bleep-promtool-apt.log'),
    );
    scratch = await mkdtemp(join(tmpdir(), 'bleep-prometheus-'));
  }, 600_000);
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it.each(trusts)(
    "accepts %s's configuration, finding every rule file through the container's mount",
    async (trust) => {
      const config = await yamlFile<PrometheusConfig>(join(monitoring, `prometheus/${trust}.yml`));
      // The container reads the rules at /etc/prometheus/rules; here that folder is the repository's.
      expect(config.rule_files).toEqual([`${rulesMount}/*.yml`]);
      const local = {
        ...config,
        rule_files: config.rule_files.map((glob) => glob.replace(rulesMount, rulesDir)),
      };
      const path = join(scratch, `${trust}.yml`);
      await writeFile(path, stringify(local));
      const { stdout } = await run('promtool', ['check', 'config', path]);
      const ruleFiles = (await readdir(rulesDir)).filter((name) => name.endsWith('.yml'));
      expect(stdout).toContain(`SUCCESS: ${ruleFiles.length} rule files found`);
      expect(stdout).toContain('is valid prometheus config file syntax');
    },
  );

  it('runs each alert against series on which it fires and series on which it does not', async () => {
    const tests = join(monitoring, 'prometheus/tests/bleep-alerts.test.yml');
    const { stdout } = await run('promtool', ['test', 'rules', tests]);
    expect(stdout).toContain('SUCCESS');
    // Every alert has a test that names it.
    const testText = await readFile(tests, 'utf8');
    const rules = await readFile(join(rulesDir, 'bleep-alerts.yml'), 'utf8');
    const alerts = [...rules.matchAll(/- alert: (\w+)/g)].map((match) => match[1]);
    expect(alerts.length).toBeGreaterThanOrEqual(7);
    for (const alert of alerts) expect(testText, alert).toContain(`alertname: ${alert}`);
  });

  it('fails those tests when a threshold drifts (a directory 60 days from expiry would alert)', async () => {
    await cp(join(monitoring, 'prometheus'), join(scratch, 'prometheus'), { recursive: true });
    const rules = join(scratch, 'prometheus/rules/bleep-alerts.yml');
    const text = await readFile(rules, 'utf8');
    expect(text).toContain('time() < 14 * 86400');
    await writeFile(rules, text.replace('time() < 14 * 86400', 'time() < 90 * 86400'));
    await expect(
      run('promtool', ['test', 'rules', join(scratch, 'prometheus/tests/bleep-alerts.test.yml')]),
    ).rejects.toThrow(/BleepTrustDirectoryNearExpiry/);
  });

  it('gives every alert a severity and a description', async () => {
    const doc = await yamlFile<{
      groups: {
        rules: { alert: string; labels?: { severity?: string }; annotations?: { description?: string } }[];
      }[];
    }>(join(rulesDir, 'bleep-alerts.yml'));
    for (const rule of doc.groups.flatMap((group) => group.rules)) {
      expect(['warning', 'critical'], rule.alert).toContain(rule.labels?.severity);
      expect(rule.annotations?.description?.length ?? 0, rule.alert).toBeGreaterThan(20);
    }
  });
});

describe('metric names in alerts and dashboards', () => {
  let exported = new Set<string>();
  const servers: Server[] = [];
  let scratch = '';

  beforeAll(async () => {
    await ensureHostPackages({ openssl: 'openssl' }, join(tmpdir(), 'bleep-openssl-apt.log'));
    scratch = await mkdtemp(join(tmpdir(), 'bleep-metrics-'));
    await run('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-subj',
      '/CN=test',
      '-days',
      '1',
      '-keyout',
      join(scratch, 'tls.key'),
      '-out',
      join(scratch, 'tls.crt'),
    ]);
    const cert = await readFile(join(scratch, 'tls.crt'));
    // The gateway's registry as main.ts builds it, served by its own metrics server.
    const gateway = createGatewayMetrics();
    registerValidityGauges(gateway.registry, {
      directoryExpiresAt: () => '2027-01-01T00:00:00.000Z',
      servedCertificate: () => cert,
    });
    const gatewayServer = createMetricsServer(gateway);
    // The retention service's registry, served by its own app's /metrics route.
    const retention = createRetentionMetrics();
    const retentionServer = createServer(
      createApp({
        registry: retention.registry,
        report: () => Promise.reject(new Error('not asked')),
        reportToken: 'unused',
        reportRefusals: retention.reportRefusals,
        log: pino({ level: 'silent' }),
      }),
    );
    servers.push(gatewayServer, retentionServer);
    const texts = await Promise.all(
      [gatewayServer, retentionServer].map(async (server) =>
        (await fetch(`${await serve(server)}/metrics`)).text(),
      ),
    );
    exported = exportedNames(texts.join('\n'));
  });
  afterAll(async () => {
    for (const server of servers) server.close();
    await rm(scratch, { recursive: true, force: true });
  });

  async function namesUsed(): Promise<string[]> {
    const exprs = [
      ...(await alertExprs()),
      ...(await dashboards()).flatMap((board) =>
        board.panels.flatMap((panel) => (panel.targets ?? []).map((t) => t.expr)),
      ),
    ];
    return [...new Set(exprs.flatMap(metricNames))];
  }

  it('reads only metrics the gateway and the retention service serve at /metrics', async () => {
    const ours = (await namesUsed()).filter((name) => name.startsWith('bleep_'));
    expect(ours.length).toBeGreaterThan(20);
    expect(ours.filter((name) => !exported.has(name))).toEqual([]);
    // The five the issue asks alerts for, by the names the code exports.
    for (const name of [
      'bleep_retention_findings',
      'bleep_gateway_trust_directory_expiry_timestamp_seconds',
      'bleep_gateway_upstream_failures_total',
      'bleep_gateway_refusals_total',
      'bleep_gateway_tls_certificate_expiry_timestamp_seconds',
    ])
      expect(metricNames((await alertExprs()).join(' ')), name).toContain(name);
  });

  it('finds a misspelt metric (the check itself)', () => {
    expect(exported.has('bleep_gateway_refusals_total')).toBe(true);
    expect(exported.has('bleep_gateway_refusal_total')).toBe(false);
    expect(exported.has('bleep_retention_run_duration_seconds_bucket')).toBe(true);
  });

  // Synapse's metrics are checked against its own source, the local stack's copy (npm start builds it): its
  // counters gain _total, its histograms _bucket, _sum and _count on the wire, as prometheus_client writes them.
  const synapseSource = '/var/cache/bleep/sid-root/usr/lib/python3/dist-packages/synapse';
  it.skipIf(!existsSync(synapseSource))("reads only metrics Synapse's source declares", async () => {
    const used = (await namesUsed()).filter((name) => name.startsWith('synapse_'));
    expect(used.length).toBeGreaterThan(3);
    const { stdout } = await run('grep', ['-rhoE', '"synapse_[a-z_]+"', synapseSource, '--include=*.py'], {
      maxBuffer: 16 * 1024 * 1024,
    });
    const declared = new Set(stdout.split('\n').map((line) => line.replaceAll('"', '')));
    const base = (name: string): string => name.replace(/_(total|bucket|sum|count)$/, '');
    expect(used.filter((name) => !declared.has(base(name)))).toEqual([]);
  });
});

describe('Grafana provisioning', () => {
  it('provisions one Prometheus datasource, and every dashboard panel reads it by its uid', async () => {
    const { datasources } = await yamlFile<{ datasources: { uid: string; type: string; url: string }[] }>(
      join(monitoring, 'grafana/provisioning/datasources/prometheus.yml'),
    );
    expect(datasources.map((source) => source.type)).toEqual(['prometheus']);
    const uid = datasources[0]?.uid;
    const boards = await dashboards();
    expect(boards.map((board) => board.uid).sort()).toEqual([
      'bleep-gateway',
      'bleep-retention',
      'bleep-synapse',
    ]);
    for (const board of boards) {
      expect(board.panels.length, board.title).toBeGreaterThan(3);
      for (const panel of board.panels) {
        expect(panel.datasource?.uid, `${board.title}: ${panel.title}`).toBe(uid);
        expect(panel.targets?.length, `${board.title}: ${panel.title}`).toBeGreaterThan(0);
        for (const target of panel.targets ?? []) expect(target.datasource?.uid).toBe(uid);
      }
    }
  });

  it('reads the dashboards from the folder docker-compose.yml mounts them in', async () => {
    const { providers } = await yamlFile<{ providers: { options: { path: string } }[] }>(
      join(monitoring, 'grafana/provisioning/dashboards/bleep.yml'),
    );
    const compose = await readFile(resolve(repoRoot, 'docker-compose.yml'), 'utf8');
    for (const provider of providers)
      expect(compose).toContain(`./deploy/monitoring/grafana/dashboards:${provider.options.path}:ro`);
  });
});
