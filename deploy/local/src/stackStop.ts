// `stop` and `reset`: ends the processes the runner started (the trusts', and with a plain `stop` the client app's),
// by recorded pid and command line, never by name; `reset` also drops the trusts' databases and wipes their state (the cached sid root stays).
import { access, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { gatewayMarkers } from './gatewayProcess.ts';
import { localTrustNames } from './localTrusts.ts';
import { stopOurProcess } from './ownedProcess.ts';
import { dropRole, dropTrustDatabase, ensurePostgresRunning, localPostgres } from './postgres.ts';
import type { Reporter } from './progress.ts';
import { databaseNameFor, policyDatabaseNameFor, type StackLayout } from './stackLayout.ts';
import { readStackState, writeStackState, type StackState } from './stackState.ts';
import { synapseMarkers } from './synapseProcess.ts';
import { trustFiles } from './trustFiles.ts';
import { gatewayDatabaseRoleFor } from './trustPreparation.ts';
import { proofDatabaseRoleFor, retentionDatabaseRoleFor } from './retentionPreparation.ts';
import { retentionMarkers } from './retentionProcess.ts';
import { localLayout, requireRoot } from './localLayout.ts';
import { withStackLock } from './stackLock.ts';
import { clientAppFiles, clientAppMarkers } from './clientAppProcess.ts';

export async function stopTrustProcesses(
  layout: StackLayout,
  name: string,
  state: StackState,
): Promise<void> {
  const record = state.trusts[name];
  if (!record) return;
  // The retention service first, so no purge is left waiting on a Synapse that is going away (a run it stops is
  // finished by the next).
  if (record.retentionPid > 0) await stopOurProcess(record.retentionPid, retentionMarkers(name));
  // The gateway next, so clients get its clear "homeserver unavailable" error rather than a refused connection.
  if (record.gatewayPid > 0) await stopOurProcess(record.gatewayPid, gatewayMarkers(name));
  await stopOurProcess(
    record.pid,
    synapseMarkers(join(trustFiles(layout, name).chrootDir, 'homeserver.yaml')),
  );
}

/** Stops the client app's server, if one was recorded, and forgets it. */
async function stopClientApp(layout: StackLayout): Promise<void> {
  const record = (await readStackState(layout.stackFile)).clientApp;
  if (!record) return;
  await stopOurProcess(record.pid, clientAppMarkers(clientAppFiles(layout).configPath), 10_000);
  const latest = await readStackState(layout.stackFile);
  delete latest.clientApp;
  await writeStackState(layout.stackFile, latest);
}

/** Stops the named trusts (all, and the client app, when none are named); by recorded pid only. */
export async function stackStop(
  names: readonly string[],
  reporter: Reporter,
  layout: StackLayout = localLayout(),
): Promise<void> {
  await withStackLock(layout.lockFile, () => stopLocked(names, reporter, layout), {
    onWait: (pid) => {
      reporter.info(`waiting for another stack command (pid ${pid}) to finish`);
    },
  });
}

async function stopLocked(names: readonly string[], reporter: Reporter, layout: StackLayout): Promise<void> {
  const state = await readStackState(layout.stackFile);
  if (names.length === 0 && state.clientApp) {
    await reporter.step('client app: stop its server', () => stopClientApp(layout));
  }
  const targets = names.length > 0 ? names : Object.keys(state.trusts);
  for (const name of targets) {
    if (!state.trusts[name]) {
      reporter.info(`${name} is not running`);
      continue;
    }
    await reporter.step(`${name}: stop retention service, gateway and Synapse`, () =>
      stopTrustProcesses(layout, name, state),
    );
    // Re-read: another trust's record may have changed while this one stopped.
    const latest = await readStackState(layout.stackFile);
    const rest = Object.fromEntries(
      Object.entries(latest.trusts).filter(([trustName]) => trustName !== name),
    );
    await writeStackState(layout.stackFile, { ...latest, trusts: rest });
  }
}

/** Stops everything and wipes all state (databases, keys, media, logs); the cached sid root stays. */
export async function stackReset(reporter: Reporter, layout: StackLayout = localLayout()): Promise<void> {
  requireRoot();
  await withStackLock(layout.lockFile, () => resetLocked(reporter, layout));
}

async function resetLocked(reporter: Reporter, layout: StackLayout): Promise<void> {
  await stackStop([], reporter, layout);
  const logPath = join(layout.logDir, 'runner.log');
  try {
    await access(layout.sidRoot);
  } catch {
    reporter.info('nothing to reset');
    return;
  }
  await reporter.step('PostgreSQL', () => ensurePostgresRunning(localPostgres, logPath));
  for (const name of localTrustNames) {
    await reporter.step(`${name}: drop databases`, async () => {
      await dropTrustDatabase(databaseNameFor(name), logPath);
      await dropTrustDatabase(policyDatabaseNameFor(name), logPath);
      await dropRole(gatewayDatabaseRoleFor(name), logPath);
      await dropRole(retentionDatabaseRoleFor(name), logPath);
      await dropRole(proofDatabaseRoleFor(name), logPath);
    });
  }
  await rm(layout.stateDir, { recursive: true, force: true });
  await rm(layout.logDir, { recursive: true, force: true });
}
