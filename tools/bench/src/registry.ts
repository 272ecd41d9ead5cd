import type { Benchmark } from './benchmark.js';
import { io } from './benchmarks/io.js';
import { kernels } from './benchmarks/kernels.js';
import { seqVaeLorenz } from './benchmarks/seq-vae-lorenz.js';
import { seqVaeMcMaze } from './benchmarks/seq-vae-mc-maze.js';
import { vaeMnist } from './benchmarks/vae-mnist.js';
import { vaeStep } from './benchmarks/vae-step.js';

/** Every benchmark, in the order `npm run bench` runs them. */
export const BENCHMARKS: readonly Benchmark[] = [vaeStep, kernels, io, vaeMnist, seqVaeLorenz, seqVaeMcMaze];
