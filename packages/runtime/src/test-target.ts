import { cpu } from './backend.js';
import type { BackendPlugin } from './backend.js';
import { init } from './init.js';
import type { RuntimeSummary } from './init.js';
import type { KernelPlugin } from './kernels.js';

/**
 * The backend and kernels that test suites should run on. Package tests call
 * {@link initForTests}; the backend contract suite (tests/backends) sets the target
 * before loading them, so one set of test files runs on cpu, wasm, cuda and every
 * kernel plugin without importing any of them.
 */
export interface TestTarget {
  readonly backend?: BackendPlugin;
  readonly kernels?: KernelPlugin;
  /** e.g. `wasm/assemblyscript`, for test names and per-target tolerances. */
  readonly label: string;
}

// Kept on globalThis so a setup file and the test files share it even when a test
// runner loads them in separate module graphs.
const KEY = Symbol.for('@elbo/runtime/test-target');
type Holder = { [KEY]?: TestTarget };

export function setTestTarget(target: TestTarget | undefined): void {
  (globalThis as Holder)[KEY] = target;
}

/** The target set by the contract suite, or cpu with the default kernels. */
export function testTarget(): TestTarget {
  return (globalThis as Holder)[KEY] ?? { label: 'cpu/tfjs-ops' };
}

/** init() on the current test target with the given seed. */
export async function initForTests(options: { seed?: number | bigint } = {}): Promise<RuntimeSummary> {
  const target = testTarget();
  return init({ backend: target.backend ?? cpu(), kernels: target.kernels, seed: options.seed ?? 0 });
}
