/**
 * The smoothing baselines of latent-variable benchmarks: Gaussian-smoothed spike
 * counts, and (Neural Latents Benchmark) Poisson regression from smoothed held-in
 * counts to held-out neurons' spikes, the co-smoothing reference a model must beat.
 */
import { invalidArgument } from '@elbo/runtime';
import { cholesky, choleskySolve } from './dense.js';
import type { Matrix } from './dense.js';

/**
 * Convolves each trial's counts [trials, bins, dims] along time with a Gaussian of
 * standard deviation `sigma` bins (truncated at 4 sigma), renormalised at the trial's
 * edges so the first and last bins are not biased low.
 */
export function smoothCounts(counts: ArrayLike<number>, shape: readonly [number, number, number], sigma: number): Float64Array {
  const where = 'smoothCounts';
  const [trials, bins, dims] = shape;
  if (counts.length !== trials * bins * dims) throw invalidArgument(where, 'counts', `${trials * bins * dims} values for shape [${shape.join(', ')}]`, { raw: `${counts.length}` });
  if (!(sigma > 0) || !Number.isFinite(sigma)) throw invalidArgument(where, 'sigma', 'a positive number of bins', sigma);
  const half = Math.ceil(4 * sigma);
  const kernel = Float64Array.from({ length: 2 * half + 1 }, (_, i) => Math.exp(-0.5 * ((i - half) / sigma) ** 2));
  const out = new Float64Array(counts.length);
  for (let tr = 0; tr < trials; tr++) {
    for (let t = 0; t < bins; t++) {
      let mass = 0;
      const lo = Math.max(0, t - half);
      const hi = Math.min(bins - 1, t + half);
      for (let s = lo; s <= hi; s++) mass += kernel[s - t + half]!;
      const o = (tr * bins + t) * dims;
      for (let s = lo; s <= hi; s++) {
        const w = kernel[s - t + half]! / mass;
        const src = (tr * bins + s) * dims;
        for (let j = 0; j < dims; j++) out[o + j]! += w * counts[src + j]!;
      }
    }
  }
  return out;
}

export interface PoissonRegression {
  /** Shape `[inputDim + 1, outputDim]`: weights, then the intercept row. */
  readonly weights: Float64Array;
  readonly inputDim: number;
  readonly outputDim: number;
}

/**
 * Poisson GLM y_j ~ Poisson(exp(x w_j + b_j)) for each output column, fitted by
 * Newton's method with an L2 penalty `alpha` on w (not on b), as sklearn's
 * PoissonRegressor does (objective: mean deviance / 2 + alpha / 2 |w|^2).
 */
export function fitPoissonRegression(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  dims: { inputDim: number; outputDim: number },
  options: { alpha?: number; iterations?: number } = {},
): PoissonRegression {
  const where = 'fitPoissonRegression';
  const { inputDim: p, outputDim: q } = dims;
  if (x.length % p !== 0) throw invalidArgument(where, "x's length", `a multiple of inputDim ${p}`, x.length);
  const n = x.length / p;
  if (y.length !== n * q) throw invalidArgument(where, "y's length", `${n * q}`, y.length);
  const alpha = options.alpha ?? 1e-2;
  if (!(alpha >= 0)) throw invalidArgument(where, 'options.alpha', 'a number >= 0', alpha);
  const iterations = options.iterations ?? 50;
  const P = p + 1;
  const weights = new Float64Array(P * q);
  const eta = new Float64Array(n);
  for (let j = 0; j < q; j++) {
    let meanY = 0;
    for (let i = 0; i < n; i++) meanY += y[i * q + j]! / n;
    const w = new Float64Array(P);
    w[p] = Math.log(Math.max(meanY, 1e-8));
    let previous = Infinity;
    for (let it = 0; it < iterations; it++) {
      const grad = new Float64Array(P);
      const hess: Matrix = { rows: P, cols: P, data: new Float64Array(P * P) };
      let objective = 0;
      for (let i = 0; i < n; i++) {
        let e = w[p]!;
        for (let k = 0; k < p; k++) e += x[i * p + k]! * w[k]!;
        eta[i] = e;
        const mu = Math.exp(e);
        const yi = y[i * q + j]!;
        objective += (mu - yi * e) / n;
        const r = (mu - yi) / n;
        for (let a = 0; a < p; a++) {
          const xa = x[i * p + a]!;
          grad[a]! += r * xa;
          const hx = (mu / n) * xa;
          for (let b = a; b < p; b++) hess.data[a * P + b]! += hx * x[i * p + b]!;
          hess.data[a * P + p]! += hx;
        }
        grad[p]! += r;
        hess.data[p * P + p]! += mu / n;
      }
      for (let a = 0; a < p; a++) {
        objective += 0.5 * alpha * w[a]! ** 2;
        grad[a]! += alpha * w[a]!;
        hess.data[a * P + a]! += alpha;
        for (let b = a + 1; b < P; b++) hess.data[b * P + a] = hess.data[a * P + b]!;
      }
      for (let b = 0; b < p; b++) hess.data[p * P + b] = hess.data[b * P + p]!;
      const chol = cholesky(hess);
      if (chol === null) throw invalidArgument(where, 'x', 'a design with a positive-definite penalised Hessian', { raw: `a singular one at output ${j}` });
      const step = choleskySolve(chol, { rows: P, cols: 1, data: grad }).data;
      // Damped Newton: halve the step until the objective does not rise.
      let scale = 1;
      const candidate = new Float64Array(P);
      for (let tries = 0; tries < 30; tries++) {
        for (let a = 0; a < P; a++) candidate[a] = w[a]! - scale * step[a]!;
        if (penalisedObjective(x, y, j, q, candidate, p, n, alpha) <= objective + 1e-12) break;
        scale /= 2;
      }
      w.set(candidate);
      if (Math.abs(previous - objective) < 1e-10 * Math.max(1, Math.abs(objective))) break;
      previous = objective;
    }
    for (let a = 0; a < P; a++) weights[a * q + j] = w[a]!;
  }
  return { weights, inputDim: p, outputDim: q };
}

