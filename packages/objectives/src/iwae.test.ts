import * as tf from '@tensorflow/tfjs';
import { MultivariateNormalDiag } from '@elbo/distributions';
import { Generator, randomNormal, testing } from '@elbo/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leftBehindUnderGradients } from './test-support/leaks.js';
import { iwae, type GradientEstimator } from './iwae.js';
import { ppcaExactElbo } from './test-support/ppca.js';
import {
  diagonalPosterior,
  examples,
  exactMeans,
  exactStds,
  likelihood,
  logMarginals,
  model,
  repeated,
  standardNormalPrior,
} from './test-support/ppca-model.js';

let prior: MultivariateNormalDiag;

beforeAll(async () => {
  await testing.initForTests({ seed: 8 });
  prior = standardNormalPrior();
});
afterAll(() => prior.dispose());

const shiftedMeans = (shift: number): number[][] => exactMeans().map((m) => m.map((v) => v + shift));
/** `rows` repeated `copies` times, copy-major: row j * rows.length + e is copy j of rows[e]. */
const tiled = <T>(rows: T[], copies: number): T[] => Array.from({ length: copies }, () => rows).flat();
const scaledStds = (factor: number): number[][] => exactStds().map((s) => s.map((v) => v * factor));

describe('iwae on probabilistic PCA', () => {
  it('rises with K = 1, 5, 50, 500 towards log p(x), never above it', () => {
    // Paired comparison (common random numbers). One seed for every K, and K * copies
    // fixed, with copies laid out copy-major (row j * 4 + e is copy j of example e).
    // q draws eps of shape [K, B, D] from the stream, so copy j of a K-sample bound uses
    // samples k = j (mod 500 / K) of the K = 500 draw: the smaller K's bounds are the
    // group averages of Burda et al.'s monotonicity proof, and the differences between
    // K levels carry no extra sampling noise.
    const total = 500 * 24;
    const means = shiftedMeans(0.3);
    const stds = scaledStds(1.4);
    const table: Record<number, { mean: number; se: number }[]> = {};
    for (const k of [1, 5, 50, 500]) {
      const copies = total / k;
      const x = tf.tensor2d(tiled(examples, copies));
      const posterior = diagonalPosterior(tiled(means, copies), tiled(stds, copies));
      const { bound, loss } = iwae({ posterior, prior, likelihood: likelihood(), x, samples: k, rng: Generator.fromSeed(77) });
      const values = Array.from(bound.dataSync());
      table[k] = examples.map((_, e) => {
        const { mean, variance } = testing.meanAndVariance(values.filter((_, row) => row % examples.length === e));
        return { mean, se: Math.sqrt(variance / copies) };
      });
      expect(loss.dataSync()[0]).toBeCloseTo(-values.reduce((a, b) => a + b, 0) / values.length, 4);
      tf.dispose([bound, loss, x]);
      posterior.dispose();
    }
    examples.forEach((example, e) => {
      const logPx = logMarginals[e]!;
      const gaps = [1, 5, 50, 500].map((k) => logPx - table[k]![e]!.mean);
      console.log(`iwae example ${e}: log p(x) - bound for K = 1, 5, 50, 500: ${gaps.map((g) => g.toFixed(4)).join(', ')}`);
      // K = 1 is the ELBO: the closed form, within 4 standard errors.
      const cov = [0, 1].map((i) => [0, 1].map((j) => (i === j ? stds[e]![i]! ** 2 : 0)));
      const exactElbo = ppcaExactElbo(model, example, { mean: means[e]!, cov }).elbo;
      expect(Math.abs(table[1]![e]!.mean - exactElbo)).toBeLessThan(4 * table[1]![e]!.se);
      for (let i = 1; i < gaps.length; i++) expect(gaps[i]).toBeLessThan(gaps[i - 1]!);
      const se500 = table[500]![e]!.se;
      expect(gaps[3]).toBeGreaterThan(-4 * se500); // a lower bound, up to sampling noise
      expect(gaps[3]).toBeLessThan(0.03 + 4 * se500);
      expect(gaps[3]).toBeLessThan(gaps[0]! / 20);
    });
  });

  it('equals log p(x) for every K when q is the exact posterior', () => {
    const x = tf.tensor2d(examples);
    const posterior = diagonalPosterior(exactMeans(), exactStds());
    for (const estimator of ['reparam', 'stl', 'dreg'] as const) {
      const { bound, loss } = iwae({ posterior, prior, likelihood: likelihood(), x, samples: 5, estimator });
      bound.dataSync().forEach((v, e) => expect(Math.abs(v - logMarginals[e]!)).toBeLessThan(2e-4));
      tf.dispose([bound, loss]);
    }
    x.dispose();
    posterior.dispose();
  });
});

/**
 * Gradients of the IWAE loss in q's means and standard deviations (variables), with
 * q's draws z = m + s * eps reproducible from the seed, and in the decoder's W.
 */
