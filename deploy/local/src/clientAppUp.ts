// `up`'s last part: the client app. Offers the client-facing trusts that run (not the "outsider" test homeserver),
// rebuilds the renderer only when its own code changed, and restarts its server only when it is not running, serves
// another build, or the trusts it offers changed (a trust merely restarting changes nothing the page sees).
import { connect } from 'node:net';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  buildRendererCli,
  clientAppFiles,
  clientAppHost,
  clientAppMarkers,
  clientAppUrl,
  clientAppUserName,
  serveRendererMain,
  startClientApp,
  type ClientAppFiles,
} from './clientAppProcess.ts';
import {
  clientAppConfig,
  clientAppConfigText,
  clientAppConfigVersion,
  planClientApp,
  type OfferedTrust,
} from './clientAppPlan.ts';
import { defaultTrustNames, loadLocalTrust } from './localTrusts.ts';
import { isOurProcess, stopOurProcess, waitForHealth } from './ownedProcess.ts';
import { runLogged, StepError, type Reporter } from './progress.ts';
import { clientAppCodeVersion } from './stackCodeVersion.ts';
import { clientAppPort, type StackLayout } from './stackLayout.ts';
import { readStackState, writeStackState } from './stackState.ts';
import { stackStatus } from './stackStatus.ts';
import { ensureServiceUser } from './systemUser.ts';

async function offeredTrusts(layout: StackLayout): Promise<OfferedTrust[]> {
  const statuses = await stackStatus(layout);
  const offered: OfferedTrust[] = [];
  for (const name of defaultTrustNames) {
    const status = statuses.find((entry) => entry.name === name);
    if (status?.state !== 'running') continue;
    const trust = await loadLocalTrust(name);
    offered.push({ name, policyName: trust.policy.trust.name, clientUrl: status.trust.clientUrl });
  }
  return offered;
}

async function builtVersion(files: ClientAppFiles): Promise<string | undefined> {
  try {
    return (await readFile(files.builtVersionFile, 'utf8')).trim();
  } catch {
    return undefined;
  }
}

/**
 * Builds beside the served directory and swaps it in only when the build succeeded, so a renderer that does not
 * build (mid-edit) leaves the running server as it was. The version file goes first and comes back last: a half
 * swapped directory never passes for a complete build.
 */
async function buildRenderer(files: ClientAppFiles): Promise<void> {
  const staging = `${files.buildDir}.next`;
  await rm(staging, { recursive: true, force: true });
  await rm(files.buildLog, { force: true });
  await runLogged(process.execPath, [buildRendererCli, staging], files.buildLog);
}

async function swapInBuild(files: ClientAppFiles, codeVersion: string): Promise<void> {
  await rm(files.builtVersionFile, { force: true });
  await rm(files.buildDir, { recursive: true, force: true });
  await rename(`${files.buildDir}.next`, files.buildDir);
  await writeFile(files.builtVersionFile, `${codeVersion}\n`);
}

/** True when something accepts connections on the port (a server this stack did not record). */
function portAnswers(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.setTimeout(1000, () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => {
      resolve(false);
    });
  });
}

/** Makes sure the client app serves this checkout's renderer with the running trusts; returns its address. */
export async function ensureClientApp(
  layout: StackLayout,
  reporter: Reporter,
  logPath: string,
): Promise<string> {
  const files = clientAppFiles(layout);
  await mkdir(layout.clientAppDir, { recursive: true });
  const configText = clientAppConfigText(clientAppConfig(await offeredTrusts(layout)));
  const current = {
    codeVersion: await clientAppCodeVersion(),
    configVersion: clientAppConfigVersion(configText),
  };
  const record = (await readStackState(layout.stackFile)).clientApp;
  const running =
    record && (await isOurProcess(record.pid, clientAppMarkers(files.configPath))) ? record : undefined;
  const plan = planClientApp(current, await builtVersion(files), running);
  if (!plan.start && running) {
    reporter.info(`client app is already running (pid ${running.pid}) at ${clientAppUrl}`);
    return clientAppUrl;
  }

  if (plan.build) {
    await reporter.step('client app: build the renderer (Vite)', () => buildRenderer(files));
  }
  if (running) {
    await reporter.step('client app: stop the server of the previous build or trust list', () =>
      stopOurProcess(running.pid, clientAppMarkers(files.configPath), 10_000),
    );
  }
  if (plan.build) await swapInBuild(files, current.codeVersion);
  await writeFile(files.configPath, configText, { mode: 0o644 });

  if (await portAnswers(clientAppHost, clientAppPort)) {
    throw new StepError(
      `${clientAppHost}:${clientAppPort} is taken by a process this stack did not start; end it and run up again`,
    );
  }
  // It only reads: the server script, the build and the config.
  const user = await ensureServiceUser(
    clientAppUserName,
    [serveRendererMain, process.execPath, join(files.buildDir, 'index.html'), files.configPath],
    logPath,
  );
  if (!user) {
    reporter.info(
      `The client app runs as root: user ${clientAppUserName} cannot read this checkout or ${layout.clientAppDir}.`,
    );
  }
  const started = await startClientApp(files, user);
  // Recorded before waiting, so `stop` can end it even if the wait below fails.
  const state = await readStackState(layout.stackFile);
  state.clientApp = { pid: started.pid, startedAt: new Date().toISOString(), ...current };
  await writeStackState(layout.stackFile, state);
  try {
    await reporter.step('client app: server answering', () =>
      waitForHealth('client app', `${clientAppUrl}/bleep-config.json`, started.exited, 30_000, files.log),
    );
  } finally {
    started.detach();
  }
  return clientAppUrl;
}
