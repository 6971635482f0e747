import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'common/**/*.test.ts',
      'main/**/*.test.ts',
      'tests/**/*.test.ts',
      'renderer/**/*.test.{ts,tsx}',
    ],
    environment: 'node',
    // Real training on real data: generous, but a hang still fails.
    testTimeout: 180_000,
    hookTimeout: 120_000,
    // Two cores: tests that train share them with the worker pools they start.
    maxWorkers: 2,
    pool: 'forks',
  },
});
