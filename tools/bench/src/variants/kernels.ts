import * as tf from '@tensorflow/tfjs';
import { Generator, tfjsKernels } from '@elbo/runtime';
import type { KernelPlugin } from '@elbo/runtime';
import { importOptional } from '../optional.js';
import { callsToFill, measureThroughput } from '../timing.js';
import type { Throughput } from '../timing.js';
import { parseTarget, setupTarget } from './setup.js';
import { fusedSampleKlLoop, klStandardNormalSumLoop, reparameterizeLoop } from './typed-loops.js';

export interface KernelsParams {
  /** Elements per call (float32 arrays of this length). */
  readonly size: number;
  readonly warmup: number;
  readonly repetitions: number;
  /** Target seconds per timed repetition. */
  readonly secondsPerRepetition: number;
  readonly seed: number;
}

/** The four hot operations, plus `copy` (memory bandwidth ceiling). */
export type KernelOp = 'normal' | 'reparameterize' | 'kl-forward' | 'fused-forward-backward' | 'copy' | 'normal-tf.randomNormal';

export interface KernelTiming {
  readonly op: KernelOp;
  /** Which implementation, e.g. `plain TypeScript`, `tfjs ops`, `AssemblyScript (typed arrays)`. */
  readonly implementation: string;
  readonly backend: string;
  readonly unit: string;
  readonly throughput: Throughput;
}

interface Inputs {
  readonly mu: Float32Array;
  readonly logvar: Float32Array;
  readonly gradZ: Float32Array;
}

function makeInputs(size: number, seed: number): Inputs {
  const rng = Generator.fromSeed(seed);
  return {
    mu: rng.normalArray(size),
    logvar: rng.uniformArray(size).map((u) => 3 * u - 2), // log-variances in (-2, 1)
    gradZ: rng.normalArray(size),
  };
}

/**
 * Variant ids: `typed-array` (plain TypeScript loops and memory copy), `assemblyscript`
 * (@elbo/kernels' typed-array API), `tfjs-<cpu|wasm>` (the default tfjs-ops kernels
 * and tf.randomNormal), `elbo-<cpu|wasm>-assemblyscript` (the kernel plugin through
 * tensors, as training uses it).
 */
export async function runVariant(variant: string, params: KernelsParams): Promise<KernelTiming[]> {
  const inputs = makeInputs(params.size, params.seed);
  const timings: KernelTiming[] = [];
  const time = async (
    op: KernelOp,
    implementation: string,
    backend: string,
    call: () => unknown,
    unit = 'elements/s',
    workPerCall = params.size,
  ): Promise<void> => {
    const callsPerRepetition = await callsToFill(params.secondsPerRepetition, call, params.warmup);
    const throughput = await measureThroughput(call, {
      warmup: 0,
      repetitions: params.repetitions,
      callsPerRepetition,
      workPerCall,
    });
    timings.push({ op, implementation, backend, unit, throughput });
  };

  if (variant === 'typed-array') {
    await typedArrayLoops(inputs, params, time);
  } else if (variant === 'assemblyscript') {
    throw new Error('the AssemblyScript typed-array API is measured once @elbo/kernels lands');
  } else {
    const target = parseTarget(variant);
    const summary = await setupTarget(target, params.seed);
    const kernels: KernelPlugin =
      target.kernels === 'assemblyscript'
        ? (await importOptional<{ assemblyScriptKernels: () => KernelPlugin }>('@elbo/kernels')).assemblyScriptKernels()
        : tfjsKernels();
    await kernels.setup?.();
    const label = target.kernels === 'assemblyscript' ? 'AssemblyScript plugin (tensors)' : 'tfjs ops';
    await tensorKernels(inputs, params, kernels, label, summary.backend, time);
  }
  return timings;
}

type Timer = (op: KernelOp, implementation: string, backend: string, call: () => unknown, unit?: string, workPerCall?: number) => Promise<void>;

async function typedArrayLoops(inputs: Inputs, params: KernelsParams, time: Timer): Promise<void> {
  const { mu, logvar, gradZ } = inputs;
  const n = params.size;
  const rng = Generator.fromSeed(params.seed + 1);
  const out = new Float32Array(n);
  const scratch = { eps: new Float32Array(n), z: new Float32Array(n), gradMu: new Float32Array(n), gradLogvar: new Float32Array(n) };
  const impl = 'plain TypeScript loop';
  await time('normal', 'plain TypeScript (Philox + Box-Muller)', 'typed-array', () => rng.fillNormal(out));
  await time('reparameterize', impl, 'typed-array', () => reparameterizeLoop(mu, logvar, gradZ, out));
  await time('kl-forward', impl, 'typed-array', () => klStandardNormalSumLoop(mu, logvar));
  await time('fused-forward-backward', impl, 'typed-array', () => fusedSampleKlLoop(mu, logvar, gradZ, rng, scratch));
  // Read + write bytes per second of a plain copy: the ceiling for memory-bound kernels.
  await time('copy', 'Float32Array.prototype.set', 'typed-array', () => out.set(mu), 'bytes/s', 2 * 4 * n);
}

async function tensorKernels(
  inputs: Inputs,
  params: KernelsParams,
  kernels: KernelPlugin,
  implementation: string,
  backend: string,
  time: Timer,
): Promise<void> {
  const shape = [params.size];
  const mu = tf.tensor1d(inputs.mu);
  const logvar = tf.tensor1d(inputs.logvar);
  const gradZ = tf.tensor1d(inputs.gradZ);
  const eps = tf.tensor1d(inputs.gradZ);
  const rng = Generator.fromSeed(params.seed + 1);
  const run = (f: () => tf.TensorContainer): void => tf.dispose(f());
  // The KL is summed and the sum read back, as a loss would be.
  const klSum = (): void => void tf.tidy(() => tf.sum(kernels.klStandardNormal(mu, logvar))).dataSync();
  const fused = tf.grads((m: tf.Tensor, lv: tf.Tensor) => {
    const { z, kl } = kernels.sampleWithKl(m, lv, rng);
    return tf.add(tf.sum(tf.mul(z, gradZ)), tf.sum(kl));
  });

  await time('normal', implementation, backend, () => run(() => kernels.normal(shape, rng)));
  if (implementation === 'tfjs ops') {
    let seed = params.seed;
    await time('normal-tf.randomNormal', 'tf.randomNormal (tfjs)', backend, () =>
      run(() => tf.randomNormal(shape, 0, 1, 'float32', ++seed)),
    );
  }
  await time('reparameterize', implementation, backend, () => run(() => kernels.reparameterize(mu, logvar, eps)));
  await time('kl-forward', implementation, backend, klSum);
  await time('fused-forward-backward', implementation, backend, () => run(() => fused([mu, logvar])));
  tf.dispose([mu, logvar, gradZ, eps]);
}
