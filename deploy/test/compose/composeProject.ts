// docker-compose.yml as the compose test runs it: Debian's docker-compose 1.29, the test's .env, and the override
// that swaps in the local bases (docker-compose.local-bases.yml), under a project name of its own so nothing else
// on the engine is touched. The one place the test's compose commands are spelled.
import { fileURLToPath } from 'node:url';
import { dockerCompose, runCommand, runDocker, type CommandOptions } from '../../compose/dockerCommand.ts';
import { repoRoot, type TestDeployment } from './testDeployment.ts';

export const projectName = 'bleep-compose-test';
const overrideFile = fileURLToPath(new URL('docker-compose.local-bases.yml', import.meta.url));

export type ComposeProject = Readonly<{
  compose: (args: readonly string[], options?: CommandOptions) => Promise<string>;
  /** Waits until each service's container reports healthy; fails naming those that do not, with their logs. */
  waitHealthy: (services: readonly string[], timeoutMs: number) => Promise<void>;
  /** Containers, networks and volumes of the project, whatever state they are in. */
  down: () => Promise<string>;
}>;

export function composeProject(deployment: TestDeployment): ComposeProject {
  const compose = (args: readonly string[], options: CommandOptions = {}): Promise<string> =>
    runCommand(
      dockerCompose,
      [
        '--project-name',
        projectName,
        '--env-file',
        deployment.envFile,
        '--file',
        'docker-compose.yml',
        '--file',
        overrideFile,
        '--ansi',
        'never',
        ...args,
      ],
      { cwd: repoRoot, ...options },
    );

  async function healthOf(service: string): Promise<string> {
    const id = (await compose(['ps', '-q', service])).trim();
    if (id === '') return 'no container';
    return (
      await runDocker([
        'inspect',
        '--format',
        '{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{end}}',
        id,
      ])
    ).trim();
  }

  async function waitHealthy(services: readonly string[], timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let states: string[] = [];
    while (Date.now() < deadline) {
      states = await Promise.all(services.map(async (service) => `${service}: ${await healthOf(service)}`));
      if (states.every((state) => state.endsWith('running healthy'))) return;
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
    const unhealthy = states.filter((state) => !state.endsWith('running healthy'));
    const logs = await compose([
      'logs',
      '--tail',
      '30',
      ...unhealthy.map((state) => state.split(':')[0] ?? ''),
    ]).catch((error: unknown) => String(error));
    throw new Error(`not healthy after ${timeoutMs / 1000} s: ${unhealthy.join('; ')}\n${logs}`);
  }

  return {
    compose,
    waitHealthy,
    down: () => compose(['down', '--volumes', '--remove-orphans', '--timeout', '10']),
  };
}
