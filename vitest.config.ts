import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'reports/runs/**', 'out/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration tests spawn servers and load generators; on 2 cores, running files
    // in parallel makes them fight for CPU and time out.
    fileParallelism: false,
  },
});
