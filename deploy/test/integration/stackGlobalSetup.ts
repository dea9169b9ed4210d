// Vitest global setup for the integration tests: makes sure trust-a, trust-b and the outsider run on the real
// local stack (chroot Synapse + the machine's PostgreSQL), starting those that do not, and stops at the end only
// what it started. A stack a person already brought up with `npm start` from this code is used as it is.
import type { TestProject } from 'vitest/node';
import type { RunningTrust } from '../../local/src/stackStatus.ts';
import { runningTrusts, stackCommand } from './stackCli.ts';

const needed = ['trust-a', 'trust-b', 'outsider'];

declare module 'vitest' {
  export interface ProvidedContext {
    stack: RunningTrust[];
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const before = await runningTrusts();
  const startedHere = needed.filter((name) => !before.some((trust) => trust.name === name));
  // Always `up`: it starts what is missing and restarts a trust running other gateway code (another checkout, or
  // this one before an edit), so the tests exercise the code checked out. Otherwise it only checks them.
  await stackCommand(['up', ...needed]);
  const trusts = await runningTrusts();
  for (const name of needed) {
    if (!trusts.some((trust) => trust.name === name))
      throw new Error(`${name} is not running after "stack up"`);
  }
  project.provide('stack', trusts);
  return async () => {
    if (startedHere.length > 0) await stackCommand(['stop', ...startedHere]);
  };
}
