// The real bleep-policy executable, run as a child process by this Node (type stripping, no build), against
// real PostgreSQL: a throwaway database on the local server for each test that needs one, dropped afterwards.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrateBleepSchema } from '../database/bleepSchema.ts';
import { createThrowawayDatabase, type ThrowawayDatabase } from '../database/throwawayDatabase.testkit.ts';
import { exitCodes } from './cliCommand.ts';

const run = promisify(execFile);
const executable = fileURLToPath(new URL('./bleepPolicy.ts', import.meta.url));

type Outcome = { code: number; stdout: string; stderr: string };

async function bleepPolicy(args: string[], env: Record<string, string>): Promise<Outcome> {
  // Only what the command needs: a developer's own BLEEP_DATABASE_URL or Synapse token must not leak in.
  const childEnv = { PATH: process.env.PATH ?? '', SUDO_USER: 'ward-it', ...env };
  try {
    const { stdout, stderr } = await run(process.execPath, [executable, ...args], {
      env: childEnv,
      timeout: 20_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof failed.code !== 'number') throw error;
    return { code: failed.code, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

describe('bleep-policy as a command', () => {
  describe('against a database', () => {
    let database: ThrowawayDatabase;

    beforeEach(async () => {
      database = await createThrowawayDatabase();
    });

    afterEach(async () => {
      await database.drop();
    });

    it('says to run migrate on a database without the schema, and migrate makes it', async () => {
      const env = { BLEEP_DATABASE_URL: database.url };
      const early = await bleepPolicy(['list-devices'], env);
      expect(early.code).toBe(exitCodes.failed);
      expect(early.stderr).toMatch(/bleep-policy migrate/);
      const migrated = await bleepPolicy(['migrate'], env);
      expect(migrated).toMatchObject({ code: exitCodes.ok, stderr: '' });
      expect(migrated.stdout).toMatch(/up to date/);
    });

    it('enrols a device, then lists it awaiting its code, without ever listing the code', async () => {
      await migrateBleepSchema(database.pool);
      const env = { BLEEP_DATABASE_URL: database.url };
      const enrolled = await bleepPolicy(
        ['enrol-device', '--device-id', 'WARD12-PC03', '--label', "Ward 12 nurses' station"],
        env,
      );
      expect(enrolled).toMatchObject({ code: exitCodes.ok, stderr: '' });
      const code = /[0-9A-Z]{4}(-[0-9A-Z]{4}){3}/.exec(enrolled.stdout)?.[0];
      expect(code).toBeDefined();

      const listed = await bleepPolicy(['list-devices'], env);
      expect(listed).toMatchObject({ code: exitCodes.ok, stderr: '' });
      expect(listed.stdout.split('\n')[1]).toMatch(
        /^WARD12-PC03 +Ward 12 nurses' station +awaiting-code +- +-$/,
      );
      expect(listed.stdout).not.toContain(code);
      expect(listed.stdout).not.toContain(code?.replaceAll('-', ''));

      const stored = await database.pool.query('SELECT created_by FROM bleep_device_enrolment');
      expect(stored.rows).toEqual([{ created_by: 'ward-it' }]);
    });
  });

  it('exits with the configuration code and names BLEEP_DATABASE_URL when it is not set', async () => {
    const outcome = await bleepPolicy(['list-devices'], {});
    expect(outcome.code).toBe(exitCodes.config);
    expect(outcome.stderr).toContain('BLEEP_DATABASE_URL is not set');
  });

  it('exits with the usage code when the device ID is missing', async () => {
    const outcome = await bleepPolicy(['enrol-device'], {});
    expect(outcome.code).toBe(exitCodes.usage);
    expect(outcome.stderr).toContain('--device-id is required');
  });
});
