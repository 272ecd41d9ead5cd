import { Generator } from '@elbo/runtime';
import {
  applyAffineMap,
  bitsPerSpike,
  coSmoothingBaseline,
  factorAnalysis,
  factorAnalysisReconstruct,
  factorAnalysisTransform,
  fitAffineMap,
  rSquared,
  smoothCounts,
} from '@elbo/seq-vae';

/** Train and test splits of a Lorenz data set, with ground truth. */
export interface DemoSplit {
  readonly trainCounts: Float32Array;
  readonly testCounts: Float32Array;
  readonly trainLatents: Float32Array;
  readonly testLatents: Float32Array;
  /** Expected counts per bin (rate x bin size) on the test trials. */
  readonly testRates: Float64Array;
  readonly trainTrials: number;
  readonly testTrials: number;
  readonly bins: number;
  readonly neurons: number;
  readonly latentDim: number;
  readonly heldIn: number[];
  readonly heldOut: number[];
}

export interface Scores {
  /** R^2 of the true latents from the inferred ones after an affine map fitted on the training trials. */
  readonly latentR2: number;
  /** R^2 of the true rates (expected counts per bin) from the inferred ones, per neuron, averaged. */
  readonly rateR2: number;
  /** Co-smoothing bits per spike on the held-out neurons of the test trials. */
  readonly bitsPerSpike: number;
}

/** Latent R^2 with the map fitted on training trials, and the mapped test latents (for plots). */
export function latentFit(trainInferred: ArrayLike<number>, testInferred: ArrayLike<number>, split: DemoSplit, inferredDim: number): { r2: number; mapped: Float64Array } {
  const map = fitAffineMap(trainInferred, split.trainLatents, { inputDim: inferredDim, outputDim: split.latentDim });
  const mapped = applyAffineMap(map, testInferred);
  return { r2: rSquared(mapped, split.testLatents, split.latentDim), mapped };
}

/** Columns `cols` of [rows, neurons] counts. */
function selectNeurons(values: ArrayLike<number>, rows: number, neurons: number, cols: readonly number[]): Float64Array {
  const out = new Float64Array(rows * cols.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols.length; c++) out[r * cols.length + c] = values[r * neurons + cols[c]!]!;
  return out;
}

/**
 * The smoothing baseline: Gaussian-smoothed counts, factor analysis for the latents and
 * rates (width chosen on the training trials), and the NLB co-smoothing baseline
 * (smoothed held-in counts, Poisson regression) for bits per spike.
 */
export function baselineScores(split: DemoSplit, seed: number): Scores & { sigmaBins: number } {
  const { trainTrials, testTrials, bins, neurons, latentDim } = split;
  let best = { trainR2: -Infinity, sigmaBins: 0, latentR2: 0, rateR2: 0 };
  for (const sigma of [2, 4, 8]) {
    const smoothTrain = smoothCounts(split.trainCounts, [trainTrials, bins, neurons], sigma);
    const smoothTest = smoothCounts(split.testCounts, [testTrials, bins, neurons], sigma);
    const fa = factorAnalysis(smoothTrain, neurons, { factors: latentDim, rng: Generator.fromSeed(seed) });
    const trainFactors = factorAnalysisTransform(fa, smoothTrain);
    const map = fitAffineMap(trainFactors, split.trainLatents, { inputDim: latentDim, outputDim: latentDim });
    const trainR2 = rSquared(applyAffineMap(map, trainFactors), split.trainLatents, latentDim);
    if (trainR2 <= best.trainR2) continue;
    const testFactors = factorAnalysisTransform(fa, smoothTest);
    best = {
      trainR2,
      sigmaBins: sigma,
      latentR2: rSquared(applyAffineMap(map, testFactors), split.testLatents, latentDim),
      rateR2: rSquared(factorAnalysisReconstruct(fa, testFactors), split.testRates, neurons),
    };
  }
  const heldOutRates = coSmoothingBaseline({
    train: split.trainCounts,
    test: split.testCounts,
    trainTrials,
    testTrials,
    bins,
    neurons,
    heldIn: split.heldIn,
    heldOut: split.heldOut,
  });
  const heldOutCounts = selectNeurons(split.testCounts, testTrials * bins, neurons, split.heldOut);
  const bps = bitsPerSpike(heldOutRates, heldOutCounts, [testTrials, bins, split.heldOut.length]);
  return { latentR2: best.latentR2, rateR2: best.rateR2, bitsPerSpike: bps, sigmaBins: best.sigmaBins };
}
