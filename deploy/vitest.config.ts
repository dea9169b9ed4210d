import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'deploy:unit',
    include: ['local/**/*.test.ts', 'synapse/**/*.test.ts', 'compose/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['test/integration/**', 'test/compose/**', '**/node_modules/**'],
  },
});
