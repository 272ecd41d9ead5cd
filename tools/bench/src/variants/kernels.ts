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
  /** Tells apart two timings of one op in one variant (e.g. `copied`). */
  readonly flavour?: string;
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
    flavour?: string,
  ): Promise<void> => {
    const callsPerRepetition = await callsToFill(params.secondsPerRepetition, call, params.warmup);
    const throughput = await measureThroughput(call, {
      warmup: 0,
      repetitions: params.repetitions,
      callsPerRepetition,
      workPerCall,
    });
    timings.push({ op, implementation, backend, unit, throughput, ...(flavour ? { flavour } : {}) });
  };

  if (variant === 'typed-array') {
    await typedArrayLoops(inputs, params, time);
  } else if (variant === 'assemblyscript') {
    await assemblyScriptTyped(inputs, params, time);
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

type Timer = (
  op: KernelOp,
  implementation: string,
  backend: string,
  call: () => unknown,
  unit?: string,
  workPerCall?: number,
  flavour?: string,
) => Promise<void>;

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

interface KernelArrayLike {
  readonly array: Float32Array;
  free(): void;
}
type AsArray = Float32Array | KernelArrayLike;
interface AsArrays {
  readonly mu: AsArray;
  readonly logvar: AsArray;
  readonly gradZ: AsArray;
  readonly out: AsArray;
  readonly eps: AsArray;
  readonly gradMu: AsArray;
  readonly gradLogvar: AsArray;
}
interface KernelsModule {
  loadKernels(): Promise<void>;
  KernelArray: { from(values: ArrayLike<number>): KernelArrayLike; new (length: number): KernelArrayLike };
  sampleNormal(out: AsArray, rng?: Generator): unknown;
  reparameterize(mu: AsArray, logvar: AsArray, eps: AsArray, z: AsArray): unknown;
  klStandardNormal(mu: AsArray, logvar: AsArray): number;
  sampleWithKl(mu: AsArray, logvar: AsArray, options: { z: AsArray; eps?: AsArray; rng?: Generator }): number;
  sampleWithKlBackward(options: { mu: AsArray; logvar: AsArray; eps: AsArray; gradZ?: AsArray; gradMu: AsArray; gradLogvar: AsArray }): void;
}

/**
 * @elbo/kernels' typed-array API two ways: on KernelArrays, which live in the module's
 * memory (no copies: the fast path, where issue 5's targets apply), and on ordinary
 * Float32Arrays, which it copies in and out.
 */
async function assemblyScriptTyped(inputs: Inputs, params: KernelsParams, time: Timer): Promise<void> {
  const k = await importOptional<KernelsModule>('@elbo/kernels');
  await k.loadKernels();
  const n = params.size;
  const rng = Generator.fromSeed(params.seed + 1);
  const inPlace = {
    mu: k.KernelArray.from(inputs.mu),
    logvar: k.KernelArray.from(inputs.logvar),
    gradZ: k.KernelArray.from(inputs.gradZ),
    out: new k.KernelArray(n),
    eps: new k.KernelArray(n),
    gradMu: new k.KernelArray(n),
    gradLogvar: new k.KernelArray(n),
  };
  const copied: AsArrays = {
    ...inputs,
    out: new Float32Array(n),
    eps: new Float32Array(n),
    gradMu: new Float32Array(n),
    gradLogvar: new Float32Array(n),
  };
  const runs = [
    { implementation: 'AssemblyScript (KernelArray, in place)', flavour: undefined, a: inPlace as AsArrays },
    { implementation: 'AssemblyScript (Float32Array, copied)', flavour: 'copied', a: copied },
  ];
  for (const { implementation, flavour, a } of runs) {
    const t = (op: KernelOp, call: () => unknown): Promise<void> => time(op, implementation, 'as-wasm', call, undefined, undefined, flavour);
    await t('normal', () => k.sampleNormal(a.out, rng));
    await t('reparameterize', () => k.reparameterize(a.mu, a.logvar, a.gradZ, a.out));
    await t('kl-forward', () => k.klStandardNormal(a.mu, a.logvar));
    await t('fused-forward-backward', () => {
      k.sampleWithKl(a.mu, a.logvar, { z: a.out, eps: a.eps, rng });
      k.sampleWithKlBackward({ mu: a.mu, logvar: a.logvar, eps: a.eps, gradZ: a.gradZ, gradMu: a.gradMu, gradLogvar: a.gradLogvar });
    });
  }
  for (const a of Object.values(inPlace)) a.free();
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
