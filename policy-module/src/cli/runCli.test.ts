import { describe, expect, it } from 'vitest';
import { exitCodes, parseCommandOptions, requiredOption, type CliCommand } from './cliCommand.ts';
import { cliTestContext } from './cliContext.testkit.ts';
import { runCli } from './runCli.ts';

describe('bleep-policy dispatcher', () => {
  it('prints the commands and exits with the usage code when given none', async () => {
    const { context, err } = cliTestContext();
    expect(await runCli([], context)).toBe(exitCodes.usage);
    expect(err.join('\n')).toMatch(/enrol-device[\s\S]*revoke-device[\s\S]*list-devices/);
  });

  it('prints help on request and exits 0', async () => {
    const { context, out } = cliTestContext();
    expect(await runCli(['--help'], context)).toBe(exitCodes.ok);
    expect(out.join('\n')).toContain('BLEEP_DATABASE_URL');
    const command = cliTestContext();
    expect(await runCli(['enrol-device', '--help'], command.context)).toBe(exitCodes.ok);
    expect(command.out[0]).toContain('usage: bleep-policy enrol-device --device-id ID');
  });

  it('refuses an unknown command', async () => {
    const { context, err } = cliTestContext();
    expect(await runCli(['enroll-device'], context)).toBe(exitCodes.usage);
    expect(err[0]).toContain('unknown command "enroll-device"');
  });

  it('refuses a missing --device-id, an unknown option and a stray argument as usage errors', async () => {
    for (const argv of [
      ['enrol-device'],
      ['enrol-device', '--device-id', ' '],
      ['revoke-device', '--device', 'WARD12-PC03'],
      ['list-devices', 'everything'],
      ['enrol-device', '--device-id', 'WARD12-PC03', '--expires-hours', '0'],
    ]) {
      const { context, err } = cliTestContext();
      expect(await runCli(argv, context), argv.join(' ')).toBe(exitCodes.usage);
      expect(err.at(-1)).toMatch(/^usage: bleep-policy /);
    }
  });

  it('names a missing BLEEP_DATABASE_URL and exits with the configuration code', async () => {
    const { context, err } = cliTestContext();
    expect(await runCli(['list-devices'], context)).toBe(exitCodes.config);
    expect(err[0]).toContain('BLEEP_DATABASE_URL is not set');
  });

  it('checks the Synapse admin settings before revoking anything', async () => {
    const { context, err } = cliTestContext({ env: { SYNAPSE_ADMIN_URL: 'http://synapse:8009' } });
    let opened = false;
    const watched = {
      ...context,
      database: () => {
        opened = true;
        return context.database();
      },
    };
    expect(await runCli(['revoke-device', '--device-id', 'WARD12-PC03'], watched)).toBe(exitCodes.config);
    expect(err[0]).toContain('SYNAPSE_ADMIN_TOKEN is not set');
    expect(opened).toBe(false);
    const bad = cliTestContext({ env: { SYNAPSE_ADMIN_URL: 'synapse', SYNAPSE_ADMIN_TOKEN: 'token' } });
    expect(await runCli(['revoke-device', '--device-id', 'WARD12-PC03'], bad.context)).toBe(exitCodes.config);
    expect(bad.err[0]).toContain('SYNAPSE_ADMIN_URL is not a URL');
  });

  it('finds two-word subcommands such as "audit verify", each added with one line', async () => {
    const ran: string[] = [];
    const command = (name: string): CliCommand => ({
      summary: name,
      usage: '--from DATE',
      run: (args) => {
        const options = parseCommandOptions(args, { from: { type: 'string' } });
        ran.push(`${name} ${requiredOption(options.from, 'from')}`);
        return Promise.resolve(exitCodes.ok);
      },
    });
    const commands = { audit: command('audit'), 'audit verify': command('audit verify') };
    const { context } = cliTestContext();
    expect(await runCli(['audit', 'verify', '--from', '2025-01-01'], context, commands)).toBe(exitCodes.ok);
    expect(await runCli(['audit', '--from', '2025-01-02'], context, commands)).toBe(exitCodes.ok);
    expect(ran).toEqual(['audit verify 2025-01-01', 'audit 2025-01-02']);
  });

  it('reports an unexpected failure with its message and exit code 1', async () => {
    const failing: CliCommand = {
      summary: 'fails',
      usage: '',
      run: () => Promise.reject(new AggregateError([new Error('connect ECONNREFUSED 127.0.0.1:5432')], '')),
    };
    const { context, err } = cliTestContext();
    expect(await runCli(['list-devices'], context, { 'list-devices': failing })).toBe(exitCodes.failed);
    expect(err).toEqual(['bleep-policy list-devices failed: connect ECONNREFUSED 127.0.0.1:5432']);
  });
});
