import * as tf from '@tensorflow/tfjs';
import { cpu, init } from '@elbo/runtime';
import type { BackendPlugin, KernelPlugin } from '@elbo/runtime';
import { importOptional } from '../optional.js';

/** Where a variant runs: tfjs alone ("plain") or through elbo's init() with a kernel plugin. */
export interface Target {
  readonly backend: 'cpu' | 'wasm';
  readonly via: 'tfjs' | 'elbo';
  readonly kernels?: 'tfjs-ops' | 'assemblyscript';
}

export interface TargetSummary {
  readonly backend: string;
  readonly kernels: string;
  readonly simd: boolean | null;
  readonly notes: readonly string[];
}

/** Starts the target's backend in this process (tfjs backends are process-global). */
export async function setupTarget(target: Target, seed = 1): Promise<TargetSummary> {
  if (target.via === 'tfjs') {
    if (target.backend === 'wasm') {
      // The obvious way: import the backend for its side effect and switch to it.
      await import('@tensorflow/tfjs-backend-wasm');
    }
    if (!(await tf.setBackend(target.backend))) throw new Error(`tfjs could not start its ${target.backend} backend`);
    await tf.ready();
    return { backend: `tfjs-${target.backend}`, kernels: '-', simd: null, notes: [] };
  }
  const backend =
    target.backend === 'cpu'
      ? cpu()
      : (await importOptional<{ wasm: () => BackendPlugin }>('@elbo/backend-wasm')).wasm();
  const kernels =
    target.kernels === 'assemblyscript'
      ? (await importOptional<{ assemblyScriptKernels: () => KernelPlugin }>('@elbo/kernels')).assemblyScriptKernels()
      : undefined;
  const summary = await init({ backend, kernels, seed });
  return { backend: summary.backend, kernels: summary.kernels, simd: summary.simd, notes: summary.notes };
}

/** Parses ids such as `tfjs-cpu` or `elbo-wasm-assemblyscript`. */
export function parseTarget(id: string): Target {
  const match = /^(tfjs|elbo)-(cpu|wasm)(?:-(tfjs-ops|assemblyscript))?$/.exec(id);
  if (!match || (match[1] === 'elbo') !== (match[3] !== undefined)) {
    throw new Error(`unknown target '${id}': expected tfjs-<cpu|wasm> or elbo-<cpu|wasm>-<tfjs-ops|assemblyscript>`);
  }
  const backend = match[2] as Target['backend'];
  return match[1] === 'tfjs' ? { via: 'tfjs', backend } : { via: 'elbo', backend, kernels: match[3] as Target['kernels'] };
}
