// `status`: which local trusts run, crashed or are stopped, and for each running one what `status --json` prints.
// A trust recorded as started whose processes are gone is reported as crashed, with the end of its logs.
import { join } from 'node:path';
import { gatewayMarkers } from './gatewayProcess.ts';
import { localTrustNames, loadLocalTrust, type LocalTrust } from './localTrusts.ts';
import { isOurProcess, logTail } from './ownedProcess.ts';
import { databaseUrl, localPostgres } from './postgres.ts';
import { databaseNameFor, type StackLayout } from './stackLayout.ts';
import { readStackState } from './stackState.ts';
import { retentionReportToken } from './retentionPreparation.ts';
import { retentionMarkers } from './retentionProcess.ts';
import { synapseMarkers } from './synapseProcess.ts';
import { trustFiles } from './trustFiles.ts';
import { policyDatabaseUrl } from './trustPreparation.ts';
import { readSecret, secretFilesIn } from './trustSecrets.ts';
import { localLayout } from './localLayout.ts';

/** What `status --json` prints for each running trust (the contract operators' scripts and tests rely on). */
export type RunningTrust = Readonly<{
  name: string;
  serverName: string;
  /** The gateway: where clients connect. */
  clientUrl: string;
  /** Synapse's own internal client listener, with the admin API. */
  synapseUrl: string;
  /** The gateway's federation TLS port: the address in the server name. */
  federationUrl: string;
  registrationSharedSecret: string;
  /** Synapse's database. */
  databaseUrl: string;
  /** Bleep's own database for this trust: device enrolments and the audit trail. */
  policyDatabaseUrl: string;
  /** The retention service's internal port: /healthz, /metrics and /report. */
  retentionUrl: string;
  /** The bearer token its /report asks for (RETENTION_REPORT_TOKEN). */
  retentionReportToken: string;
  /** Test-only: the token of the local application service that may date events in the past (testAppService.ts). */
  testAppServiceToken: string;
}>;

export type TrustStatus =
  | Readonly<{
      name: string;
      state: 'running';
      pid: number;
      gatewayPid: number;
      retentionPid: number;
      trust: RunningTrust;
    }>
  | Readonly<{ name: string; state: 'crashed'; problem: string; logTail: string }>
  | Readonly<{ name: string; state: 'stopped' }>;

export async function runningTrustInfo(layout: StackLayout, trust: LocalTrust): Promise<RunningTrust> {
  const files = trustFiles(layout, trust.name);
  const secrets = secretFilesIn(files.keysDir);
  const dbName = databaseNameFor(trust.name);
  return {
    name: trust.name,
    serverName: trust.policy.trust.serverName,
    clientUrl: `http://127.0.0.1:${trust.ports.client}`,
    synapseUrl: `http://127.0.0.1:${trust.ports.synapseInternal}`,
    federationUrl: `https://${trust.policy.trust.serverName}`,
    registrationSharedSecret: await readSecret(secrets.registrationSharedSecret),
    databaseUrl: databaseUrl(localPostgres, dbName, await readSecret(secrets.databasePassword)),
    policyDatabaseUrl: await policyDatabaseUrl(files, trust.name),
    retentionUrl: `http://127.0.0.1:${trust.ports.retention}`,
    retentionReportToken: await retentionReportToken(files),
    testAppServiceToken: await readSecret(secrets.testAppServiceToken),
  };
}

async function endOfLogs(paths: readonly string[]): Promise<string> {
  const tails: string[] = [];
  for (const path of paths) {
    const tail = await logTail(path);
    if (tail !== '') tails.push(`==> ${path} <==\n${tail}`);
  }
  return tails.join('\n');
}

export async function stackStatus(layout: StackLayout = localLayout()): Promise<TrustStatus[]> {
  const state = await readStackState(layout.stackFile);
  const statuses: TrustStatus[] = [];
  for (const name of localTrustNames) {
    const record = state.trusts[name];
    if (!record) {
      statuses.push({ name, state: 'stopped' });
      continue;
    }
    const files = trustFiles(layout, name);
    const synapseUp = await isOurProcess(
      record.pid,
      synapseMarkers(join(files.chrootDir, 'homeserver.yaml')),
    );
    const gatewayUp = await isOurProcess(record.gatewayPid, gatewayMarkers(name));
    const retentionUp = await isOurProcess(record.retentionPid, retentionMarkers(name));
    if (synapseUp && gatewayUp && retentionUp) {
      const trust = await loadLocalTrust(name);
      try {
        statuses.push({
          name,
          state: 'running',
          pid: record.pid,
          gatewayPid: record.gatewayPid,
          retentionPid: record.retentionPid,
          trust: await runningTrustInfo(layout, trust),
        });
      } catch (error) {
        // Started by an older runner whose files differ (e.g. a secret added since): `up` replaces it whole.
        statuses.push({
          name,
          state: 'crashed',
          problem: `it runs, but its files are incomplete (${(error as Error).message}); \`up\` restarts it`,
          logTail: '',
        });
      }
      continue;
    }
    // Recorded as started but gone: crashed or killed behind the runner's back. Say so, with the logs' end.
    const gone = [
      synapseUp ? [] : [`Synapse (pid ${record.pid})`],
      gatewayUp ? [] : [`gateway (pid ${record.gatewayPid})`],
      retentionUp ? [] : [`retention service (pid ${record.retentionPid})`],
    ].flat();
    statuses.push({
      name,
      state: 'crashed',
      problem: `${gone.join(' and ')} stopped unexpectedly`,
      logTail: await endOfLogs([
        ...(synapseUp ? [] : [files.consoleLog, files.synapseLog]),
        ...(gatewayUp ? [] : [files.gatewayLog]),
        ...(retentionUp ? [] : [files.retentionLog]),
      ]),
    });
  }
  return statuses;
}
