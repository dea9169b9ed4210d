import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'retention-service:unit', include: ['src/**/*.test.ts', 'bench/**/*.test.ts'] },
});
