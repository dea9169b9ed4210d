import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'client:unit',
    include: [
      'core/**/*.test.ts',
      'node/**/*.test.ts',
      'browser/**/*.test.ts',
      'shell/**/*.test.ts',
      'renderer/**/*.test.ts',
      'serve/**/*.test.ts',
    ],
  },
});
