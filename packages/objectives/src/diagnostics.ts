/**
 * Posterior-collapse diagnostics: how many nats each latent dimension carries, and
 * which dimensions the encoder actually uses.
 */
import * as tf from '@tensorflow/tfjs';
import { Distribution } from '@elbo/distributions';
import { formatShape, getGenerator, invalidArgument } from '@elbo/runtime';
import type { Generator } from '@elbo/runtime';
import { checkChoice, checkDistribution, checkNonNegative, checkPositiveInteger, checkTensor } from './checks.js';
import { klEstimators, klTermPerDimension } from './kl-terms.js';
import type { KlEstimator } from './kl-terms.js';

export interface KlPerDimensionOptions {
  /** 'auto' (analytic if registered, else sampled), 'analytic' or 'sample'; default 'auto'. */
  readonly kl?: KlEstimator;
  /** Draws per example for a sampled KL; default 16. */
  readonly samples?: number;
  /** Keep the batch axis ([B, D]) instead of averaging it ([D]); default false. */
  readonly perExample?: boolean;
  readonly rng?: Generator;
}

/**
 * KL[q(z_d|x) || p(z_d)] for each latent dimension d, averaged over the batch ([D]), for
 * a posterior and prior that factorise over dimensions (MultivariateNormalDiag or
 * Independent(scalar distribution, 1)). Dimensions near 0 nats have collapsed to the prior.
 */
export function klPerDimension(posterior: Distribution, prior: Distribution, options: KlPerDimensionOptions = {}): tf.Tensor {
  const where = 'klPerDimension';
  checkDistribution(where, 'posterior', posterior);
  checkDistribution(where, 'prior', prior);
  const estimator = checkChoice(where, 'kl', options.kl ?? 'auto', klEstimators);
  const samples = checkPositiveInteger(where, 'samples', options.samples ?? 16);
  return tf.tidy(() => {
    const draws = () => posterior.sample([samples], { rng: options.rng ?? getGenerator() }); // no gradient
    const perDimension = klTermPerDimension(where, posterior, prior, draws, estimator, 'klPerDimension');
    if (options.perExample) return perDimension;
    const batchAxes = Array.from({ length: perDimension.rank - 1 }, (_, i) => i);
    return batchAxes.length === 0 ? perDimension : tf.mean(perDimension, batchAxes);
  });
}

export interface ActiveUnits {
  /** How many dimensions have variance above the threshold. */
  readonly count: number;
  /** Per dimension: is it active? */
  readonly active: boolean[];
  /** Per dimension: the variance over the data set of the posterior mean E_q[z_d | x]. */
  readonly variances: number[];
}

/**
 * Active units (Burda et al. 2016): dimension d is active when Var_x(E_q[z_d | x]) over
 * a data set exceeds `threshold` (default 0.01), i.e. the encoder's output moves with
 * the input. `means` is [N, D] (posterior means for N inputs) or a posterior with batch
 * [N] and event [D]; N >= 2. The variance is the unbiased (N - 1) sample variance.
 */
export function activeUnits(means: tf.Tensor | Distribution, options: { threshold?: number } = {}): ActiveUnits {
  const where = 'activeUnits';
  const threshold = checkNonNegative(where, 'threshold', options.threshold ?? 0.01);
  const tensor = means instanceof Distribution ? null : checkTensor(where, 'means', means);
  const shape = tensor ? tensor.shape : [...(means as Distribution).batchShape, ...(means as Distribution).eventShape];
  if (shape.length !== 2 || shape[0]! < 2) {
    throw invalidArgument(where, 'means', 'of shape [N, D] with N >= 2 (a posterior: batch [N], event [D])', {
      raw: formatShape(shape),
    });
  }
  const variances = tf.tidy(() => {
    const m = tensor ?? (means as Distribution).mean();
    const n = shape[0]!;
    return tf.mul(tf.moments(m, 0).variance, n / (n - 1));
  });
  const values = Array.from(variances.dataSync());
  variances.dispose();
  const active = values.map((v) => v > threshold);
  return { count: active.filter(Boolean).length, active, variances: values };
}
