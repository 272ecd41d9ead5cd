// Settings every package's vitest.config.ts starts from.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
    setupFiles: [fileURLToPath(new URL('./vitest.setup.ts', import.meta.url))],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Numerical suites are CPU bound; two workers match the 2-core CI machines.
    maxWorkers: 2,
  },
});
