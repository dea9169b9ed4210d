import { describe, expect, it } from 'vitest';
import { DockerCommandError, runCommand } from './dockerCommand.ts';

describe('runCommand', () => {
  it("gives the command's standard output, with its input and the classic-build environment", async () => {
    const printed = await runCommand(
      'sh',
      ['-c', 'cat; echo " $COMPOSE_DOCKER_CLI_BUILD $DOCKER_BUILDKIT"'],
      {
        input: 'in',
      },
    );
    expect(printed).toBe('in 0 0\n');
  });

  it('fails with the exit code and what the command printed on both streams', async () => {
    const failed = await runCommand('sh', ['-c', 'echo out; echo err >&2; exit 3']).catch(
      (error: unknown) => error,
    );
    expect(failed).toBeInstanceOf(DockerCommandError);
    expect(failed).toMatchObject({ exitCode: 3, output: 'out\nerr\n' });
  });

  it('ends a command that outlives its time limit, and says so as a failure', async () => {
    const failed = await runCommand('sleep', ['5'], { timeoutMs: 100 }).catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(DockerCommandError);
    expect(failed).toMatchObject({ exitCode: null });
  });
});
