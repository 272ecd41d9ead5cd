import { init } from '@elbo/runtime';
import type { RuntimeSummary } from '@elbo/runtime';
import { oneLine } from './errors.js';
import { backendPlugins, kernelPlugin } from './runtime-choice.js';
import type { BackendChoice, KernelsChoice } from './runtime-choice.js';

export type Probe = { name: string; kernels: KernelsChoice; available: true; summary: RuntimeSummary } | { name: string; kernels: KernelsChoice; available: false; reason: string };

/** Starts one backend with one kernel set, reporting why it cannot rather than failing. */
export async function probeBackend(backend: Exclude<BackendChoice, 'auto'>, kernels: KernelsChoice, seed: number): Promise<Probe> {
  const plugin = kernelPlugin(kernels);
  try {
    const summary = await init({ backend: backendPlugins(backend), seed, ...(plugin ? { kernels: plugin } : {}) });
    return { name: backend, kernels, available: true, summary };
  } catch (error) {
    // init's message for one plugin is "init: no backend could start (cuda: <why>)": keep the why.
    const reason = oneLine(error).replace(/^init: no backend could start \((.*)\)$/, '$1').replace(new RegExp(`^${backend}: `), '');
    return { name: backend, kernels, available: false, reason };
  }
}

/** The gist of a reason for a human line: up to its first parenthesis (the full text stays in --json). */
export function briefReason(reason: string): string {
  const cut = reason.indexOf(' (', 40);
  return cut > 0 ? reason.slice(0, cut) : reason;
}
