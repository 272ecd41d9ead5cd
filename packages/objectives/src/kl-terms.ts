/**
 * The KL terms of the objectives: analytic when @elbo/distributions has the pair
 * registered, Monte Carlo (log q(z) - log p(z) at the posterior's own samples)
 * otherwise, as Pyro's TraceMeanField_ELBO does; whole or per latent dimension.
 */
import * as tf from '@tensorflow/tfjs';
import { Independent, KlNotRegisteredError, MultivariateNormalDiag, Normal, kl } from '@elbo/distributions';
import type { Distribution } from '@elbo/distributions';
import { formatShape, invalidArgument } from '@elbo/runtime';
import { checkBroadcastsTo } from './checks.js';

/**
 * How the KL term is computed: 'auto' (analytic if registered, else sampled),
 * 'analytic' (fails if the pair has no registered KL) or 'sample' (always
 * log q(z) - log p(z) at the samples z, which makes the ELBO of an exact posterior
 * exact sample by sample).
 */
export type KlEstimator = 'auto' | 'analytic' | 'sample';
export const klEstimators: readonly KlEstimator[] = ['auto', 'analytic', 'sample'];

/** kl(q, p) broadcast to q's batch shape, or null when the pair is not registered. */
function analyticKl(where: string, q: Distribution, p: Distribution): tf.Tensor | null {
  let value: tf.Tensor;
  try {
    value = kl(q, p);
  } catch (error) {
    if (!(error instanceof KlNotRegisteredError)) throw error;
    return null;
  }
  checkBroadcastsTo(where, `the shape of KL[${q.name} || ${p.name}]`, value.shape, q.batchShape);
  return value.shape.join() === q.batchShape.join() ? value : tf.broadcastTo(value, q.batchShape);
}

/**
 * Draws from q of shape [S, ...q.batchShape, ...q.eventShape], asked for only when the
 * estimate is sampled (so an analytic KL consumes no random numbers); null if none.
 */
export type Draws = (() => tf.Tensor) | null;

/** KL[q || p] with q's batch shape; sampled at `draws` when not analytic. */
export function klTerm(where: string, q: Distribution, p: Distribution, draws: Draws, estimator: KlEstimator): tf.Tensor {
  if (estimator !== 'sample') {
    // Mixed spellings of a diagonal Gaussian (Independent(Normal, 1) and
    // MultivariateNormalDiag) are registered pairs in @elbo/distributions.
    const value = analyticKl(where, q, p);
    if (value !== null) return value;
    if (estimator === 'analytic') {
      throw invalidArgument(where, 'kl', `'auto' or 'sample' for a pair with no registered analytic KL`, {
        raw: `'analytic' for KL[${q.name} || ${p.name}]`,
      });
    }
  }
  if (draws === null) throw missingDraws(where, q, p);
  const z = draws();
  return tf.mean(tf.sub(q.logProb(z), p.logProb(z)), 0);
}

/**
 * The scalar-event distribution whose batch is `d`'s batch plus its one event axis, for
 * distributions that factorise over latent dimensions (MultivariateNormalDiag, or
 * Independent over a scalar-event base with one reinterpreted axis); else null.
 */
export function perDimensionFactors(d: Distribution): Distribution | null {
  if (d instanceof MultivariateNormalDiag) return new Normal({ loc: d.loc, scale: d.scaleDiag, validate: false });
  if (d instanceof Independent && d.reinterpretedBatchNdims === 1 && d.base.eventShape.length === 0) return d.base;
  return null;
}

/**
 * KL[q || p] per latent dimension, shape [...q.batchShape, D], for q and p that
 * factorise over the D latent dimensions (see {@link perDimensionFactors}).
 */
export function klTermPerDimension(
  where: string,
  q: Distribution,
  p: Distribution,
  draws: Draws,
  estimator: KlEstimator,
  option: string,
): tf.Tensor {
  const qFactors = perDimensionFactors(q);
  const pFactors = perDimensionFactors(p);
  if (qFactors === null || pFactors === null) {
    throw invalidArgument(
      where,
      `the posterior and prior for ${option}`,
      'factorised over one latent axis (MultivariateNormalDiag, or Independent(scalar distribution, 1))',
      { raw: `${q.name} with event ${formatShape(q.eventShape)} and ${p.name} with event ${formatShape(p.eventShape)}` },
    );
  }
  return klTerm(where, qFactors, pFactors, draws, estimator);
}

function missingDraws(where: string, q: Distribution, p: Distribution): RangeError {
  return invalidArgument(where, 'latent samples', 'given for a KL with no analytic form', {
    raw: `none for KL[${q.name} || ${p.name}]`,
  });
}