/** Predicted rates exp(x w + b), [n, outputDim]. */
export function predictPoissonRegression(model: PoissonRegression, x: ArrayLike<number>): Float64Array {
  const { inputDim: p, outputDim: q, weights } = model;
  const n = x.length / p;
  const out = new Float64Array(n * q);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < q; j++) {
      let e = weights[p * q + j]!;
      for (let k = 0; k < p; k++) e += x[i * p + k]! * weights[k * q + j]!;
      out[i * q + j] = Math.exp(e);
    }
  }
  return out;
}

function penalisedObjective(x: ArrayLike<number>, y: ArrayLike<number>, j: number, q: number, w: Float64Array, p: number, n: number, alpha: number): number {
  let objective = 0;
  for (let i = 0; i < n; i++) {
    let e = w[p]!;
    for (let k = 0; k < p; k++) e += x[i * p + k]! * w[k]!;
    objective += (Math.exp(e) - y[i * q + j]! * e) / n;
  }
  for (let a = 0; a < p; a++) objective += 0.5 * alpha * w[a]! ** 2;
  return objective;
}

export interface CoSmoothingBaselineOptions {
  /** Counts [trials, bins, neurons] of the training trials (all neurons observed). */
  readonly train: ArrayLike<number>;
  /** Counts of the evaluation trials (only held-in neurons are read). */
  readonly test: ArrayLike<number>;
  readonly trainTrials: number;
  readonly testTrials: number;
  readonly bins: number;
  readonly neurons: number;
  readonly heldIn: readonly number[];
  readonly heldOut: readonly number[];
  /** Gaussian smoothing width in bins (default 2). */
  readonly sigma?: number;
  /** L2 penalty of the Poisson regression (default 1e-2 on standardised inputs). */
  readonly alpha?: number;
}

/**
 * The NLB smoothing baseline: smooth held-in counts, regress held-out counts on them
 * (Poisson GLM, fitted on the training trials), predict held-out rates on the test
 * trials. Returns rates [testTrials, bins, heldOut.length].
 */
export function coSmoothingBaseline(options: CoSmoothingBaselineOptions): Float64Array {
  const { train, test, trainTrials, testTrials, bins, neurons, heldIn, heldOut } = options;
  const sigma = options.sigma ?? 2;
  const select = (counts: ArrayLike<number>, trials: number, cols: readonly number[]): Float64Array => {
    const out = new Float64Array(trials * bins * cols.length);
    for (let r = 0; r < trials * bins; r++) for (let c = 0; c < cols.length; c++) out[r * cols.length + c] = counts[r * neurons + cols[c]!]!;
    return out;
  };
  const p = heldIn.length;
  const trainIn = smoothCounts(select(train, trainTrials, heldIn), [trainTrials, bins, p], sigma);
  const testIn = smoothCounts(select(test, testTrials, heldIn), [testTrials, bins, p], sigma);
  // Standardise inputs with the training statistics so one alpha suits every neuron.
  const mean = new Float64Array(p);
  const sd = new Float64Array(p);
  const rows = trainTrials * bins;
  for (let r = 0; r < rows; r++) for (let k = 0; k < p; k++) mean[k]! += trainIn[r * p + k]! / rows;
  for (let r = 0; r < rows; r++) for (let k = 0; k < p; k++) sd[k]! += (trainIn[r * p + k]! - mean[k]!) ** 2 / rows;
  for (let k = 0; k < p; k++) sd[k] = Math.sqrt(sd[k]!) || 1;
  const standardise = (m: Float64Array): Float64Array => m.map((v, i) => (v - mean[i % p]!) / sd[i % p]!);
  const model = fitPoissonRegression(standardise(trainIn), select(train, trainTrials, heldOut), { inputDim: p, outputDim: heldOut.length }, { alpha: options.alpha ?? 1e-2 });
  return predictPoissonRegression(model, standardise(testIn));
}
