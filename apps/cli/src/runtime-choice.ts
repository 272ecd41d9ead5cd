import { cpu, init } from '@elbo/runtime';
import type { BackendPlugin, KernelPlugin, RuntimeSummary } from '@elbo/runtime';
import { wasm } from '@elbo/backend-wasm';
import { cuda } from '@elbo/backend-cuda';
import { assemblyScriptKernels } from '@elbo/kernels';
import { CliError, EXIT, oneLine } from './errors.js';

import type { BackendChoice, KernelsChoice } from './choices.js';

export type { BackendChoice, KernelsChoice } from './choices.js';

/** Backend plugins by name; `auto` tries the fastest first (cuda when installed, then wasm, then cpu). */
export function backendPlugins(choice: BackendChoice): BackendPlugin[] {
  switch (choice) {
    case 'cpu':
      return [cpu()];
    case 'wasm':
      return [wasm()];
    case 'cuda':
      return [cuda()];
    case 'auto':
      return [cuda(), wasm(), cpu()];
  }
}

export function kernelPlugin(choice: KernelsChoice): KernelPlugin | undefined {
  return choice === 'assemblyscript' ? assemblyScriptKernels() : undefined;
}

/** Starts the runtime; a backend that cannot start is a one-line error naming --backend. */
export async function startRuntime(options: { backend: BackendChoice; kernels: KernelsChoice; seed: number }): Promise<RuntimeSummary> {
  const kernels = kernelPlugin(options.kernels);
  try {
    return await init({ backend: backendPlugins(options.backend), seed: options.seed, ...(kernels ? { kernels } : {}) });
  } catch (error) {
    throw new CliError(`--backend ${options.backend} --kernels ${options.kernels}: could not start (${oneLine(error)})`, EXIT.failure);
  }
}
