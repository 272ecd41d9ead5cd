import type { Benchmark } from './benchmark.js';
import { vaeStep } from './benchmarks/vae-step.js';

/** Every benchmark, in the order `npm run bench` runs them. */
export const BENCHMARKS: readonly Benchmark[] = [vaeStep];
