/** Starts the runtime on the backend and kernels a benchmark asks for (shared by the scripts). */
import { cpu, init } from '@elbo/runtime';
import type { KernelPlugin, RuntimeSummary } from '@elbo/runtime';

export type BackendName = 'cpu' | 'wasm';
export type KernelsName = 'default' | 'assemblyscript';

export async function startRuntime(backend: BackendName, kernels: KernelsName, seed: number): Promise<RuntimeSummary> {
  let plugin = cpu();
  if (backend === 'wasm') {
    const { wasm } = await import('@elbo/backend-wasm');
    plugin = wasm();
  }
  let kernelPlugin: KernelPlugin | undefined;
  if (kernels === 'assemblyscript') {
    // Optional: the AssemblyScript kernels live in @elbo/kernels, loaded only when asked for.
    const specifier = '@elbo/kernels';
    const module = (await import(specifier)) as { assemblyScriptKernels: () => KernelPlugin };
    kernelPlugin = module.assemblyScriptKernels();
  }
  return init({ backend: plugin, kernels: kernelPlugin, seed });
}

/** Reads `--name value` flags from argv. */
export function flag(argv: readonly string[], name: string): string | undefined {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
}
