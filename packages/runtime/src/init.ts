import * as tf from '@tensorflow/tfjs';
import pkg from '../package.json' with { type: 'json' };
import type { BackendCapabilities, BackendPlugin } from './backend.js';
import { describeValue, invalidArgument } from './errors.js';
import { Generator } from './generator.js';
import type { KernelPlugin } from './kernels.js';
import { tfjsKernels } from './tfjs-kernels.js';

export interface InitOptions {
  /**
   * A backend plugin, or several in order of preference (the first that starts wins).
   * Omitted: tfjs's own choice among the backends already registered, which is the
   * highest-priority one that starts (tensorflow > webgl > wasm > cpu).
   */
  readonly backend?: BackendPlugin | readonly BackendPlugin[];
  /** Kernel plugin for KL and sampling; default: {@link tfjsKernels}. */
  readonly kernels?: KernelPlugin;
  /** Seed of the default generator; omitted: a fresh one from crypto, reported in the summary. */
  readonly seed?: number | bigint;
}

/** What init() chose, for logs and `elbo info`. */
export interface RuntimeSummary extends BackendCapabilities {
  /** Backend plugin name (or the tfjs backend name when none was given). */
  readonly backend: string;
  readonly tfjsBackend: string;
  readonly kernels: string;
  /** Seed of the default generator: pass it back to init() to reproduce a run. */
  readonly seed: string;
  readonly versions: { readonly elboRuntime: string; readonly tfjs: string };
}

interface RuntimeState {
  kernels: KernelPlugin;
  generator: Generator | undefined;
  summary: RuntimeSummary | undefined;
}

const state: RuntimeState = { kernels: tfjsKernels(), generator: undefined, summary: undefined };
const OPTION_KEYS = new Set(['backend', 'kernels', 'seed']);

/**
 * Chooses the backend, the kernels and the seed for every elbo package.
 * Calling it again replaces all three (and restarts the default generator).
 */
export async function init(options: InitOptions = {}): Promise<RuntimeSummary> {
  if (typeof options !== 'object' || options === null) {
    throw invalidArgument('init', 'options', 'an object', options);
  }
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.has(key)) {
      throw invalidArgument('init', `option '${key}'`, `one of ${[...OPTION_KEYS].join(', ')}`, { raw: 'an unknown option' });
    }
  }
  const kernels = options.kernels ?? tfjsKernels();
  checkKernelPlugin(kernels);
  const seed = options.seed ?? randomSeed();
  const generator = Generator.fromSeed(seed);

  const { plugin, capabilities } = await startBackend(options.backend);
  await kernels.setup?.();

  state.kernels = kernels;
  state.generator = generator;
  state.summary = {
    backend: plugin?.name ?? tf.getBackend(),
    tfjsBackend: tf.getBackend(),
    kernels: kernels.name,
    simd: capabilities.simd ?? null,
    threads: capabilities.threads ?? false,
    threadCount: capabilities.threadCount ?? 1,
    notes: capabilities.notes ?? [],
    seed: String(seed),
    versions: { elboRuntime: pkg.version, tfjs: tf.version_core },
  };
  return state.summary;
}

/** The summary of the last init(), or undefined before it. */
export function runtimeSummary(): RuntimeSummary | undefined {
  return state.summary;
}

/** The kernel plugin in use (the tfjs-ops kernels until init() chooses others). */
export function getKernels(): KernelPlugin {
  return state.kernels;
}

/**
 * The default generator made by init({ seed }). Before init() it is created on first
 * use from a crypto seed, so code that never calls init() still gets valid draws.
 */
export function getGenerator(): Generator {
  state.generator ??= Generator.fromSeed(randomSeed());
  return state.generator;
}

async function startBackend(
  choice: InitOptions['backend'],
): Promise<{ plugin: BackendPlugin | undefined; capabilities: Partial<BackendCapabilities> }> {
  if (choice === undefined) {
    await tf.ready();
    return { plugin: undefined, capabilities: {} };
  }
  const plugins = Array.isArray(choice) ? (choice as readonly BackendPlugin[]) : [choice as BackendPlugin];
  if (plugins.length === 0) throw invalidArgument('init', 'backend', 'a plugin or a non-empty list of plugins', choice);
  const failures: string[] = [];
  for (const plugin of plugins) {
    if (typeof plugin?.setup !== 'function' || typeof plugin.tfjsBackend !== 'string') {
      throw invalidArgument('init', 'backend', 'a BackendPlugin such as cpu() or wasm()', plugin);
    }
    try {
      const capabilities = await plugin.setup();
      if (!tf.findBackendFactory(plugin.tfjsBackend)) {
        throw new Error(`no tfjs backend named '${plugin.tfjsBackend}' is registered after setup()`);
      }
      if (!(await tf.setBackend(plugin.tfjsBackend))) {
        throw new Error(`tfjs could not initialise its '${plugin.tfjsBackend}' backend`);
      }
      return { plugin, capabilities };
    } catch (error) {
      failures.push(`${plugin.name}: ${(error as Error).message}`);
    }
  }
  throw new Error(`init: no backend could start (${failures.join('; ')})`);
}

function checkKernelPlugin(kernels: KernelPlugin): void {
  const methods = ['uniform', 'normal', 'klStandardNormal', 'klDiagNormal', 'reparameterize', 'sampleWithKl'] as const;
  const missing = methods.filter((m) => typeof (kernels as unknown as Record<string, unknown>)?.[m] !== 'function');
  if (typeof kernels !== 'object' || kernels === null || missing.length > 0) {
    throw invalidArgument(
      'init',
      'kernels',
      'a KernelPlugin such as tfjsKernels()',
      { raw: missing.length > 0 && kernels ? `an object without ${missing.join(', ')}` : describeValue(kernels) },
    );
  }
}

function randomSeed(): number {
  const words = new Uint32Array(1);
  globalThis.crypto.getRandomValues(words);
  return words[0]!;
}
