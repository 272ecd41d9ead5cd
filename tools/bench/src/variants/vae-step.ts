import type * as tf from '@tensorflow/tfjs';
import { measureThroughput } from '../timing.js';
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
