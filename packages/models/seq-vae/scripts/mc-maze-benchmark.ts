/**
 * MC_Maze co-smoothing benchmark on ../shared/data/nlb_mc_maze_small_nwb (100 trials x
 * 107 units, monkey PMd/M1 during maze reaching). Protocol: spikes binned at 20 ms in
 * [-250, +450] ms around movement onset (35 bins); a seeded 20% of the neurons are held
 * out and a seeded 20% of the trials are test trials. Models train on the training
 * trials (all neurons) and predict the held-out neurons' rates on the test trials from
 * the held-in neurons only. Score: co-bps (Neural Latents Benchmark).
 * Baseline from the same run: smoothed held-in counts + Poisson regression to the
 * held-out neurons (smoothing width and penalty chosen on a validation split of the
 * training trials).
 *
 *   node build/scripts/mc-maze-benchmark.js [--backend cpu|wasm] [--file path.nwb] [--epochs N]
 */
import { fileURLToPath } from 'node:url';
import { binSpikes, readNwb } from '@elbo/data-io';
import { Generator } from '@elbo/runtime';
import { SeqVAE, bitsPerSpike, coSmoothingBaseline } from '@elbo/seq-vae';
import { flag, startRuntime } from './backend.js';
import type { BackendName, KernelsName } from './backend.js';

/** The repository's copy, next to the checkout (../shared/data from the repository root). */
export const DEFAULT_MC_MAZE_FILE = fileURLToPath(
  new URL('../../../../../../shared/data/nlb_mc_maze_small_nwb/sub-Jenkins_ses-small_desc-test_ecephys.nwb', import.meta.url),
);

export interface McMazeBenchmarkOptions {
  /** Path of the NWB file (default: the MC_Maze_small test file in ../shared/data). */
  readonly file?: string;
  readonly backend?: BackendName;
  readonly kernels?: KernelsName;
  readonly epochs?: number;
  readonly latentDim?: number;
  readonly hidden?: number;
  readonly learningRate?: number;
  readonly binSize?: number;
  readonly seed?: number;
  readonly log?: (line: string) => void;
}

export interface McMazeBenchmarkResult {
  readonly benchmark: 'seq-vae-mc-maze';
  readonly runtime: { backend: string; kernels: string };
  readonly data: { file: string; trials: number; bins: number; neurons: number; binSize: number; heldOut: number; testTrials: number; seed: number };
  readonly seqVae: { coBps: number; testElboPerStep: number; trainSeconds: number; secondsPerEpoch: number; inferMsPerTrial: number; epochs: number; latentDim: number };
  readonly baseline: { method: string; coBps: number; sigmaBins: number; alpha: number };
  /** (seqVae - baseline) / baseline. */
  readonly improvement: number;
  readonly target: { improvement: number };
}