function gradients(estimator: GradientEstimator, seed: number, k: number, means: number[][], stds: number[][]) {
  const loc = tf.variable(tf.tensor2d(means));
  const scaleDiag = tf.variable(tf.tensor2d(stds));
  const w = tf.variable(tf.tensor2d(model.w));
  const x = tf.tensor2d(examples.slice(0, means.length));
  const { value, grads } = tf.variableGrads(() => {
    const posterior = new MultivariateNormalDiag({ loc, scaleDiag, validate: false });
    return iwae({ posterior, prior, likelihood: likelihood(w), x, samples: k, estimator, rng: Generator.fromSeed(seed) }).loss as tf.Scalar;
  }, [loc, scaleDiag, w]);
  const out = {
    loss: value.dataSync()[0]!,
    loc: grads[loc.name]!.arraySync() as number[][],
    scale: grads[scaleDiag.name]!.arraySync() as number[][],
    w: Array.from(grads[w.name]!.dataSync()),
  };
  tf.dispose([value, ...Object.values(grads), loc, scaleDiag, w, x]);
  return out;
}

/**
 * Float64 reference gradients of -mean_b IWAE in (m, s) from Tucker et al.'s formulas,
 * with the same eps. g_k = d/dz [log p(x|z) + log p(z) - log q(z)] at fixed q params;
 * reparam: sum_k w_k (g_k dz/dtheta + d(-log q)/dtheta at fixed z); STL: sum_k w_k g_k dz/dtheta;
 * DReG: sum_k w_k^2 g_k dz/dtheta. dz/dm = 1, dz/ds = eps.
 */
function referenceGradients(estimator: GradientEstimator, seed: number, k: number, means: number[][], stds: number[][]) {
  const b = means.length;
  const eps = randomNormal([k, b, 2], { rng: Generator.fromSeed(seed) });
  const e = eps.arraySync() as number[][][];
  eps.dispose();
  const s2 = model.noise ** 2;
  const loc = means.map((row) => row.map(() => 0));
  const scale = means.map((row) => row.map(() => 0));
  for (let n = 0; n < b; n++) {
    const x = examples[n]!;
    const m = means[n]!;
    const s = stds[n]!;
    const zs = e.map((sample) => sample[n]!.map((v, d) => m[d]! + s[d]! * v));
    const logW = zs.map((z) => {
      const r = x.map((xi, i) => xi - model.mu[i]! - model.w[i]![0]! * z[0]! - model.w[i]![1]! * z[1]!);
      const logLik = -0.5 * r.reduce((acc, v) => acc + v * v, 0) / s2 - 2 * Math.log(2 * Math.PI * s2);
      const logPrior = -0.5 * (z[0]! ** 2 + z[1]! ** 2) - Math.log(2 * Math.PI);
      const logQ = z.reduce((acc, zd, d) => acc - 0.5 * ((zd - m[d]!) / s[d]!) ** 2 - Math.log(s[d]!), 0) - Math.log(2 * Math.PI);
      return logLik + logPrior - logQ;
    });
    const top = Math.max(...logW);
    const total = logW.reduce((acc, v) => acc + Math.exp(v - top), 0);
    const weights = logW.map((v) => Math.exp(v - top) / total);
    zs.forEach((z, i) => {
      const r = x.map((xi, p) => xi - model.mu[p]! - model.w[p]![0]! * z[0]! - model.w[p]![1]! * z[1]!);
      const coefficient = estimator === 'dreg' ? weights[i]! ** 2 : weights[i]!;
      for (let d = 0; d < 2; d++) {
        const g = r.reduce((acc, rp, p) => acc + (rp * model.w[p]![d]!) / s2, 0) - z[d]! + (z[d]! - m[d]!) / s[d]! ** 2;
        let gm = g;
        let gs = g * e[i]![n]![d]!;
        if (estimator === 'reparam') {
          gm += -(z[d]! - m[d]!) / s[d]! ** 2; // d(-log q)/dm at fixed z
          gs += 1 / s[d]! - (z[d]! - m[d]!) ** 2 / s[d]! ** 3; // d(-log q)/ds at fixed z
        }
        // The loss is -mean_b(bound): negate and divide by B.
        loc[n]![d]! -= (coefficient * gm) / b;
        scale[n]![d]! -= (coefficient * gs) / b;
      }
    });
  }
  return { loc, scale };
}

