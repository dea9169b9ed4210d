// `npm run bench` (policy-module): what the policy gateway costs. In one run, on the same running Synapse
// (trust-a of the local stack), it measures Synapse directly, Synapse behind a plain nginx reverse proxy (what a
// trust would run without Bleep) and Synapse behind the gateway, on /sync (immediate and long-poll), /send and a
// media download. Throughput comes from wrk (wrkLoad.ts); latency from sequential requests timed in microseconds.
// It prints numbers and ratios; it asserts nothing.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { benchSession, type BenchTrust } from './benchSession.ts';
import { startNginxProxy } from './nginxProxy.ts';
import { wrkThroughput } from './wrkLoad.ts';

const execFileAsync = promisify(execFile);
const stackCli = fileURLToPath(new URL('../../deploy/local/src/cli.ts', import.meta.url));
const durationSeconds = Number(process.env.BENCH_SECONDS ?? 5);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 16);
const latencySamples = Number(process.env.BENCH_SAMPLES ?? 300);
// Targets are measured in turn, round after round, and each number is the median over rounds: on a small machine
// Synapse's own speed drifts from one minute to the next, and a single pass would credit that drift to a target.
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const stackFile = process.env.BLEEP_STACK_FILE ?? '/var/cache/bleep/sid-root/srv/bleep/stack.json';

type Trust = BenchTrust & { name: string };
type Scenario = {
  name: string;
  method: 'GET' | 'PUT';
  path: string;
  /** Each request adds its own id to `path` (a transaction ID for /send). */
  uniqueSuffix: boolean;
  body?: string;
};
type Measurement = { requestsPerSecond: number; medianMs: number; p99Ms: number };
type Target = 'direct' | 'nginx' | 'gateway';

async function runningTrustA(): Promise<Trust> {
  const { stdout } = await execFileAsync(process.execPath, [stackCli, 'status', '--json']).catch(
    (error: unknown) => error as { stdout: string },
  );
  const trust = (JSON.parse(stdout) as { trusts: Trust[] }).trusts.find((entry) => entry.name === 'trust-a');
  if (!trust) throw new Error('trust-a is not running: start the stack first with `npm start`');
  return trust;
}

async function json(
  url: string,
  token: string,
  method = 'GET',
  body?: unknown,
): Promise<Record<string, unknown>> {
  const response = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as Record<string, unknown>;
}

function percentile(sorted: readonly number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? Number.NaN;
}

type Latency = { medianMs: number; p99Ms: number };

