import { defineProject } from 'vitest/config';

// Integration tests talk to the real local stack (chroot Synapse homeservers on the machine's PostgreSQL).
// The global setup starts whatever trusts are not running, and stops only what it started.
export default defineProject({
  test: {
    name: 'deploy:integration',
    include: ['test/integration/**/*.test.ts'],
    globalSetup: ['test/integration/stackGlobalSetup.ts'],
    // Files share the stack and one of them stops and restarts a trust: run them one at a time.
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 900_000,
  },
});
