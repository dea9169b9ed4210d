import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'policy-module:unit', include: ['src/**/*.test.ts'] },
});
