import * as tf from '@tensorflow/tfjs';
import { Independent, MultivariateNormalDiag, Normal } from '@elbo/distributions';
import { Generator, testing } from '@elbo/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leftBehindUnderGradients } from './test-support/leaks.js';
import { elbo } from './elbo.js';
import { gaussianKl, identity } from './test-support/linalg.js';
import { ppcaExactElbo } from './test-support/ppca.js';
import {
  TestLaplace,
  diagonalPosterior,
  examples,
  exactMeans,
  exactStds,
  expectedAbs,
  likelihood,
  logMarginals,
  model,
  repeated,
  standardNormalPrior,
} from './test-support/ppca-model.js';

// Each of the 4 PPCA examples is repeated COPIES times in one batch, so one call with
// S = 1 gives COPIES independent ELBO samples per example, and their spread.
const COPIES = 500;
let prior: MultivariateNormalDiag;
let x: tf.Tensor;

beforeAll(async () => {
  await testing.initForTests({ seed: 6 });
  prior = standardNormalPrior();
  x = tf.tensor2d(repeated(examples, COPIES));
});
afterAll(() => {
  prior.dispose();
  x.dispose();
});

/** Per-example mean and standard error of the copies of each example. */
function perExample(values: ArrayLike<number>): { mean: number; se: number }[] {
  return examples.map((_, e) => {
    const { mean, variance } = testing.meanAndVariance(Array.from(values).slice(e * COPIES, (e + 1) * COPIES));
    return { mean, se: Math.sqrt(variance / COPIES) };
  });
}

/** A q that is not the posterior: means shifted by 0.4, standard deviations times 1.6. */
const otherMeans = (): number[][] => exactMeans().map((m) => m.map((v) => v + 0.4));
const otherStds = (): number[][] => exactStds().map((s) => s.map((v) => v * 1.6));
const otherQ = (e: number): { mean: number[]; cov: number[][] } => ({
  mean: otherMeans()[e]!,
  cov: identity(2).map((row, i) => row.map((v) => v * otherStds()[e]![i]! ** 2)),
});

