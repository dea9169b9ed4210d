import { defineProject } from 'vitest/config';

// docker-compose.yml run for real under a Docker engine (test/compose/): installs and starts the engine when
// missing, builds local base images without a registry (cached in /var/cache/bleep/compose-images), brings up both
// trusts, and tears them down. It needs the machine's two cores to itself: it runs after every other project
// (groupOrder), so its builds do not slow the local stack's timing-sensitive tests.
export default defineProject({
  test: {
    name: 'deploy:compose',
    include: ['test/compose/**/*.test.ts'],
    sequence: { groupOrder: 1 },
    testTimeout: 300_000,
    // A cold run builds the three local bases (about five minutes) before the images.
    hookTimeout: 1_800_000,
  },
});
