import { defineProject } from 'vitest/config';

// The client core against the real local stack (trust-a and trust-b: chroot Synapse behind the policy gateway, on
// the machine's PostgreSQL). It reuses deploy's global setup, which starts whatever trusts are not running and
// stops only what it started. Its files run one at a time, in the same sequential group as deploy's integration
// files (vitest puts every project with one worker there), so no client test overlaps the test that stops trust-b.
export default defineProject({
  test: {
    name: 'client:integration',
    include: ['test/integration/**/*.test.ts', 'test/chromium/**/*.test.ts', 'test/renderer/**/*.test.ts'],
    globalSetup: ['../deploy/test/integration/stackGlobalSetup.ts'],
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 900_000,
  },
});