describe('elbo on probabilistic PCA (exact log p(x) known)', () => {
  it('equals log p(x) sample by sample when q is the exact posterior (sampled KL): zero variance', () => {
    const posterior = diagonalPosterior(repeated(exactMeans(), COPIES), repeated(exactStds(), COPIES));
    const terms = elbo({ posterior, prior, likelihood: likelihood(), x, kl: 'sample', rng: Generator.fromSeed(1) });
    const values = terms.elbo.dataSync();
    const expected = repeated(logMarginals, COPIES);
    let worst = 0;
    values.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - expected[i]!))));
    expect(worst).toBeLessThan(2e-4); // float32 round-off only
    perExample(values).forEach(({ se }) => expect(se).toBeLessThan(1e-5));
    tf.dispose(terms);
    posterior.dispose();
  });

  it('averages to log p(x) at the exact posterior with the analytic KL (within 4 standard errors)', () => {
    const posterior = diagonalPosterior(repeated(exactMeans(), COPIES), repeated(exactStds(), COPIES));
    const terms = elbo({ posterior, prior, likelihood: likelihood(), x, rng: Generator.fromSeed(2) });
    const kl = terms.kl.dataSync();
    perExample(terms.elbo.dataSync()).forEach(({ mean, se }, e) => {
      expect(Math.abs(mean - logMarginals[e]!)).toBeLessThan(4 * se);
      const exactKl = ppcaExactElbo(model, examples[e]!, { mean: exactMeans()[e]!, cov: posteriorsCov(e) }).kl;
      expect(Math.abs(kl[e * COPIES]! - exactKl)).toBeLessThan(1e-5);
    });
    tf.dispose(terms);
    posterior.dispose();
  });

  it('stays below log p(x) for any other q, at the closed-form ELBO, with analytic or sampled KL', () => {
    for (const kl of ['analytic', 'sample'] as const) {
      const posterior = diagonalPosterior(repeated(otherMeans(), COPIES), repeated(otherStds(), COPIES));
      const terms = elbo({ posterior, prior, likelihood: likelihood(), x, kl, rng: Generator.fromSeed(3) });
      perExample(terms.elbo.dataSync()).forEach(({ mean, se }, e) => {
        const exact = ppcaExactElbo(model, examples[e]!, otherQ(e)).elbo;
        expect(Math.abs(mean - exact)).toBeLessThan(4 * se);
        expect(exact).toBeLessThan(logMarginals[e]! - 0.05); // the gap is KL[q || p(z|x)] > 0
        expect(mean).toBeLessThan(logMarginals[e]!);
      });
      perExample(terms.reconstruction.dataSync()).forEach(({ mean, se }, e) => {
        expect(Math.abs(mean - ppcaExactElbo(model, examples[e]!, otherQ(e)).reconstruction)).toBeLessThan(4 * se);
      });
      tf.dispose(terms);
    posterior.dispose();
    }
  });

  it('averages S samples per example, drawn from the given generator', () => {
    const posterior = diagonalPosterior(otherMeans(), otherStds());
    const data = tf.tensor2d(examples);
    const lik = likelihood();
    const terms = elbo({ posterior, prior, likelihood: lik, x: data, samples: 7, rng: Generator.fromSeed(9) });
    const byHand = tf.tidy(() => tf.mean(lik(posterior.rsample([7], { rng: Generator.fromSeed(9) })).logProb(data), 0));
    expect(testing.maxRelativeError(terms.reconstruction.dataSync(), byHand.dataSync())).toBeLessThan(1e-6);
    tf.dispose([terms, byHand, data]);
    posterior.dispose();
  });

  it('falls back to a Monte Carlo KL against a prior with no registered analytic KL', () => {
    // KL[q || Laplace(0, b)^2] = -H(q) + sum_d (log 2b + E|z_d| / b).
    const b = 1.3;
    const laplace = new Independent(new TestLaplace(b, [2]), 1);
    const posterior = diagonalPosterior(repeated(otherMeans(), COPIES), repeated(otherStds(), COPIES));
    const terms = elbo({ posterior, prior: laplace, likelihood: likelihood(), x, rng: Generator.fromSeed(4) });
    perExample(terms.kl.dataSync()).forEach(({ mean, se }, e) => {
      const m = otherMeans()[e]!;
      const s = otherStds()[e]!;
      const exact = m.reduce(
        (sum, mi, d) =>
          sum - (0.5 * Math.log(2 * Math.PI * Math.E * s[d]! ** 2)) + Math.log(2 * b) + expectedAbs(mi, s[d]!, testing.standardNormalCdf) / b,
        0,
      );
      expect(Math.abs(mean - exact)).toBeLessThan(4 * se);
    });
    expect(() => elbo({ posterior, prior: laplace, likelihood: likelihood(), x, kl: 'analytic' })).toThrow(
      "elbo: kl must be 'auto' or 'sample' for a pair with no registered analytic KL, found 'analytic' for KL[MultivariateNormalDiag || Independent(TestLaplace)]",
    );
    tf.dispose(terms);
    posterior.dispose();
  });
});

function posteriorsCov(e: number): number[][] {
  return identity(2).map((row, i) => row.map((v) => v * exactStds()[e]![i]! ** 2));
}

