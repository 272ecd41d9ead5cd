// Packing, a real npm install and eight Vite builds: slow by nature, so one worker per
// file and long timeouts. Run it alone: `npm test -w @elbo/tests-packaging`.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
    testTimeout: 240_000,
    hookTimeout: 240_000,
    maxWorkers: 1,
    fileParallelism: false,
  },
});