export async function mcMazeBenchmark(options: McMazeBenchmarkOptions = {}): Promise<McMazeBenchmarkResult> {
  const log = options.log ?? (() => {});
  const seed = options.seed ?? 2026;
  const summary = await startRuntime(options.backend ?? 'wasm', options.kernels ?? 'default', seed);
  const file = options.file ?? DEFAULT_MC_MAZE_FILE;
  const binSize = options.binSize ?? 0.02;
  const nwb = await readNwb(file);
  if (nwb.units === null || nwb.trials === null) throw new Error(`${file}: needs a units table and a trials table`);
  const binned = binSpikes(nwb.units.spikeTimes(), { trials: nwb.trials, align: 'move_onset_time', window: [-0.25, 0.45], binSize });
  nwb.close();
  const [trials, bins, neurons] = binned.shape;

  // Seeded held-out neurons and test trials.
  const rng = Generator.fromSeed(seed);
  const neuronOrder = shuffle(neurons, rng);
  const heldOut = neuronOrder.slice(0, Math.round(0.2 * neurons)).sort((a, b) => a - b);
  const heldIn = neuronOrder.slice(heldOut.length).sort((a, b) => a - b);
  const trialOrder = shuffle(trials, rng);
  const testIdx = trialOrder.slice(0, Math.round(0.2 * trials)).sort((a, b) => a - b);
  const trainIdx = trialOrder.slice(testIdx.length).sort((a, b) => a - b);
  const take = (idx: number[]) => {
    const out = new Float32Array(idx.length * bins * neurons);
    idx.forEach((t, i) => out.set(binned.counts.subarray(t * bins * neurons, (t + 1) * bins * neurons), i * bins * neurons));
    return out;
  };
  const train = take(trainIdx);
  const test = take(testIdx);
  const heldOutCounts = (counts: Float32Array, n: number) =>
    Float64Array.from({ length: n * bins * heldOut.length }, (_, i) => counts[Math.floor(i / heldOut.length) * neurons + heldOut[i % heldOut.length]!]!);

  // Baseline: choose sigma and alpha on a validation split of the training trials.
  const nVal = Math.round(0.2 * trainIdx.length);
  const fitPart = train.subarray(0, (trainIdx.length - nVal) * bins * neurons);
  const valPart = train.subarray((trainIdx.length - nVal) * bins * neurons);
  let best = { sigma: 2, alpha: 1e-2, score: -Infinity };
  for (const sigma of [1, 1.5, 2, 3]) {
    for (const alpha of [1e-3, 1e-2, 1e-1]) {
      const rates = coSmoothingBaseline({ train: fitPart, test: valPart, trainTrials: trainIdx.length - nVal, testTrials: nVal, bins, neurons, heldIn, heldOut, sigma, alpha });
      const score = safeBps(rates, heldOutCounts(valPart, nVal), [nVal, bins, heldOut.length]);
      if (score > best.score) best = { sigma, alpha, score };
    }
  }
  const baselineRates = coSmoothingBaseline({ train, test, trainTrials: trainIdx.length, testTrials: testIdx.length, bins, neurons, heldIn, heldOut, sigma: best.sigma, alpha: best.alpha });
  const baselineBps = safeBps(baselineRates, heldOutCounts(test, testIdx.length), [testIdx.length, bins, heldOut.length]);
  log(`smoothing baseline (sigma ${best.sigma} bins, alpha ${best.alpha}): co-bps ${baselineBps.toFixed(4)}`);

  const latentDim = options.latentDim ?? 8;
  const hidden = options.hidden ?? 32;
  const epochs = options.epochs ?? 80;
  const model = new SeqVAE({
    obsDim: neurons,
    latentDim,
    likelihood: 'poisson',
    transition: { type: 'gated', hidden: 32 },
    encoder: { hidden, combinerHidden: hidden, inputs: heldIn },
    seed,
  });
  const history = await model.fit(
    { x: train, shape: [trainIdx.length, bins, neurons] },
    {
      epochs,
      batchSize: 16,
      learningRate: options.learningRate ?? 5e-3,
      finalLearningRate: (options.learningRate ?? 5e-3) / 10,
      klWarmupEpochs: Math.max(1, Math.round(epochs / 4)),
      rng: Generator.fromSeed(seed + 1),
      onEpochEnd: (p) => {
        if (p.epoch % 10 === 0) log(`epoch ${p.epoch}/${p.epochs}: elbo/trial ${p.elbo.toFixed(1)}, kl ${p.kl.toFixed(1)}, ${p.elapsedSeconds.toFixed(1)} s`);
      },
    },
  );
  const testData = { x: test, shape: [testIdx.length, bins, neurons] };
  const started = performance.now();
  const evaluation = model.evaluate(testData, { samples: 32, heldOutNeurons: heldOut, rng: Generator.fromSeed(seed + 2) });
  const inferMsPerTrial = (performance.now() - started) / testIdx.length;
  model.dispose();
  const coBps = evaluation.bitsPerSpike!;
  log(`seq-vae: co-bps ${coBps.toFixed(4)} (baseline ${baselineBps.toFixed(4)}), train ${history.seconds.toFixed(1)} s`);
  return {
    benchmark: 'seq-vae-mc-maze',
    runtime: { backend: summary.backend, kernels: summary.kernels },
    data: { file, trials, bins, neurons, binSize, heldOut: heldOut.length, testTrials: testIdx.length, seed },
    seqVae: { coBps, testElboPerStep: evaluation.elboPerStep, trainSeconds: history.seconds, secondsPerEpoch: history.seconds / epochs, inferMsPerTrial, epochs, latentDim },
    baseline: { method: 'smoothed held-in counts + Poisson regression', coBps: baselineBps, sigmaBins: best.sigma, alpha: best.alpha },
    improvement: (coBps - baselineBps) / Math.abs(baselineBps),
    target: { improvement: 0.3 },
  };
}

function shuffle(n: number, rng: Generator): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  const u = rng.fillUniform(new Float64Array(n));
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(u[i]! * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

/** Bits per spike over the held-out neurons that spike in these trials (silent ones have no null rate). */
function safeBps(rates: Float64Array, counts: Float64Array, shape: [number, number, number]): number {
  const [trials, bins, n] = shape;
  const spiking = Array.from({ length: n }, (_, j) => j).filter((j) => {
    for (let i = 0; i < trials * bins; i++) if (counts[i * n + j]! > 0) return true;
    return false;
  });
  return bitsPerSpike(rates, counts, shape, { neurons: spiking });
}

if (process.argv[1]?.endsWith('mc-maze-benchmark.js')) {
  const argv = process.argv.slice(2);
  const num = (name: string) => (flag(argv, name) === undefined ? undefined : Number(flag(argv, name)));
  const result = await mcMazeBenchmark({
    file: flag(argv, 'file'),
    backend: (flag(argv, 'backend') as BackendName | undefined) ?? 'wasm',
    kernels: (flag(argv, 'kernels') as KernelsName | undefined) ?? 'default',
    epochs: num('epochs'),
    latentDim: num('latent-dim'),
    hidden: num('hidden'),
    learningRate: num('lr'),
    log: (line) => console.error(line),
  });
  console.log(JSON.stringify(result, null, 2));
}