describe('elbo loss: beta, free bits, capacity', () => {
  const means = [
    [0.1, 1.5],
    [-0.2, 2.0],
    [0.05, -1.0],
  ];
  const stds = [
    [0.9, 0.5],
    [1.1, 0.6],
    [0.95, 0.8],
  ];
  /** Float64 KL[N(m, s^2) || N(0, 1)] per example and dimension. */
  const klBd = means.map((row, b) => row.map((m, d) => gaussianKl([m], [[stds[b]![d]! ** 2]], [0], [[1]])));
  const meanKlD = [0, 1].map((d) => klBd.reduce((s, row) => s + row[d]!, 0) / 3);
  const data = (): tf.Tensor => tf.tensor2d(examples.slice(0, 3));
  /** p(x|z) that ignores z, so the loss's gradient in q's means is the KL penalty's alone. */
  const flatLikelihood = (z: tf.Tensor) =>
    new Independent(new Normal({ loc: tf.zeros([z.shape[0]!, z.shape[1]!, 4]), scale: 1, validate: false }), 1);

  function lossAndGrad(options: { klWeight?: number; freeBits?: number; capacity?: number }): { loss: number; grad: number[][] } {
    const loc = tf.variable(tf.tensor2d(means));
    const scaleDiag = tf.tensor2d(stds);
    const x3 = data();
    const { value, grads } = tf.variableGrads(() => {
      const posterior = new MultivariateNormalDiag({ loc, scaleDiag, validate: false });
      return elbo({ posterior, prior, likelihood: flatLikelihood, x: x3, ...options }).loss as tf.Scalar;
    }, [loc]);
    const result = { loss: value.dataSync()[0]!, grad: grads[loc.name]!.arraySync() as number[][] };
    tf.dispose([value, grads[loc.name]!, loc, scaleDiag, x3]);
    return result;
  }
  const flatReconstruction = -0.5 * examples.slice(0, 3).flat().reduce((s, v) => s + v * v, 0) / 3 - 2 * Math.log(2 * Math.PI);

  it('weights the mean KL by klWeight', () => {
    const { loss, grad } = lossAndGrad({ klWeight: 0.3 });
    expect(loss).toBeCloseTo(-flatReconstruction + 0.3 * (meanKlD[0]! + meanKlD[1]!), 4);
    // d KL / d m = m for a standard normal prior; the loss averages over 3 examples.
    grad.forEach((row, b) => row.forEach((g, d) => expect(g).toBeCloseTo((0.3 * means[b]![d]!) / 3, 5)));
  });

  it('floors each dimension at freeBits nats of batch-mean KL, with no gradient below the floor', () => {
    const lambda = 0.5; // dimension 0 (mean KL about 0.02) is below it, dimension 1 (about 1.8) above
    expect(meanKlD[0]).toBeLessThan(lambda);
    expect(meanKlD[1]).toBeGreaterThan(lambda);
    const { loss, grad } = lossAndGrad({ freeBits: lambda, klWeight: 2 });
    expect(loss).toBeCloseTo(-flatReconstruction + 2 * (lambda + meanKlD[1]!), 4);
    grad.forEach((row, b) => {
      expect(Math.abs(row[0]!)).toBe(0);
      expect(row[1]).toBeCloseTo((2 * means[b]![1]!) / 3, 5);
    });
  });

  it('penalises |KL - C| for capacity annealing, pushing KL up when below C', () => {
    const total = meanKlD[0]! + meanKlD[1]!;
    const below = lossAndGrad({ capacity: total + 1, klWeight: 10 });
    expect(below.loss).toBeCloseTo(-flatReconstruction + 10, 3);
    below.grad.forEach((row, b) => row.forEach((g, d) => expect(g).toBeCloseTo((-10 * means[b]![d]!) / 3, 4)));
    const above = lossAndGrad({ capacity: total - 1, klWeight: 10 });
    expect(above.loss).toBeCloseTo(-flatReconstruction + 10, 3);
    above.grad.forEach((row, b) => row.forEach((g, d) => expect(g).toBeCloseTo((10 * means[b]![d]!) / 3, 4)));
  });

  it('reports the per-example terms independently of the weighting', () => {
    const posterior = diagonalPosterior(means, stds);
    const x3 = data();
    const terms = elbo({ posterior, prior, likelihood: flatLikelihood, x: x3, klWeight: 0.1, freeBits: 0.5 });
    const kl = terms.kl.dataSync();
    klBd.forEach((row, b) => expect(kl[b]).toBeCloseTo(row[0]! + row[1]!, 5));
    const e = terms.elbo.dataSync();
    const r = terms.reconstruction.dataSync();
    e.forEach((v, b) => expect(v).toBeCloseTo(r[b]! - kl[b]!, 5));
    tf.dispose([terms, x3]);
    posterior.dispose();
  });
});

