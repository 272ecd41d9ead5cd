/**
 * The PPCA oracle's model as elbo pieces (tfjs and @elbo/distributions), for the
 * objectives' tests: a fixed loading matrix with orthogonal columns, so that the exact
 * posterior is a diagonal Gaussian (MultivariateNormalDiag can represent it).
 */
import * as tf from '@tensorflow/tfjs';
import { Distribution, Independent, MultivariateNormalDiag, Normal } from '@elbo/distributions';
import type { Constraint } from '@elbo/distributions';
import { randomUniform } from '@elbo/runtime';
import type { Generator } from '@elbo/runtime';
import { ppcaLogMarginal, ppcaPosterior, type Ppca } from './ppca.js';

// Columns (1.2, 0.4, -0.6, 0.3) and (0.2, -0.6, 0.5, 1.0) are orthogonal.
export const model: Ppca = {
  w: [
    [1.2, 0.2],
    [0.4, -0.6],
    [-0.6, 0.5],
    [0.3, 1.0],
  ],
  mu: [0.1, -0.2, 0.3, 0],
  noise: 0.5,
};

export const examples = [
  [1.0, -0.5, 0.2, 0.8],
  [-0.4, 0.9, -1.1, 0.3],
  [2.0, 0.1, -0.7, -1.2],
  [0.2, 0.2, 0.4, 0.1],
];

export const logMarginals = examples.map((x) => ppcaLogMarginal(model, x));
export const posteriors = examples.map((x) => ppcaPosterior(model, x));

/** Each example repeated `copies` times, in order: row r is example floor(r / copies). */
export function repeated<T>(rows: T[], copies: number): T[] {
  return rows.flatMap((row) => new Array<T>(copies).fill(row));
}

/** p(x|z) = N(W z + mu, s^2 I) for z of shape [S, B, 2], as Independent(Normal, 1); w may be a variable. */
export function likelihood(w?: tf.Tensor): (z: tf.Tensor) => Distribution {
  return (z) => {
    const [s, b] = z.shape;
    const flat = tf.reshape(z, [s! * b!, 2]);
    const weights = w ?? tf.tensor2d(model.w); // made inside the objective's tidy
    const loc = tf.add(tf.reshape(tf.matMul(flat, weights, false, true), [s!, b!, 4]), tf.tensor1d(model.mu));
    return new Independent(new Normal({ loc, scale: tf.scalar(model.noise), validate: false }), 1);
  };
}

export const standardNormalPrior = (): MultivariateNormalDiag =>
  new MultivariateNormalDiag({ loc: tf.zeros([2]), scaleDiag: tf.ones([2]), validate: false });

/** A diagonal Gaussian q per row, from float64 means and standard deviations. */
export function diagonalPosterior(means: number[][], stds: number[][]): MultivariateNormalDiag {
  return new MultivariateNormalDiag({ loc: means, scaleDiag: stds, validate: false }); // owns its tensors
}

export const exactMeans = (): number[][] => posteriors.map((p) => p.mean);
export const exactStds = (): number[][] => posteriors.map((p) => p.cov.map((row, i) => Math.sqrt(row[i]!)));

const realLine: Constraint = { description: 'a real number', firstViolation: () => null };

/**
 * Laplace(0, b), a scalar family with no registered KL against the Gaussians, so the
 * objectives must fall back to Monte Carlo KL. log p(z) = -log(2b) - |z| / b.
 */
export class TestLaplace extends Distribution {
  readonly hasRsample = false;
  protected readonly support = realLine;
  constructor(
    readonly scale: number,
    batchShape: number[],
  ) {
    super({ name: 'TestLaplace', batchShape, eventShape: [], owned: [], validate: false });
  }
  protected computeLogProb(value: tf.Tensor): tf.Tensor {
    return tf.sub(tf.div(tf.abs(value), -this.scale), Math.log(2 * this.scale));
  }
  protected draw(sampleShape: number[], rng: Generator): tf.Tensor {
    // Inverse CDF: z = -b sign(u - 1/2) log(1 - 2 |u - 1/2|).
    const centred = tf.sub(randomUniform(this.outputShape(sampleShape), { rng }), 0.5);
    return tf.mul(tf.mul(tf.sign(centred), -this.scale), tf.log1p(tf.mul(tf.abs(centred), -2)));
  }
}

/** E|z| for z ~ N(m, s^2): s sqrt(2/pi) exp(-m^2 / 2s^2) + m (1 - 2 Phi(-m/s)). */
export function expectedAbs(m: number, s: number, normalCdf: (x: number) => number): number {
  return s * Math.sqrt(2 / Math.PI) * Math.exp((-m * m) / (2 * s * s)) + m * (1 - 2 * normalCdf(-m / s));
}
