import * as tf from '@tensorflow/tfjs';
import { untaped } from './stable-ops.js';
import { Bernoulli } from './bernoulli.js';
import { Categorical } from './categorical.js';
import { klPair } from './kl-pair.js';
import { OneHotCategorical } from './one-hot-categorical.js';
import type { KlPair } from './kl-pair.js';
import { Poisson } from './poisson.js';

/**
 * sum_i p_i (log p_i - log q_i) over outcomes, with 0 log 0 terms = 0 and +Infinity
 * where q_i = 0 < p_i; gradients stay finite at p_i = 0.
 */
export function klFromLogProbs(logP: tf.Tensor, logQ: tf.Tensor, axis: number): tf.Tensor {
  return tf.tidy(() => {
    const p = tf.exp(logP);
    const impossible = untaped(() => tf.equal(p, 0));
    const diff = tf.where(impossible, tf.scalar(0), tf.sub(logP, logQ));
    return tf.sum(tf.mul(p, diff), axis);
  });
}

export function discreteKlPairs(): KlPair[] {
  return [
    klPair(Bernoulli, Bernoulli, (p, q) =>
      tf.tidy(() => {
        const logP = tf.stack(p.logProbsOfOutcomes(), -1);
        const logQ = tf.stack(q.logProbsOfOutcomes(), -1);
        return klFromLogProbs(logP, logQ, -1);
      }),
    ),
    klPair(Categorical, Categorical, (p, q) => tf.tidy(() => klFromLogProbs(p.logProbsOfClasses(), q.logProbsOfClasses(), -1))),
    klPair(OneHotCategorical, OneHotCategorical, (p, q) =>
      tf.tidy(() => klFromLogProbs(p.categorical.logProbsOfClasses(), q.categorical.logProbsOfClasses(), -1)),
    ),
    // rate_p (log rate_p - log rate_q) - rate_p + rate_q
    klPair(Poisson, Poisson, (p, q) =>
      tf.tidy(() => {
        const rateP = p.rate();
        const rateQ = q.rate();
        const zero = untaped(() => tf.equal(rateP, 0));
        const diff = tf.where(zero, tf.scalar(0), tf.sub(p.logRate(), q.logRate()));
        return tf.add(tf.sub(tf.mul(rateP, diff), rateP), rateQ);
      }),
    ),
  ];
}
