import * as tf from '@tensorflow/tfjs';
import type { Distribution } from '@elbo/distributions';
import { getGenerator } from '@elbo/runtime';
import { checkChoice, checkPositiveInteger } from './checks.js';
import { checkModelPieces, evaluateLikelihood } from './elbo.js';
import type { ModelPieces } from './elbo.js';
import { logMeanExp } from './log-mean-exp.js';
import { stopGradient, untaped } from '@elbo/runtime';

/**
 * Gradient estimators of the IWAE bound:
 * - 'reparam': plain reparameterisation (Burda et al. 2016);
 * - 'stl': sticking the landing (Roeder et al. 2017): log q(z) is differentiated only
 *   through z, not through q's parameters; zero variance at the exact posterior, but
 *   biased for K > 1;
 * - 'dreg': doubly reparameterised (Tucker et al. 2019): unbiased, and its encoder
 *   gradient's signal-to-noise ratio does not decay as K grows.
 */
export type GradientEstimator = 'reparam' | 'stl' | 'dreg';
export const gradientEstimators: readonly GradientEstimator[] = ['reparam', 'stl', 'dreg'];

export interface IwaeOptions extends ModelPieces {
  /** K, the number of importance samples per example. */
  readonly samples: number;
  /** Default 'reparam'. */
  readonly estimator?: GradientEstimator;
}

export type IwaeResult = {
  /**
   * [B] the importance-weighted bound log (1/K) sum_k p(x, z_k) / q(z_k | x) <= log p(x);
   * differentiable for 'reparam' and 'stl', a constant for 'dreg' (train on `loss`).
   */
  readonly bound: tf.Tensor;
  /**
   * Scalar to minimise. Its value is always -mean_b(bound); its gradient is the chosen
   * estimator's (for 'dreg' it is a surrogate built with stop-gradients).
   */
  readonly loss: tf.Tensor;
};

/**
 * The importance-weighted autoencoder bound (Burda et al. 2016): with K samples from
 * q it rises towards log p(x) as K grows (K = 1 is the ELBO).
 */
export function iwae(options: IwaeOptions): IwaeResult {
  const where = 'iwae';
  const pieces = checkModelPieces(where, options);
  const samples = checkPositiveInteger(where, 'samples', options.samples);
  const estimator = checkChoice(where, 'estimator', options.estimator ?? 'reparam', gradientEstimators);
  const { posterior, prior } = pieces;

  return tf.tidy(() => {
    const z = posterior.rsample([samples], { rng: options.rng ?? getGenerator() });
    /** log w_k = log p(x|z_k) + log p(z_k) - log q(z_k|x), shape [K, B]. */
    const logWeights = (at: tf.Tensor, logQ: (d: Distribution, v: tf.Tensor) => tf.Tensor): tf.Tensor =>
      tf.sub(tf.add(evaluateLikelihood(where, pieces, at, samples), prior.logProb(at)), logQ(posterior, at));

    if (estimator === 'reparam') {
      const bound = logMeanExp(logWeights(z, (d, v) => d.logProb(v)), 0);
      return { bound, loss: tf.neg(tf.mean(bound)) };
    }
    if (estimator === 'stl') {
      const bound = logMeanExp(logWeights(z, pathwiseLogProb), 0);
      return { bound, loss: tf.neg(tf.mean(bound)) };
    }
    // DReG, as a surrogate loss. With normalised weights w~_k (constants) and
    // z'_k = stop(z_k) + w~_k (z_k - stop(z_k)) (the value of z_k, its path gradient
    // scaled by w~_k), L = -sum_k w~_k log w(z'_k) with q's parameters stopped gives:
    // model parameters sum_k w~_k grad log p(x, z_k) (the IWAE gradient), and encoder
    // parameters sum_k w~_k^2 d log w_k / d z_k dz_k / dphi (Tucker et al., eq. 5).
    // The weights come from a first pass of the model kept off the gradient tape.
    const firstPass = untaped(() => logWeights(z, (d, v) => d.logProb(v)));
    const bound = logMeanExp(firstPass, 0);
    const normalised = tf.exp(tf.sub(firstPass, tf.logSumExp(firstPass, 0, true)));
    const weightsForZ = tf.reshape(normalised, [...normalised.shape, ...new Array<number>(z.rank - 2).fill(1)]);
    const fixedZ = stopGradient(z);
    const scaledPathZ = tf.add(fixedZ, tf.mul(weightsForZ, tf.sub(z, fixedZ)));
    const surrogate = tf.neg(tf.mean(tf.sum(tf.mul(normalised, logWeights(scaledPathZ, pathwiseLogProb)), 0)));
    // Report -mean(bound) as the value; keep the surrogate's gradient.
    const loss = tf.add(tf.sub(surrogate, stopGradient(surrogate)), tf.neg(tf.mean(bound)));
    return { bound, loss };
  });
}

/**
 * log q(z) differentiated only through z: log q(z) - log q(stop z) + stop(log q(stop z)).
 * The two terms in q's parameters cancel in the gradient, which leaves the path
 * derivative d log q / dz * dz / dphi, for any distribution without rebuilding it.
 */
export function pathwiseLogProb(q: Distribution, z: tf.Tensor): tf.Tensor {
  const atFixed = q.logProb(stopGradient(z));
  return tf.add(tf.sub(q.logProb(z), atFixed), stopGradient(atFixed));
}