/** One request, timed in milliseconds with microsecond precision. */
async function timedRequest(baseUrl: string, token: string, scenario: Scenario, id: string): Promise<number> {
  const path = scenario.uniqueSuffix ? `${scenario.path}latency-${process.pid}-${id}` : scenario.path;
  const started = process.hrtime.bigint();
  const response = await fetch(`${baseUrl}${path}`, {
    method: scenario.method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(scenario.body === undefined ? {} : { body: scenario.body }),
  });
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`${scenario.name} at ${baseUrl}: HTTP ${response.status}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

/**
 * Latency, one request at a time, the three targets interleaved in rotating order: each sample of the gateway has
 * a direct and an nginx sample taken moments before or after it, so Synapse's drift cancels out of the paired
 * differences, which are what "added latency" reports.
 */
async function sampleLatency(
  urls: Readonly<Record<Target, string>>,
  token: string,
  scenario: Scenario,
): Promise<{ latency: Record<Target, Latency>; addedVsDirect: number; addedVsNginx: number }> {
  const targets: Target[] = ['direct', 'nginx', 'gateway'];
  const times: Record<Target, number[]> = { direct: [], nginx: [], gateway: [] };
  const vsDirect: number[] = [];
  const vsNginx: number[] = [];
  for (let index = 0; index < latencySamples; index += 1) {
    const sample: Partial<Record<Target, number>> = {};
    for (let turn = 0; turn < targets.length; turn += 1) {
      const target = targets[(index + turn) % targets.length] ?? 'direct';
      sample[target] = await timedRequest(urls[target], token, scenario, `${index}-${target}`);
    }
    const { direct = Number.NaN, nginx = Number.NaN, gateway = Number.NaN } = sample;
    times.direct.push(direct);
    times.nginx.push(nginx);
    times.gateway.push(gateway);
    vsDirect.push(gateway - direct);
    vsNginx.push(gateway - nginx);
  }
  const summary = (values: number[]): Latency => {
    const sorted = [...values].sort((a, b) => a - b);
    return { medianMs: percentile(sorted, 0.5), p99Ms: percentile(sorted, 0.99) };
  };
  return {
    latency: { direct: summary(times.direct), nginx: summary(times.nginx), gateway: summary(times.gateway) },
    addedVsDirect: median(vsDirect),
    addedVsNginx: median(vsNginx),
  };
}

/** CPU time (user + system) a process has used, in milliseconds; undefined when /proc does not tell. */
async function cpuMs(pid: number | undefined): Promise<number | undefined> {
  if (pid === undefined) return undefined;
  try {
    const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]?.split(' ') ?? [];
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? ticks * 10 : undefined; // USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
}

/** The trust-a gateway's pid from the local stack's state file (root only), for its CPU cost per request. */
async function gatewayPid(): Promise<number | undefined> {
  try {
    const state = JSON.parse(await readFile(stackFile, 'utf8')) as {
      trusts?: Record<string, { gatewayPid?: number }>;
    };
    return state.trusts?.['trust-a']?.gatewayPid;
  } catch {
    return undefined;
  }
}

function median(values: readonly number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    0.5,
  );
}

function throughput(
  baseUrl: string,
  token: string,
  scenario: Scenario,
): Promise<{ requestsPerSecond: number; total: number }> {
  return wrkThroughput(
    {
      baseUrl,
      method: scenario.method,
      path: scenario.path,
      uniqueSuffix: scenario.uniqueSuffix,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      ...(scenario.body === undefined ? {} : { body: scenario.body }),
    },
    connections,
    durationSeconds,
  );
}

/** One target's throughput for one round, with the gateway's CPU spent meanwhile. */
async function measureThroughput(
  baseUrl: string,
  token: string,
  scenario: Scenario,
  pid?: number,
): Promise<{ requestsPerSecond: number; cpuMicrosPerRequest?: number }> {
  const cpuBefore = await cpuMs(pid);
  const { requestsPerSecond, total } = await throughput(baseUrl, token, scenario);
  const cpuAfter = await cpuMs(pid);
  return cpuBefore === undefined || cpuAfter === undefined
    ? { requestsPerSecond }
    : { requestsPerSecond, cpuMicrosPerRequest: ((cpuAfter - cpuBefore) * 1000) / total };
}

/** Each round: interleaved latency samples, then each target's throughput in turn; medians over the rounds. */
async function measureRounds(
  urls: Readonly<Record<Target, string>>,
  token: string,
  scenario: Scenario,
  pid: number | undefined,
): Promise<{
  results: Record<Target, Measurement>;
  ratios: { direct: number; nginx: number };
  added: { direct: number; nginx: number };
  cpu?: number;
}> {
  const perRound: Record<Target, Measurement[]> = { direct: [], nginx: [], gateway: [] };
  const ratioToDirect: number[] = [];
  const ratioToNginx: number[] = [];
  const addedVsDirect: number[] = [];
  const addedVsNginx: number[] = [];
  const cpu: number[] = [];
  for (let round = 0; round < rounds; round += 1) {
    const latency = await sampleLatency(urls, token, scenario);
    addedVsDirect.push(latency.addedVsDirect);
    addedVsNginx.push(latency.addedVsNginx);
    const direct = await measureThroughput(urls.direct, token, scenario);
    const nginx = await measureThroughput(urls.nginx, token, scenario);
    const gateway = await measureThroughput(urls.gateway, token, scenario, pid);
    perRound.direct.push({ ...latency.latency.direct, requestsPerSecond: direct.requestsPerSecond });
    perRound.nginx.push({ ...latency.latency.nginx, requestsPerSecond: nginx.requestsPerSecond });
    perRound.gateway.push({ ...latency.latency.gateway, requestsPerSecond: gateway.requestsPerSecond });
    // Ratios within a round compare targets measured a few seconds apart, under the same drift.
    ratioToDirect.push(gateway.requestsPerSecond / direct.requestsPerSecond);
    ratioToNginx.push(gateway.requestsPerSecond / nginx.requestsPerSecond);
    if (gateway.cpuMicrosPerRequest !== undefined) cpu.push(gateway.cpuMicrosPerRequest);
  }
  const summary = (values: readonly Measurement[]): Measurement => ({
    requestsPerSecond: median(values.map((value) => value.requestsPerSecond)),
    medianMs: median(values.map((value) => value.medianMs)),
    p99Ms: median(values.map((value) => value.p99Ms)),
  });
  return {
    results: {
      direct: summary(perRound.direct),
      nginx: summary(perRound.nginx),
      gateway: summary(perRound.gateway),
    },
    ratios: { direct: median(ratioToDirect), nginx: median(ratioToNginx) },
    added: { direct: median(addedVsDirect), nginx: median(addedVsNginx) },
    ...(cpu.length > 0 ? { cpu: median(cpu) } : {}),
  };
}

/**
 * Long-poll wake-up: a /sync long-poll is waiting through the target when a message is sent (straight to
 * Synapse); the time from the send's answer to the long-poll's answer is how late the proxy delivers news.
 */
async function longPollWakeUp(
  baseUrl: string,
  token: string,
  senderToken: string,
  directUrl: string,
  roomPath: string,
  roomFilter: string,
): Promise<{ medianMs: number; p99Ms: number }> {
  const times: number[] = [];
  const samples = Math.max(20, Math.floor(latencySamples / 6));
  // Like a real client, each long-poll continues from the last answer's position. (Repeating one request would be
  // answered from Synapse's short-lived sync response cache, at once.)
  const initial = await json(
    `${baseUrl}/_matrix/client/v3/sync?set_presence=offline&timeout=0&filter=${roomFilter}`,
    token,
  );
  let since = String(initial.next_batch);
  for (let index = 0; index < samples; index += 1) {
    const woken = fetch(
      `${baseUrl}/_matrix/client/v3/sync?set_presence=offline&timeout=20000&since=${encodeURIComponent(since)}&filter=${roomFilter}`,
      { headers: { authorization: `Bearer ${token}` } },
    ).then(async (response) => {
      const body = (await response.json()) as { next_batch?: string };
      return { at: process.hrtime.bigint(), nextBatch: String(body.next_batch) };
    });
    // Let the long-poll reach Synapse and start waiting before anything happens.
    await new Promise((resolve) => setTimeout(resolve, 30));
    await json(
      `${directUrl}${roomPath}/send/m.room.encrypted/wake-${process.pid}-${new URL(baseUrl).port}-${index}`,
      senderToken,
      'PUT',
      { algorithm: 'm.megolm.v1.aes-sha2', ciphertext: 'wake' },
    );
    const sent = process.hrtime.bigint();
    const answer = await woken;
    since = answer.nextBatch;
    times.push(Number(answer.at - sent) / 1e6);
  }
  times.sort((a, b) => a - b);
  return { medianMs: percentile(times, 0.5), p99Ms: percentile(times, 0.99) };
}

function row(label: string, value: Measurement): string {
  return `  ${label.padEnd(9)} ${value.requestsPerSecond.toFixed(0).padStart(8)} req/s   median ${value.medianMs.toFixed(3).padStart(8)} ms   p99 ${value.p99Ms.toFixed(3).padStart(8)} ms`;
}

async function main(): Promise<void> {
  const trust = await runningTrustA();
  const token = (await benchSession(trust, 'bench')).accessToken;
  const direct = trust.synapseUrl;
  const room = await json(`${direct}/_matrix/client/v3/createRoom`, token, 'POST', { name: 'bench' });
  const roomPath = `/_matrix/client/v3/rooms/${encodeURIComponent(String(room.room_id))}`;
  const firstSync = await json(`${direct}/_matrix/client/v3/sync?timeout=0`, token);
  const since = encodeURIComponent(String(firstSync.next_batch));
  const upload = await fetch(`${direct}/_matrix/media/v3/upload?filename=bench.bin`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
    body: randomBytes(1024 * 1024),
  });
  const mxc = String(((await upload.json()) as { content_uri?: string }).content_uri).replace('mxc://', '');

  // Shaped like what an encrypted client sends: the gateway allows m.room.encrypted and refuses plaintext.
  const encryptedBody = JSON.stringify({
    algorithm: 'm.megolm.v1.aes-sha2',
    // A Megolm message starts with version byte 3; the gateway checks that encrypted content looks encrypted.
    ciphertext: Buffer.concat([Buffer.from([3]), randomBytes(600)]).toString('base64'),
    device_id: 'BENCH',
    sender_key: randomBytes(32).toString('base64'),
    session_id: randomBytes(32).toString('base64'),
  });
  const scenarios: Scenario[] = [
    {
      name: '/sync immediate (timeout=0; identical requests, so Synapse answers from its response cache)',
      method: 'GET',
      path: `/_matrix/client/v3/sync?timeout=0&since=${since}`,
      uniqueSuffix: false,
    },
    {
      name: '/send (m.room.encrypted)',
      method: 'PUT',
      path: `${roomPath}/send/m.room.encrypted/bench-${process.pid}-`,
      uniqueSuffix: true,
      body: encryptedBody,
    },
    {
      name: 'media download (1 MiB)',
      method: 'GET',
      path: `/_matrix/client/v1/media/download/${mxc}`,
      uniqueSuffix: false,
    },
  ];

  const nginx = await startNginxProxy(Number(new URL(direct).port), 28_008);
  try {
    process.stdout.write(
      `Bleep gateway benchmark: trust-a, ${connections} connections x ${durationSeconds} s for throughput, ${latencySamples} sequential requests for latency, median of ${rounds} rounds\n\n`,
    );
    const pid = await gatewayPid();
    const urls = { direct, nginx: nginx.url, gateway: trust.clientUrl };
    for (const scenario of scenarios) {
      const { results, ratios, added, cpu } = await measureRounds(urls, token, scenario, pid);
      process.stdout.write(
        [
          scenario.name,
          row('direct', results.direct),
          row('nginx', results.nginx),
          row('gateway', results.gateway),
          `  gateway/direct throughput ${ratios.direct.toFixed(3)}, gateway/nginx throughput ${ratios.nginx.toFixed(3)} (medians of per-round ratios)`,
          `  gateway added latency (median of paired samples): ${added.direct.toFixed(3)} ms vs direct, ${added.nginx.toFixed(3)} ms vs nginx`,
          ...(cpu === undefined ? [] : [`  gateway CPU per request under load: ${cpu.toFixed(0)} µs`]),
          '',
        ].join('\n') + '\n',
      );
    }
    // The listener is its own account, in the room but never online: its own presence changes would otherwise wake
    // its long-polls before the message does.
    const listener = await benchSession(trust, 'bench-listener');
    await json(`${direct}${roomPath}/invite`, token, 'POST', { user_id: listener.userId });
    await json(`${direct}${roomPath}/join`, listener.accessToken, 'POST', {});
    // A filter per target: otherwise the next target's first sync would be answered from Synapse's response cache
    // with the previous target's position.
    const roomFilter = (target: 'direct' | 'nginx' | 'gateway'): string =>
      encodeURIComponent(
        JSON.stringify({
          room: {
            rooms: [String(room.room_id)],
            timeline: { limit: { direct: 1, nginx: 2, gateway: 3 }[target] },
          },
        }),
      );
    const wake = {
      direct: await longPollWakeUp(
        direct,
        listener.accessToken,
        token,
        direct,
        roomPath,
        roomFilter('direct'),
      ),
      nginx: await longPollWakeUp(
        nginx.url,
        listener.accessToken,
        token,
        direct,
        roomPath,
        roomFilter('nginx'),
      ),
      gateway: await longPollWakeUp(
        trust.clientUrl,
        listener.accessToken,
        token,
        direct,
        roomPath,
        roomFilter('gateway'),
      ),
    };
    const wakeRow = (label: string, value: { medianMs: number; p99Ms: number }): string =>
      `  ${label.padEnd(9)} wake-up median ${value.medianMs.toFixed(3).padStart(8)} ms   p99 ${value.p99Ms.toFixed(3).padStart(8)} ms`;
    process.stdout.write(
      [
        '/sync long-poll: a message arrives while the long-poll waits',
        wakeRow('direct', wake.direct),
        wakeRow('nginx', wake.nginx),
        wakeRow('gateway', wake.gateway),
        `  gateway added median wake-up: ${(wake.gateway.medianMs - wake.direct.medianMs).toFixed(3)} ms vs direct, ${(wake.gateway.medianMs - wake.nginx.medianMs).toFixed(3)} ms vs nginx`,
        '',
      ].join('\n') + '\n',
    );
  } finally {
    await nginx.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
