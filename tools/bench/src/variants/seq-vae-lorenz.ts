import { Generator } from '@elbo/runtime';
import { importOptional } from '../optional.js';
import { importPackageScript, seqVaeScriptOptions } from './scripts.js';
import type { SeqVaeScriptOptions } from './scripts.js';
import { parseTarget, setupTarget } from './setup.js';
import type { TargetSummary } from './setup.js';

export interface LorenzParams {
  /** Training epochs; undefined: the script's own default (its tuned budget). */
  readonly epochs?: number;
  readonly seed: number;
}

/** What packages/models/seq-vae/scripts/lorenz-benchmark.ts returns (the fields used here). */
export interface LorenzResult {
  readonly runtime: { backend: string; kernels: string };
  readonly data: Record<string, number>;
  readonly model: { epochs: number } & Record<string, number>;
  readonly seqVae: {
    latentR2: number;
    latentR2FirstBins: number;
    latentR2LaterBins: number;
    rateR2: number;
    rateR2Affine: number;
    testElboPerStep: number;
    trainSeconds: number;
    secondsPerEpoch: number;
    inferMsPerTrial: number;
  };
  readonly baseline: { method: string; sigmaBins: number; latentR2: number; rateR2: number; rateR2Affine: number };
  readonly targets: { latentR2: number; rateR2: number; trainSeconds: number };
}

interface LorenzScript {
  lorenzBenchmark(options: SeqVaeScriptOptions): Promise<LorenzResult>;
}

/**
 * Variant ids: `quality@<elbo target>` runs the package's Lorenz script (which starts
 * the runtime itself); `speed@<elbo target>` times training and inference alone.
 */
export async function runVariant(variant: string, params: LorenzParams | SpeedParams): Promise<LorenzResult | SpeedOutput> {
  const [kind, targetId] = variant.split('@') as [string, string];
  if (kind === 'speed') return seqVaeSpeed(targetId, params as SpeedParams);
  if (kind !== 'quality') throw new Error(`unknown seq-vae-lorenz variant '${variant}'`);
  return lorenzQuality(targetId, params as LorenzParams);
}

async function lorenzQuality(targetId: string, params: LorenzParams): Promise<LorenzResult> {
  const options = seqVaeScriptOptions('seq-vae-lorenz', targetId, params);
  const script = await importPackageScript<LorenzScript>('packages/models/seq-vae', 'lorenz-benchmark.js');
  return script.lorenzBenchmark(options);
}

export interface SpeedParams {
  /** Untimed training steps first (tfjs compiles kernels, allocates). */
  readonly warmupBatches: number;
  /** Timed training steps; training is then cancelled (a full epoch is not needed to time one). */
  readonly timedBatches: number;
  /** Test trials per inference pass, and timed passes after one untimed pass. */
  readonly inferTrials: number;
  readonly inferRepetitions: number;
  readonly seed: number;
}

export interface SpeedOutput {
  readonly target: TargetSummary;
  /** One epoch's seconds (300 training trials) as estimated from each timed step: step time x steps per epoch. */
  readonly epochSeconds: number[];
  /** Milliseconds per test trial of each timed inference pass (16 posterior samples). */
  readonly inferMsPerTrial: number[];
}

interface SeqVaeModule {
  SeqVAE: new (options: Record<string, unknown>) => {
    fit(data: { x: Float32Array; shape: number[] }, options: Record<string, unknown>): Promise<unknown>;
    infer(data: { x: Float32Array; shape: number[] }, options: Record<string, unknown>): unknown;
    dispose(): void;
  };
}
interface DataIoModule {
  lorenzSpikes(options: Record<string, unknown>): { counts: Float32Array };
}

// The data and model of packages/models/seq-vae/scripts/lorenz-benchmark.ts, timed alone:
// that script also fits its baseline and scores everything, which a speed run skips.
const TRAIN = 300;
const TEST = 100;
const BINS = 100;
const NEURONS = 30;

/** Seconds per training epoch and inference time per trial through @elbo/seq-vae's public API. */
export async function seqVaeSpeed(targetId: string, params: SpeedParams): Promise<SpeedOutput> {
  const target = await setupTarget(parseTarget(targetId), params.seed);
  const { SeqVAE } = await importOptional<SeqVaeModule>('@elbo/seq-vae');
  const { lorenzSpikes } = await importOptional<DataIoModule>('@elbo/data-io');
  const { counts } = lorenzSpikes({ trials: TRAIN + TEST, bins: BINS, neurons: NEURONS, binSize: 0.01, baseRate: [3, 8], seed: params.seed });
  const train = { x: counts.subarray(0, TRAIN * BINS * NEURONS), shape: [TRAIN, BINS, NEURONS] };
  const test = { x: counts.subarray(TRAIN * BINS * NEURONS), shape: [TEST, BINS, NEURONS] };
  const model = new SeqVAE({
    obsDim: NEURONS,
    latentDim: 3,
    likelihood: 'poisson',
    transition: { type: 'gated', hidden: 32 },
    encoder: { hidden: 32, combinerHidden: 32 },
    seed: params.seed,
  });
  try {
    const ends: number[] = [];
    let batchesPerEpoch = 0;
    const stop = new AbortController();
    const needed = params.warmupBatches + params.timedBatches + 1;
    await model
      .fit(train, {
        epochs: 1,
        batchSize: 25,
        learningRate: 1e-2,
        rng: Generator.fromSeed(params.seed + 1),
        signal: stop.signal,
        onBatchEnd: (progress: { batches: number }) => {
          batchesPerEpoch = progress.batches;
          ends.push(performance.now() / 1000);
          if (ends.length >= needed) stop.abort(new Error('timed enough steps'));
        },
      })
      .catch((error: unknown) => {
        if (!stop.signal.aborted) throw error;
      });
    if (ends.length < needed) throw new Error(`training stopped after ${ends.length} steps; ${needed} were needed for timing`);
    const epochSeconds = ends.slice(params.warmupBatches + 1).map((end, i) => (end - ends[params.warmupBatches + i]!) * batchesPerEpoch);
    const some = { x: test.x.subarray(0, params.inferTrials * BINS * NEURONS), shape: [params.inferTrials, BINS, NEURONS] };
    const inferMsPerTrial: number[] = [];
    for (let r = 0; r <= params.inferRepetitions; r++) {
      const start = performance.now();
      model.infer(some, { samples: 16, rng: Generator.fromSeed(params.seed + 2) });
      if (r > 0) inferMsPerTrial.push((performance.now() - start) / params.inferTrials);
    }
    return { target, epochSeconds, inferMsPerTrial };
  } finally {
    model.dispose();
  }
}