describe('elbo: memory and argument checks', () => {
  it('leaves no tensors behind, also under variableGrads', () => {
    const loc = tf.variable(tf.tensor2d(otherMeans()));
    const scaleDiag = tf.tensor2d(otherStds());
    const data = tf.tensor2d(examples);
    const run = () => {
      const posterior = new MultivariateNormalDiag({ loc, scaleDiag, validate: false });
      return elbo({ posterior, prior, likelihood: likelihood(), x: data, samples: 3, freeBits: 0.1 });
    };
    expect(testing.tensorsLeftBehind(run)).toBe(0);
    expect(leftBehindUnderGradients(() => run().loss, [loc])).toBe(0);
    tf.dispose([loc, scaleDiag, data]);
  });

  it('names bad options and mismatched shapes', () => {
    const posterior = diagonalPosterior(otherMeans(), otherStds());
    const data = tf.tensor2d(examples);
    const base = { posterior, prior, likelihood: likelihood(), x: data };
    expect(() => elbo({ ...base, samples: 0 })).toThrow('elbo: samples must be a positive integer, found 0');
    expect(() => elbo({ ...base, klWeight: -1 })).toThrow('elbo: klWeight must be a finite number >= 0, found -1');
    expect(() => elbo({ ...base, freeBits: 0.1, capacity: 2 })).toThrow(
      'elbo: freeBits and capacity must be used one at a time, found freeBits 0.1 and capacity 2',
    );
    const three = tf.tensor2d(examples.slice(0, 3));
    expect(() => elbo({ ...base, x: three })).toThrow("elbo: x's first axis must be the posterior's batch size 4, found [3, 4]");
    const ignoresSamples = (z: tf.Tensor) =>
      new Independent(new Normal({ loc: tf.zeros([z.shape[1]!, 4]), scale: 1, validate: false }), 1);
    expect(() => elbo({ ...base, likelihood: ignoresSamples, samples: 2 })).toThrow(
      'elbo: the shape of likelihood(z).logProb(x) must be [2, 4], found [4]',
    );
    const wide = new MultivariateNormalDiag({ loc: tf.zeros([3]), scaleDiag: tf.ones([3]), validate: false });
    expect(() => elbo({ ...base, prior: wide })).toThrow(
      "elbo: the prior's eventShape (the posterior's is the reference) must be [2], found [3]",
    );
    expect(() => elbo({ ...base, kl: 'exact' as 'auto' })).toThrow("elbo: kl must be one of 'auto', 'analytic', 'sample', found \"exact\"");
    const laplace = new Independent(new TestLaplace(1, [2]), 1);
    const bernoulliLike = { ...base, posterior: laplace };
    expect(() => elbo(bernoulliLike)).toThrow("elbo: the posterior's batchShape must be [B] (one axis of examples), found []");
    tf.dispose([data, three]);
    posterior.dispose();
    wide.dispose();
  });
});

describe('elbo: analytic KL for mixed factorised types', () => {
  it('sums the per-dimension analytic KL of Independent(Normal) against MultivariateNormalDiag', () => {
    const means = [
      [0.3, -0.4],
      [1.0, 0.2],
    ];
    const stds = [
      [0.5, 0.9],
      [1.3, 0.7],
    ];
    const posterior = new Independent(new Normal({ loc: means, scale: stds, validate: false }), 1);
    const mixedPrior = new MultivariateNormalDiag({ loc: [0.1, -0.2], scaleDiag: [1.5, 0.8] });
    const data = tf.tensor2d(examples.slice(0, 2));
    for (const kl of ['auto', 'analytic'] as const) {
      const terms = elbo({ posterior, prior: mixedPrior, likelihood: likelihood(), x: data, kl });
      const got = terms.kl.dataSync();
      means.forEach((row, b) => {
        const want = row.reduce((sum, m, d) => sum + gaussianKl([m], [[stds[b]![d]! ** 2]], [[0.1, -0.2][d]!], [[[1.5, 0.8][d]! ** 2]]), 0);
        expect(got[b]).toBeCloseTo(want, 5);
      });
      tf.dispose(terms);
    }
    data.dispose();
    posterior.dispose();
    mixedPrior.dispose();
  });
});