describe('iwae gradient estimators', () => {
  const means = shiftedMeans(0.15).slice(0, 3);
  const stds = scaledStds(1.2).slice(0, 3);

  it('match float64 references of reparam, STL and DReG (Tucker et al. 2019) for q\'s parameters', () => {
    for (const estimator of ['reparam', 'stl', 'dreg'] as const) {
      const got = gradients(estimator, 21, 6, means, stds);
      const want = referenceGradients(estimator, 21, 6, means, stds);
      expect(testing.maxRelativeError(got.loc.flat(), want.loc.flat(), 1e-2)).toBeLessThan(2e-3);
      expect(testing.maxRelativeError(got.scale.flat(), want.scale.flat(), 1e-2)).toBeLessThan(2e-3);
    }
  });

  it('give the decoder the same IWAE gradient and the loss the same value, whichever the estimator', () => {
    const reparam = gradients('reparam', 5, 8, means, stds);
    for (const estimator of ['stl', 'dreg'] as const) {
      const other = gradients(estimator, 5, 8, means, stds);
      expect(testing.maxRelativeError(other.w, reparam.w, 1e-3)).toBeLessThan(1e-4);
      expect(other.loss).toBeCloseTo(reparam.loss, 5);
    }
  });

  it('have lower variance for STL and DReG than for reparam at K = 1, 5, 20, across seeds (ratios printed)', () => {
    // R replicates of one example, each with its own copy of q's parameters: one call
    // gives R independent gradient draws.
    const replicates = 200;
    const x0 = repeated([examples[0]!], replicates);
    const m0 = repeated([shiftedMeans(0.1)[0]!], replicates);
    const s0 = repeated([scaledStds(1.15)[0]!], replicates);
    const variance = (estimator: GradientEstimator, seed: number, k: number): { total: number; mean: number[] } => {
      const loc = tf.variable(tf.tensor2d(m0));
      const scaleDiag = tf.variable(tf.tensor2d(s0));
      const x = tf.tensor2d(x0);
      const { value, grads } = tf.variableGrads(() => {
        const posterior = new MultivariateNormalDiag({ loc, scaleDiag, validate: false });
        return iwae({ posterior, prior, likelihood: likelihood(), x, samples: k, estimator, rng: Generator.fromSeed(seed) }).loss as tf.Scalar;
      }, [loc, scaleDiag]);
      const columns = [grads[loc.name]!, grads[scaleDiag.name]!].flatMap((g) => {
        const rows = g.arraySync() as number[][];
        return [0, 1].map((d) => rows.map((row) => row[d]! * replicates));
      });
      tf.dispose([value, ...Object.values(grads), loc, scaleDiag, x]);
      const stats = columns.map((c) => testing.meanAndVariance(c));
      return { total: stats.reduce((acc, s) => acc + s.variance, 0), mean: stats.map((s) => s.mean) };
    };
    for (const k of [1, 5, 20]) {
      for (const seed of [1, 2, 3]) {
        const reparam = variance('reparam', seed, k);
        const stl = variance('stl', seed, k);
        const dreg = variance('dreg', seed, k);
        console.log(
          `iwae K=${k} seed ${seed}: encoder gradient variance ratio stl/reparam ${(stl.total / reparam.total).toFixed(4)}, ` +
            `dreg/reparam ${(dreg.total / reparam.total).toFixed(4)}`,
        );
        expect(stl.total).toBeLessThan(reparam.total);
        expect(dreg.total).toBeLessThan(reparam.total);
        // DReG is unbiased: its mean gradient agrees with reparam's within 4 standard errors.
        const se = Math.sqrt((reparam.total + dreg.total) / replicates); // a conservative bound
        dreg.mean.forEach((mu, i) => expect(Math.abs(mu - reparam.mean[i]!)).toBeLessThan(4 * se));
      }
    }
  });

  it('give STL and DReG a zero encoder gradient at the exact posterior, where reparam has noise', () => {
    const exact = { m: exactMeans().slice(0, 3), s: exactStds().slice(0, 3) };
    for (const estimator of ['stl', 'dreg'] as const) {
      const g = gradients(estimator, 4, 5, exact.m, exact.s);
      [...g.loc.flat(), ...g.scale.flat()].forEach((v) => expect(Math.abs(v)).toBeLessThan(2e-4));
    }
    const noisy = gradients('reparam', 4, 5, exact.m, exact.s);
    expect(Math.max(...[...noisy.loc.flat(), ...noisy.scale.flat()].map(Math.abs))).toBeGreaterThan(0.05);
  });
});

describe('iwae: memory and arguments', () => {
  it('leaves no tensors behind for any estimator, with or without gradients', () => {
    const x = tf.tensor2d(examples);
    const loc = tf.variable(tf.tensor2d(exactMeans()));
    const scaleDiag = tf.tensor2d(exactStds());
    for (const estimator of ['reparam', 'stl', 'dreg'] as const) {
      const run = () =>
        iwae({ posterior: new MultivariateNormalDiag({ loc, scaleDiag, validate: false }), prior, likelihood: likelihood(), x, samples: 3, estimator });
      expect(testing.tensorsLeftBehind(run)).toBe(0);
      expect(leftBehindUnderGradients(() => run().loss, [loc])).toBe(0);
    }
    tf.dispose([x, loc, scaleDiag]);
  });

  it('names bad options', () => {
    const x = tf.tensor2d(examples);
    const posterior = diagonalPosterior(exactMeans(), exactStds());
    expect(() => iwae({ posterior, prior, likelihood: likelihood(), x, samples: 2.5 })).toThrow(
      'iwae: samples must be a positive integer, found 2.5',
    );
    expect(() =>
      iwae({ posterior, prior, likelihood: likelihood(), x, samples: 2, estimator: 'vimco' as GradientEstimator }),
    ).toThrow("iwae: estimator must be one of 'reparam', 'stl', 'dreg', found \"vimco\"");
    x.dispose();
    posterior.dispose();
  });
});
