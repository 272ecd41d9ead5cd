/**
 * Which backends and kernel plugins the contract suite runs on, from the environment:
 *
 *   ELBO_BACKENDS=cpu,wasm (default) | any of cpu, wasm, cuda, node
 *   ELBO_KERNELS=tfjs-ops[,assemblyscript]  (default: tfjs-ops, plus assemblyscript
 *                                            when @elbo/kernels is built)
 *
 * Every backend runs with the default kernels. A kernel plugin found automatically runs
 * on the first backend only (its results do not depend on the backend much, and CI
 * time counts); kernel plugins named in ELBO_KERNELS run on every backend. A backend or
 * plugin that was asked for and cannot start fails the suite.
 *
 * With neither variable set, cpu/tfjs-ops is left out: it is exactly what each
 * package's own `test` target runs on the same files, so `npm test` covers it once.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { BackendPlugin, KernelPlugin } from '@elbo/runtime';

export const BACKENDS = ['cpu', 'wasm', 'cuda', 'node'] as const;
export const KERNELS = ['tfjs-ops', 'assemblyscript'] as const;
export type BackendName = (typeof BACKENDS)[number];
export type KernelsName = (typeof KERNELS)[number];

export interface TargetSpec {
  readonly backend: BackendName;
  readonly kernels: KernelsName;
  /** `backend/kernels`, as in the runtime's TestTarget. */
  readonly label: string;
}

/** True when @elbo/kernels is built and exports its AssemblyScript kernel plugin. */
export function assemblyScriptKernelsBuilt(): boolean {
  try {
    const entry = createRequire(import.meta.url).resolve('@elbo/kernels');
    return existsSync(entry) && readFileSync(entry, 'utf8').includes('assemblyScriptKernels');
  } catch {
    return false;
  }
}

function parseList<T extends string>(variable: string, raw: string | undefined, allowed: readonly T[], fallback: readonly T[]): T[] {
  if (raw === undefined || raw.trim() === '') return [...fallback];
  const names = raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
  for (const name of names) {
    if (!(allowed as readonly string[]).includes(name)) {
      throw new RangeError(`${variable}: '${name}' must be one of ${allowed.join(', ')}, found in "${raw}"`);
    }
  }
  return [...new Set(names)] as T[];
}

export function targetsFromEnvironment(
  env: Readonly<Record<string, string | undefined>>,
  assemblyScriptAvailable: boolean = assemblyScriptKernelsBuilt(),
): TargetSpec[] {
  const backends = parseList('ELBO_BACKENDS', env['ELBO_BACKENDS'], BACKENDS, ['cpu', 'wasm']);
  const explicit = env['ELBO_KERNELS'] !== undefined && env['ELBO_KERNELS'].trim() !== '';
  const kernels = parseList('ELBO_KERNELS', env['ELBO_KERNELS'], KERNELS, ['tfjs-ops']);
  const targets: TargetSpec[] = [];
  for (const backend of backends) {
    for (const k of kernels) targets.push({ backend, kernels: k, label: `${backend}/${k}` });
  }
  if (!explicit && assemblyScriptAvailable) {
    const first = backends[0]!;
    targets.splice(1, 0, { backend: first, kernels: 'assemblyscript', label: `${first}/assemblyscript` });
  }
  const allDefault = !explicit && (env['ELBO_BACKENDS'] === undefined || env['ELBO_BACKENDS'].trim() === '');
  return allDefault ? targets.filter((t) => t.label !== 'cpu/tfjs-ops') : targets;
}

export function parseLabel(label: string): TargetSpec {
  const [backend, kernels] = label.split('/') as [BackendName, KernelsName];
  if (!BACKENDS.includes(backend) || !KERNELS.includes(kernels)) {
    throw new RangeError(`test target '${label}' must be <backend>/<kernels> with backend one of ${BACKENDS.join(', ')} and kernels one of ${KERNELS.join(', ')}`);
  }
  return { backend, kernels, label };
}

export async function makeBackend(name: BackendName): Promise<BackendPlugin> {
  switch (name) {
    case 'cpu':
      return (await import('@elbo/runtime')).cpu();
    case 'wasm':
      return (await import('@elbo/backend-wasm')).wasm();
    case 'cuda':
      return (await import('@elbo/backend-cuda')).cuda();
    case 'node':
      return (await import('@elbo/backend-cuda')).node();
  }
}

/** The kernel plugin, or undefined for the runtime's default tfjs-ops kernels. */
export async function makeKernels(name: KernelsName): Promise<KernelPlugin | undefined> {
  if (name === 'tfjs-ops') return undefined;
  // A variable specifier: @elbo/kernels may not be built yet when this file typechecks.
  const specifier = '@elbo/kernels';
  const module = (await import(specifier)) as { assemblyScriptKernels?: () => KernelPlugin };
  if (typeof module.assemblyScriptKernels !== 'function') {
    throw new Error('ELBO_KERNELS asked for assemblyscript, but @elbo/kernels exports no assemblyScriptKernels (build it: npx nx build @elbo/kernels)');
  }
  return module.assemblyScriptKernels();
}
