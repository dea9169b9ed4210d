// How the client app runs: client/serve's renderer server as a Node process (the pinned Node 24) on a fixed loopback
// port, serving the renderer's build from the stack's cache with the trusts' config beside it, as its own
// unprivileged user (it only reads). Its build is client/serve's own build script, run by the runner.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDetached, type ProcessMarker, type StartedProcess } from './ownedProcess.ts';
import { clientAppPort, type StackLayout } from './stackLayout.ts';
import type { SystemUser } from './systemUser.ts';

export const serveRendererMain = fileURLToPath(
  new URL('../../../client/serve/serveRenderer.ts', import.meta.url),
);
export const buildRendererCli = fileURLToPath(
  new URL('../../../client/serve/buildRendererCli.ts', import.meta.url),
);
export const clientAppUserName = 'bleep-client-app';
export const clientAppHost = '127.0.0.1';
export const clientAppUrl = `http://${clientAppHost}:${clientAppPort}`;

export type ClientAppFiles = Readonly<{
  /** The renderer's static files the server serves. */
  buildDir: string;
  /** The client app's code version of that build, written once the build is complete. */
  builtVersionFile: string;
  /** `{trusts: [...]}`, the server's --config. */
  configPath: string;
  log: string;
  buildLog: string;
}>;

export function clientAppFiles(layout: StackLayout): ClientAppFiles {
  return {
    buildDir: join(layout.clientAppDir, 'renderer'),
    builtVersionFile: join(layout.clientAppDir, 'renderer.version'),
    configPath: join(layout.clientAppDir, 'bleep-config.json'),
    log: join(layout.logDir, 'client-app.log'),
    buildLog: join(layout.logDir, 'client-app-build.log'),
  };
}

/**
 * Command-line markers that identify this stack's client app server: the script, whichever checkout, and the
 * config in this stack's cache (another process serving some other directory is not ours).
 */
export function clientAppMarkers(configPath: string): ProcessMarker[] {
  return [/\/client\/serve\/serveRenderer\.ts$/, '--config', configPath];
}

export function startClientApp(files: ClientAppFiles, user: SystemUser | undefined): Promise<StartedProcess> {
  return startDetached({
    ...(user ? { user } : {}),
    command: process.execPath,
    args: [
      serveRendererMain,
      '--directory',
      files.buildDir,
      '--config',
      files.configPath,
      '--host',
      clientAppHost,
      '--port',
      String(clientAppPort),
    ],
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8' },
    logPath: files.log,
  });
}
