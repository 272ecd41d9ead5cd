// The backend contract suite: every numerical test file of the packages (those that
// start their backend with testing.initForTests) runs once per target, as one vitest
// project per target; plus this folder's own cross-backend tests. See src/targets.ts.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { targetsFromEnvironment } from './src/targets.js';

const repository = fileURLToPath(new URL('../..', import.meta.url));
const here = fileURLToPath(new URL('.', import.meta.url));
const sharedSetup = join(repository, 'vitest.setup.ts');

function testFiles(folder: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(folder);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : testFiles(path);
    return name.endsWith('.test.ts') ? [path] : [];
  });
}

function packageSources(parent: string): string[] {
  const folder = join(repository, parent);
  return readdirSync(folder)
    .map((name) => join(folder, name, 'src'))
    .filter((src) => statSync(src, { throwIfNoEntry: false })?.isDirectory());
}

// A file joins when it lets the suite choose its backend (it calls initForTests);
// files that pin one (runtime's init.test.ts, the backend plugins' own tests) stay out.
const numericalTests = [...packageSources('packages'), ...packageSources('packages/models')]
  .flatMap(testFiles)
  .filter((file) => readFileSync(file, 'utf8').includes('initForTests'))
  .map((file) => relative(repository, file));

const targets = targetsFromEnvironment(process.env);
// One @elbo/runtime for everything: runtime's own test files import its src, and
// without this the other packages' dist (and kernel plugins) would bring a second copy,
// whose Generator class and init() state are not the ones the tests use.
const runtimeSource = join(repository, 'packages/runtime/src/index.ts');

export default defineConfig({
  test: {
    root: repository,
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    maxWorkers: 2,
    projects: [
      ...targets.map((target) => ({
        resolve: { alias: { '@elbo/runtime': runtimeSource } },
        test: {
          name: target.label,
          root: repository,
          include: numericalTests,
          setupFiles: [sharedSetup, join(here, 'src/set-target.ts')],
          env: { ELBO_TARGET: target.label },
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      })),
      {
        resolve: { alias: { '@elbo/runtime': runtimeSource } },
        test: {
          name: 'cross-backend',
          root: here,
          include: ['src/**/*.test.ts'],
          setupFiles: [sharedSetup],
          testTimeout: 120_000,
        },
      },
    ],
  },
});
