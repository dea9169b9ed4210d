// The retention service's entry point: reads its configuration, wires the parts together, serves /healthz,
// /metrics and /report on its internal port, runs the schedule, and on SIGTERM or SIGINT stops scheduling, gives a
// run in progress a few seconds to finish (a run is resumable, so a second signal exits at once) and closes its
// connections.
import { createServer } from 'node:http';
import { pino } from 'pino';
import { parseRetentionConfig } from './config/retentionConfig.ts';
import { complianceReport } from './http/complianceReport.ts';
import { createApp } from './http/createApp.ts';
import { createRetentionServices } from './retentionServices.ts';
import { createScheduler } from './schedule/scheduler.ts';

async function main(): Promise<void> {
  const config = parseRetentionConfig(process.env);
  const log = pino({ level: config.LOG_LEVEL, base: { service: 'bleep-retention' } });
  const clock = (): Date => new Date();
  const services = await createRetentionServices(config, log, clock);
  const { policy, metrics, runner, store } = services;
  const intervalMs = config.RETENTION_INTERVAL_SECONDS * 1000;
  const scheduler = createScheduler({
    intervalMs,
    firstRunDelayMs: Math.min(intervalMs, 30_000),
    markIntervalMs: config.RETENTION_STREAM_MARK_SECONDS * 1000,
    failedRunRetryMs: Math.min(intervalMs, 30_000),
    runOnce: () => runner.run({ trigger: 'schedule' }),
    recordMark: runner.recordToDeviceMark,
    clock,
    timers: {
      setTimeout: (callback, ms) => setTimeout(callback, ms),
      clearTimeout: (handle) => {
        clearTimeout(handle as NodeJS.Timeout);
      },
    },
    metrics,
    log: log.child({ module: 'scheduler' }),
  });
  const app = createApp({
    registry: metrics.registry,
    report: () =>
      complianceReport({
        store,
        policy,
        intervalSeconds: config.RETENTION_INTERVAL_SECONDS,
        schedulerState: scheduler.state,
        clientExpiry: services.clientExpiryReport,
        activeHolds: () => services.holdStore.active(),
        clock,
      }),
    reportToken: config.RETENTION_REPORT_TOKEN,
    reportRefusals: metrics.reportRefusals,
    log: log.child({ module: 'http' }),
  });
  const server = createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.RETENTION_PORT, config.RETENTION_BIND_ADDRESS, resolve);
  });
  scheduler.start();
  log.info(
    {
      trust: policy.trust.serverName,
      windowHours: policy.retention.serverHours,
      intervalSeconds: config.RETENTION_INTERVAL_SECONDS,
      port: config.RETENTION_PORT,
    },
    'retention service listening',
  );

  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) {
      log.warn({ signal }, 'second signal: exiting now; the next run finishes what this one started');
      process.exit(1);
    }
    stopping = true;
    log.info({ signal }, 'shutting down');
    server.close();
    server.closeIdleConnections();
    // A run in progress gets a few seconds to finish; one cut short is finished by the next run (its lock goes
    // with its connection, and Synapse carries on with a purge it started).
    const finishing = new Promise<void>((resolve) => setTimeout(resolve, 15_000).unref());
    void Promise.race([scheduler.stop(), finishing])
      .then(() => services.close())
      .finally(() => {
        process.exit(0);
      });
  };
  process.on('SIGTERM', () => {
    shutdown('SIGTERM');
  });
  process.on('SIGINT', () => {
    shutdown('SIGINT');
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`bleep-retention: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
