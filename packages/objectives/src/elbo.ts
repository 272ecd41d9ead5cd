import * as tf from '@tensorflow/tfjs';
import type { Distribution } from '@elbo/distributions';
import { formatShape, getGenerator, invalidArgument } from '@elbo/runtime';
import type { Generator } from '@elbo/runtime';
import {
  checkChoice,
  checkDistribution,
  checkNonNegative,
  checkPositiveInteger,
  checkShape,
  checkTensor,
} from './checks.js';
import { klEstimators, klTerm, klTermPerDimension } from './kl-terms.js';
import type { KlEstimator } from './kl-terms.js';

/** What every ELBO-type objective returns; the caller disposes the tensors. */
export type ElboTerms = {
  /** [B] per-example ELBO, unweighted: reconstruction - kl. */
  readonly elbo: tf.Tensor;
  /** [B] E_q[log p(x|z)], averaged over the samples. */
  readonly reconstruction: tf.Tensor;
  /** [B] KL[q(z|x) || p(z)] (analytic if registered, else Monte Carlo). */
  readonly kl: tf.Tensor;
  /**
   * Scalar to minimise: -mean_b(reconstruction) + klWeight * penalty, where the penalty
   * is mean_b(kl), or sum_d max(freeBits, mean_b kl_d), or |mean_b(kl) - capacity|.
   */
  readonly loss: tf.Tensor;
};

/** The model pieces every objective of this package takes. */
export interface ModelPieces {
  /** q(z|x): batchShape [B], eventShape [...] (usually [D]); reparameterisable. */
  readonly posterior: Distribution;
  /** p(z): batch shape broadcastable to [B], same event shape as the posterior. */
  readonly prior: Distribution;
  /** z [S, B, ...latent event] to p(x|z) with batchShape [S, B] and x's event shape. */
  readonly likelihood: (z: tf.Tensor) => Distribution;
  /** The data, [B, ...event of p(x|z)]. */
  readonly x: tf.Tensor;
  /** Generator for the posterior's draws; default: the one `init({ seed })` made. */
  readonly rng?: Generator;
}

export interface ElboOptions extends ModelPieces {
  /** S, the number of posterior samples per example; default 1. */
  readonly samples?: number;
  /** beta (beta-VAE) or the current warm-up value; default 1. */
  readonly klWeight?: number;
  /** lambda, free nats per latent dimension (Kingma et al. 2016), floored on the batch mean; default 0 (off). */
  readonly freeBits?: number;
  /** C, the KL target of capacity annealing (Burgess et al. 2018): the penalty is |KL - C|; default off. */
  readonly capacity?: number;
  /** How KL[q || p] is computed; default 'auto'. */
  readonly kl?: KlEstimator;
}

/**
 * The evidence lower bound ELBO = E_q[log p(x|z)] - KL[q(z|x) || p(z)] <= log p(x),
 * with S reparameterised samples from q, per example, and the loss to minimise with
 * the beta / warm-up weight, free bits or capacity applied.
 */
export function elbo(options: ElboOptions): ElboTerms {
  const where = 'elbo';
  const pieces = checkModelPieces(where, options);
  const samples = checkPositiveInteger(where, 'samples', options.samples ?? 1);
  const klWeight = checkNonNegative(where, 'klWeight', options.klWeight ?? 1);
  const freeBits = checkNonNegative(where, 'freeBits', options.freeBits ?? 0);
  const capacity = options.capacity === undefined ? null : checkNonNegative(where, 'capacity', options.capacity);
  if (capacity !== null && freeBits > 0) {
    throw invalidArgument(where, 'freeBits and capacity', 'used one at a time', {
      raw: `freeBits ${freeBits} and capacity ${capacity}`,
    });
  }
  const estimator = checkChoice(where, 'kl', options.kl ?? 'auto', klEstimators);
  const { posterior, prior } = pieces;

  return tf.tidy(() => {
    const z = posterior.rsample([samples], { rng: options.rng ?? getGenerator() });
    const logLikelihood = evaluateLikelihood(where, pieces, z, samples);
    const reconstruction = tf.mean(logLikelihood, 0);
    let kl: tf.Tensor;
    let penalty: tf.Tensor;
    if (freeBits > 0) {
      const perDimension = klTermPerDimension(where, posterior, prior, () => z, estimator, 'freeBits');
      kl = tf.sum(perDimension, -1);
      penalty = tf.sum(tf.maximum(tf.mean(perDimension, 0), freeBits));
    } else {
      kl = klTerm(where, posterior, prior, () => z, estimator);
      penalty = capacity === null ? tf.mean(kl) : tf.abs(tf.sub(tf.mean(kl), capacity));
    }
    const loss = tf.add(tf.neg(tf.mean(reconstruction)), tf.mul(penalty, klWeight));
    return { elbo: tf.sub(reconstruction, kl), reconstruction, kl, loss };
  });
}

/** Checks posterior, prior, likelihood and x; returns them typed. */
export function checkModelPieces(where: string, options: ModelPieces): ModelPieces & { batch: number } {
  if (typeof options !== 'object' || options === null) throw invalidArgument(where, 'options', 'an object', options);
  const posterior = checkDistribution(where, 'posterior', options.posterior);
  const prior = checkDistribution(where, 'prior', options.prior);
  if (typeof options.likelihood !== 'function') {
    throw invalidArgument(where, 'likelihood', 'a function z => Distribution', options.likelihood);
  }
  const x = checkTensor(where, 'x', options.x);
  if (posterior.batchShape.length !== 1) {
    throw invalidArgument(where, "the posterior's batchShape", '[B] (one axis of examples)', {
      raw: formatShape(posterior.batchShape),
    });
  }
  if (!posterior.hasRsample) {
    throw invalidArgument(where, 'posterior', 'reparameterisable (hasRsample)', { raw: posterior.name });
  }
  const batch = posterior.batchShape[0]!;
  if (x.rank < 1 || x.shape[0] !== batch) {
    throw invalidArgument(where, "x's first axis", `the posterior's batch size ${batch}`, { raw: formatShape(x.shape) });
  }
  checkShape(where, "the prior's eventShape (the posterior's is the reference)", prior.eventShape, posterior.eventShape);
  return { ...options, posterior, prior, x, batch };
}

/** log p(x|z) of shape [S, B]; checks what the likelihood callback returned. */
export function evaluateLikelihood(where: string, pieces: ModelPieces & { batch: number }, z: tf.Tensor, samples: number): tf.Tensor {
  const likelihood = pieces.likelihood(z);
  checkDistribution(where, 'likelihood(z)', likelihood);
  const logLikelihood = likelihood.logProb(pieces.x);
  checkShape(where, 'the shape of likelihood(z).logProb(x)', logLikelihood.shape, [samples, pieces.batch]);
  return logLikelihood;
}
