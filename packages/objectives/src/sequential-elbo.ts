import * as tf from '@tensorflow/tfjs';
import type { Distribution } from '@elbo/distributions';
import { formatShape, invalidArgument } from '@elbo/runtime';
import {
  checkBroadcastsTo,
  checkChoice,
  checkDistribution,
  checkNonNegative,
  checkShape,
  checkTensor,
} from './checks.js';
import type { ElboTerms } from './elbo.js';
import { klEstimators, klTerm, klTermPerDimension } from './kl-terms.js';
import type { KlEstimator } from './kl-terms.js';

export interface SequentialElboOptions {
  /** log p(x_n | z_n) at the sampled z, [B, T], or [S, B, T] for S sampled trajectories. */
  readonly emissionLogProb: tf.Tensor;
  /**
   * The per-step posterior q(z_1 | x) at n = 1 and q(z_n | z_{n-1}, x) after, its
   * parameters computed from the sampled z_{n-1}: batch [B, T] (or [S, B, T]), event [D].
   */
  readonly posterior: Distribution;
  /** The per-step prior p(z_1) at n = 1 and p(z_n | z_{n-1}) after: batch broadcastable to the posterior's. */
  readonly transitionPrior: Distribution;
  /** Shape `[B, T]`: nonzero for observed steps, 0 for padding. Padded steps must still hold finite values. */
  readonly mask?: tf.Tensor;
  /** beta or the current warm-up value; default 1. */
  readonly klWeight?: number;
  /** lambda, free nats per latent dimension and time step, floored on the batch mean; default 0 (off). */
  readonly freeBits?: number;
  /** How each step's KL is computed; default 'auto' ('sample' needs `latents`). */
  readonly kl?: KlEstimator;
  /** The sampled trajectory z, [B, T, D] (or [S, B, T, D]); needed for sampled KL terms. */
  readonly latents?: tf.Tensor;
}

/**
 * The ELBO of a state-space model, decomposed over time as in the sequential VAE:
 * sum_n E_q[log p(x_n|z_n)] - KL[q(z_1|x) || p(z_1)] - sum_{n>=2} E_q[KL[q(z_n|z_{n-1},x) || p(z_n|z_{n-1})]],
 * the expectations over z_{n-1} estimated with the sampled trajectory. Per-sequence
 * sums over the observed steps; the loss is -mean_b(reconstruction) + klWeight * penalty.
 */
export function sequentialElbo(options: SequentialElboOptions): ElboTerms & { klPerStep: tf.Tensor } {
  const where = 'sequentialElbo';
  if (typeof options !== 'object' || options === null) throw invalidArgument(where, 'options', 'an object', options);
  const emission = checkTensor(where, 'emissionLogProb', options.emissionLogProb);
  if (emission.rank !== 2 && emission.rank !== 3) {
    throw invalidArgument(where, 'emissionLogProb', 'of shape [B, T] or [S, B, T]', { raw: formatShape(emission.shape) });
  }
  const stepShape = emission.shape; // [B, T] or [S, B, T]
  const sequenceShape = stepShape.slice(-2); // [B, T]
  const posterior = checkDistribution(where, 'posterior', options.posterior);
  const prior = checkDistribution(where, 'transitionPrior', options.transitionPrior);
  checkShape(where, "the posterior's batchShape (emissionLogProb's shape)", posterior.batchShape, stepShape);
  checkBroadcastsTo(where, "the transitionPrior's batchShape", prior.batchShape, stepShape);
  checkShape(where, "the transitionPrior's eventShape (the posterior's is the reference)", prior.eventShape, posterior.eventShape);
  const mask = options.mask === undefined ? null : checkTensor(where, 'mask', options.mask);
  if (mask !== null) checkShape(where, "mask's shape", mask.shape, sequenceShape);
  const latents = options.latents === undefined ? null : checkTensor(where, 'latents', options.latents);
  if (latents !== null) {
    checkShape(where, "latents' shape", latents.shape, [...stepShape, ...posterior.eventShape]);
  }
  const klWeight = checkNonNegative(where, 'klWeight', options.klWeight ?? 1);
  const freeBits = checkNonNegative(where, 'freeBits', options.freeBits ?? 0);
  const estimator = checkChoice(where, 'kl', options.kl ?? 'auto', klEstimators);
  if (estimator === 'sample' && latents === null) {
    throw invalidArgument(where, 'latents', "given when kl is 'sample'", undefined);
  }

  return tf.tidy(() => {
    // The KL helpers take samples along a leading axis: one draw per trajectory here.
    const draws = latents === null ? null : () => tf.expandDims(latents, 0);
    // Average over the S trajectories, when there are several.
    const overSamples = (t: tf.Tensor): tf.Tensor => (stepShape.length === 3 ? tf.mean(t, 0) : t);
    let perDimension: tf.Tensor | null = null;
    let klSteps: tf.Tensor;
    if (freeBits > 0) {
      perDimension = overSamples(klTermPerDimension(where, posterior, prior, draws, estimator, 'freeBits')); // [B, T, D]
      klSteps = tf.sum(perDimension, -1);
    } else {
      klSteps = overSamples(klTerm(where, posterior, prior, draws, estimator)); // [B, T]
    }
    let emissionSteps = overSamples(emission);
    const observed = mask === null ? null : tf.notEqual(mask, 0);
    const keep = (t: tf.Tensor): tf.Tensor => {
      if (observed === null) return t;
      const where3 = t.rank === 3 ? tf.expandDims(observed, -1) : observed;
      return tf.where(tf.broadcastTo(where3, t.shape), t, tf.zerosLike(t));
    };
    klSteps = keep(klSteps);
    emissionSteps = keep(emissionSteps);
    const reconstruction = tf.sum(emissionSteps, 1);
    const kl = tf.sum(klSteps, 1);
    const batch = sequenceShape[0]!;
    let penalty: tf.Tensor;
    if (perDimension !== null) {
      // Per (step, dimension): max(lambda * n_t, sum_b KL_btd) / B, n_t = observed sequences at t.
      const summed = tf.sum(keep(perDimension), 0); // [T, D]
      const counts = observed === null ? tf.fill([sequenceShape[1]!, 1], batch) : tf.expandDims(tf.sum(tf.cast(observed, 'float32'), 0), -1);
      penalty = tf.div(tf.sum(tf.maximum(summed, tf.mul(counts, freeBits))), batch);
    } else {
      penalty = tf.mean(kl);
    }
    const loss = tf.add(tf.neg(tf.mean(reconstruction)), tf.mul(penalty, klWeight));
    return { elbo: tf.sub(reconstruction, kl), reconstruction, kl, loss, klPerStep: klSteps };
  });
}
