import { defineConfig } from 'vitest/config';

// One vitest project per workspace (and one for the integration tests that need the running stack);
// each config file names its project, so `--project deploy:integration` runs just that part.
export default defineConfig({
  test: {
    projects: [
      '*/vitest.config.ts',
      'deploy/vitest.integration.config.ts',
      // docker-compose.yml under a real Docker engine; runs after the others (its own groupOrder).
      'deploy/vitest.compose.config.ts',
      'client/vitest.integration.config.ts',
    ],
    reporters: ['default', './scripts/testSummaryReporter.ts'],
    // matrix-js-sdk logs its sync and call chatter with console.log; keep warnings and errors only.
    onConsoleLog: (_log, type) => type === 'stderr',
  },
});
