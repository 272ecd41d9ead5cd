import * as tf from '@tensorflow/tfjs';
import type { Distribution } from '@elbo/distributions';
import { formatShape, getGenerator, invalidArgument } from '@elbo/runtime';
import type { Generator } from '@elbo/runtime';
import { checkDistribution, checkPositiveInteger, checkShape, checkTensor } from './checks.js';
import { logMeanExp } from './log-mean-exp.js';
import { stopGradient } from '@elbo/runtime';

export interface WakeSleepOptions {
  /** The recognition model: x [N, ...] to q(z|x) with batch [N] and event [D]. */
  readonly encoder: (x: tf.Tensor) => Distribution;
  /** p(z) with batch [] (the sleep phase dreams from it). */
  readonly prior: Distribution;
  /** z [S, B, D] to p(x|z) with batch [S, B]; its `sample` makes the dreams. */
  readonly likelihood: (z: tf.Tensor) => Distribution;
  /** The data, [B, ...event of p(x|z)]. */
  readonly x: tf.Tensor;
  /** K posterior samples in the wake phase: 1 is classic wake-sleep, K > 1 reweighted wake-sleep. Default 1. */
  readonly samples?: number;
  /** Dreams (z, x) ~ p(z) p(x|z) in the sleep phase; default B. */
  readonly sleepSamples?: number;
  /** Also train q in the wake phase on the importance-weighted samples (RWS "wake-phi"); default: K > 1. */
  readonly wakeEncoder?: boolean;
  /** Train q in the sleep phase on dreams; default true. */
  readonly sleepEncoder?: boolean;
  readonly rng?: Generator;
}

export type WakeSleepTerms = {
  /** [B] importance-weighted estimate of log p(x) from the wake samples (the ELBO at K = 1). */
  readonly bound: tf.Tensor;
  /** Wake phase, model parameters: -mean_b sum_k w~_k log p(x, z_k), z_k ~ q(z|x) held fixed. */
  readonly wakeLoss: tf.Tensor;
  /** Wake phase, encoder (RWS): -mean_b sum_k w~_k log q(z_k|x); 0 when off. */
  readonly wakeEncoderLoss: tf.Tensor;
  /** Sleep phase, encoder: -mean log q(z|x) over dreams (z, x) ~ p(z) p(x|z); 0 when off. */
  readonly sleepLoss: tf.Tensor;
  /** The sum of the three: each one's gradient reaches only its own phase's parameters. */
  readonly loss: tf.Tensor;
};

/**
 * Wake-sleep (Hinton et al. 1995) and reweighted wake-sleep (Bornschein & Bengio 2015):
 * the autoencoder trained in two phases instead of through one ELBO. Wake: sample
 * z ~ q(z|x) (no reparameterisation, no gradient through the samples) and fit the
 * model p(x, z) to them, weighted by normalised importance weights w~_k ∝ p(x, z_k) / q(z_k|x).
 * Sleep: dream (z, x) from the model and fit q(z|x) to recover z. Works for discrete
 * latents too, since nothing is differentiated through a sample.
 */
export function wakeSleep(options: WakeSleepOptions): WakeSleepTerms {
  const where = 'wakeSleep';
  if (typeof options !== 'object' || options === null) throw invalidArgument(where, 'options', 'an object', options);
  for (const name of ['encoder', 'likelihood'] as const) {
    if (typeof options[name] !== 'function') throw invalidArgument(where, name, 'a function', options[name]);
  }
  const prior = checkDistribution(where, 'prior', options.prior);
  if (prior.batchShape.length !== 0) {
    throw invalidArgument(where, "the prior's batchShape", '[] (the sleep phase dreams from it)', {
      raw: formatShape(prior.batchShape),
    });
  }
  const x = checkTensor(where, 'x', options.x);
  if (x.rank < 1) throw invalidArgument(where, 'x', 'a tensor [B, ...]', { raw: formatShape(x.shape) });
  const batch = x.shape[0]!;
  const samples = checkPositiveInteger(where, 'samples', options.samples ?? 1);
  const dreams = checkPositiveInteger(where, 'sleepSamples', options.sleepSamples ?? batch);
  const wakeEncoder = options.wakeEncoder ?? samples > 1;
  const sleepEncoder = options.sleepEncoder ?? true;
  const rng = options.rng ?? getGenerator();

  return tf.tidy(() => {
    // Wake phase.
    const posterior = checkDistribution(where, 'encoder(x)', options.encoder(x));
    checkShape(where, "encoder(x)'s batchShape", posterior.batchShape, [batch]);
    checkShape(where, "encoder(x)'s eventShape (the prior's is the reference)", posterior.eventShape, prior.eventShape);
    const z = stopGradient(posterior.sample([samples], { rng }));
    const likelihood = checkDistribution(where, 'likelihood(z)', options.likelihood(z));
    const logJoint = tf.add(likelihood.logProb(x), prior.logProb(z));
    checkShape(where, 'the shape of likelihood(z).logProb(x)', logJoint.shape, [samples, batch]);
    const logQ = posterior.logProb(z);
    const logWeights = tf.sub(logJoint, logQ);
    const bound = stopGradient(logMeanExp(logWeights, 0));
    const weights = stopGradient(tf.exp(tf.sub(logWeights, tf.logSumExp(logWeights, 0, true))));
    const weighted = (t: tf.Tensor): tf.Tensor => tf.neg(tf.mean(tf.sum(tf.mul(weights, t), 0)));
    const wakeLoss = weighted(logJoint);
    const wakeEncoderLoss = wakeEncoder ? weighted(logQ) : tf.scalar(0);

    // Sleep phase: dreams carry no gradient, so only q's parameters learn from them.
    let sleepLoss: tf.Tensor = tf.scalar(0);
    if (sleepEncoder) {
      const dreamZ = stopGradient(prior.sample([dreams], { rng }));
      const dreamX = stopGradient(tf.squeeze(options.likelihood(tf.expandDims(dreamZ, 0)).sample([], { rng }), [0]));
      const recognition = checkDistribution(where, 'encoder(dreams)', options.encoder(dreamX));
      sleepLoss = tf.neg(tf.mean(recognition.logProb(dreamZ)));
    }
    const loss = tf.addN([wakeLoss, wakeEncoderLoss, sleepLoss]);
    return { bound, wakeLoss, wakeEncoderLoss, sleepLoss, loss };
  });
}
