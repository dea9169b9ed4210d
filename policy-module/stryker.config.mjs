// Mutation testing of the security code: the policy gateway and device enrolment. Not part of `npm test` or CI
// (a full run takes long on two cores); run it with `npm run mutation` and read policy-module/MUTATION.md.
// @ts-check

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/*', './strykerIgnorers.mjs'],
  // Mutants that never pass review: out of the score as they would be out of the code.
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  // Patterns no unit test can kill for a reason that matters (strykerIgnorers.mjs says why, the report shows it).
  ignorers: ['log-lines', 'synapse-servlet-names', 'metric-help'],
  // The unit project only: the integration tests need the running stack.
  vitest: { configFile: 'vitest.config.ts', related: true },
  // Per-test coverage: each mutant runs only the tests that reach it (the vitest runner's own mode).
  coverageAnalysis: 'perTest',
  mutate: [
    'src/gateway/**/*.ts',
    'src/enrolment/**/*.ts',
    '!src/**/*.test.ts',
    '!src/**/*.testkit.ts',
    // Wiring only: reads the environment, opens ports, handles signals. Proved by the integration tests.
    '!src/gateway/main.ts',
  ],
  // Two workers: the machine has two cores, and every worker's tests open throwaway PostgreSQL databases (each
  // with a random name, so workers never share one).
  concurrency: 2,
  // Reruns test only the mutants whose code or tests changed since the last run, but reuse the results of
  // module-level ("static") mutants even when their tests changed: run with --force after such a change.
  incremental: true,
  incrementalFile: 'reports/mutation/stryker-incremental.json',
  reporters: ['progress', 'clear-text', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 95, low: 90, break: 90 },
  tempDirName: '.stryker-tmp',
};
