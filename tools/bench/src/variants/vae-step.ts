import * as tf from '@tensorflow/tfjs';
import { Generator } from '@elbo/runtime';
import { importOptional } from '../optional.js';
import { measureThroughput, throughputFromEndTimes } from '../timing.js';
import type { Throughput } from '../timing.js';
import { CANONICAL, plainVaeStep, syntheticBatches } from './plain-vae.js';
import { parseTarget, setupTarget } from './setup.js';
import type { TargetSummary } from './setup.js';

export interface VaeStepParams {
  readonly batchSize: number;
  readonly warmup: number;
  readonly repetitions: number;
  readonly stepsPerRepetition: number;
  readonly seed: number;
}

export interface VaeStepOutput {
  readonly target: TargetSummary;
  readonly throughput: Throughput;
}

/**
 * Variant ids: `plain@<target>` runs the plain tfjs step on a target (the plain step on
 * `elbo-wasm-*` shows what the backend plugin alone gives unchanged user code);
 * `vae@<elbo target>` runs @elbo/vae's own training step.
 */
export async function runVariant(variant: string, params: VaeStepParams): Promise<VaeStepOutput> {
  const [model, targetId] = variant.split('@') as [string, string];
  const target = await setupTarget(parseTarget(targetId), params.seed);
  if (model === 'vae') return { target, throughput: await elboVaeSteps(params) };
  const batches = syntheticBatches(4, params.batchSize, CANONICAL.input, params.seed);
  let next = 0;
  const batch = (): tf.Tensor2D => batches[next++ % batches.length]!;
  let step: (x: tf.Tensor2D) => void;
  let sync: () => void;
  if (model === 'plain') {
    ({ step, sync } = plainVaeStep(CANONICAL, params.seed));
  } else {
    throw new Error(`unknown model '${model}' in variant '${variant}'`);
  }
  const throughput = await measureThroughput(
    () => step(batch()),
    {
      warmup: params.warmup,
      repetitions: params.repetitions,
      callsPerRepetition: params.stepsPerRepetition,
      workPerCall: params.batchSize,
    },
    sync,
  );
  return { target, throughput };
}

interface VaeModule {
  VAE: new (options: Record<string, unknown>) => {
    fit(x: tf.Tensor, options: Record<string, unknown>): Promise<unknown>;
    dispose(): void;
  };
}

/**
 * @elbo/vae's own training step, timed through its public API: one epoch of fit over
 * exactly warmup + repetitions x steps batches (no shuffling), with the end of every
 * step taken from onBatchEnd. The loop reads each step's loss back, as every fit does.
 */
async function elboVaeSteps(params: VaeStepParams): Promise<Throughput> {
  const { VAE } = await importOptional<VaeModule>('@elbo/vae');
  const steps = params.warmup + params.repetitions * params.stepsPerRepetition;
  const n = steps * params.batchSize;
  const x = tf.tensor2d(Generator.fromSeed(params.seed).uniformArray(n * CANONICAL.input), [n, CANONICAL.input]);
  const vae = new VAE({
    inputDim: CANONICAL.input,
    latentDim: CANONICAL.latent,
    encoder: { hidden: [CANONICAL.hidden], activation: 'relu' },
    decoder: { hidden: [CANONICAL.hidden], activation: 'relu' },
    likelihood: 'bernoulli',
    seed: params.seed,
  });
  const endTimes: number[] = [];
  try {
    await vae.fit(x, {
      epochs: 1,
      batchSize: params.batchSize,
      learningRate: 1e-3,
      shuffle: false,
      seed: params.seed,
      onBatchEnd: () => void endTimes.push(Number(process.hrtime.bigint()) / 1e9),
    });
  } finally {
    vae.dispose();
    x.dispose();
  }
  return throughputFromEndTimes(endTimes, {
    warmup: params.warmup,
    repetitions: params.repetitions,
    callsPerRepetition: params.stepsPerRepetition,
    workPerCall: params.batchSize,
  });
}
