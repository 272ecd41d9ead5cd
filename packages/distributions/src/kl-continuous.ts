import * as tf from '@tensorflow/tfjs';
import { klDiagNormal } from '@elbo/runtime';
import { Beta } from './beta.js';
import { ContinuousBernoulli } from './continuous-bernoulli.js';
import { Dirichlet } from './dirichlet.js';
import { Gamma } from './gamma.js';
import { klPair } from './kl-pair.js';
import type { KlPair } from './kl-pair.js';
import { Laplace } from './laplace.js';
import { LogNormal } from './log-normal.js';
import { digamma, lgamma } from './special.js';
import { untaped } from './stable-ops.js';
import { Uniform } from './uniform.js';

/** Analytic pairs of the non-Gaussian continuous families (the formulas of torch.distributions.kl). */
export function continuousKlPairs(): KlPair[] {
  return [
    klPair(Gamma, Gamma, (p, q) =>
      tf.tidy(() => {
        const t1 = tf.mul(q.concentration, tf.log(tf.div(p.rate, q.rate)));
        const t2 = tf.sub(lgamma(q.concentration), lgamma(p.concentration));
        const t3 = tf.mul(tf.sub(p.concentration, q.concentration), digamma(p.concentration));
        const t4 = tf.mul(tf.sub(q.rate, p.rate), tf.div(p.concentration, p.rate));
        return tf.add(tf.add(t1, t2), tf.add(t3, t4));
      }),
    ),
    klPair(Beta, Beta, (p, q) =>
      tf.tidy(() => {
        const [a1, b1, a2, b2] = [p.concentration1, p.concentration0, q.concentration1, q.concentration0];
        const sumP = tf.add(a1, b1);
        const sumQ = tf.add(a2, b2);
        const t1 = tf.add(tf.add(lgamma(a2), lgamma(b2)), lgamma(sumP));
        const t2 = tf.add(tf.add(lgamma(a1), lgamma(b1)), lgamma(sumQ));
        const t3 = tf.mul(tf.sub(a1, a2), digamma(a1));
        const t4 = tf.mul(tf.sub(b1, b2), digamma(b1));
        const t5 = tf.mul(tf.sub(sumQ, sumP), digamma(sumP));
        return tf.add(tf.sub(t1, t2), tf.add(tf.add(t3, t4), t5));
      }),
    ),
    klPair(Dirichlet, Dirichlet, (p, q) =>
      tf.tidy(() => {
        const sumP = tf.sum(p.concentration, -1);
        const sumQ = tf.sum(q.concentration, -1);
        const t1 = tf.sub(lgamma(sumP), lgamma(sumQ));
        const t2 = tf.sum(tf.sub(lgamma(p.concentration), lgamma(q.concentration)), -1);
        const t3 = tf.sub(p.concentration, q.concentration);
        const t4 = tf.sub(digamma(p.concentration), tf.expandDims(digamma(sumP), -1));
        return tf.add(tf.sub(t1, t2), tf.sum(tf.mul(t3, t4), -1));
      }),
    ),
    // log p(x) = x eta - softplus(eta) + log C(eta), so KL = E_p[x] (eta_p - eta_q) - softplus(eta_p)
    // + softplus(eta_q) + log C(eta_p) - log C(eta_q).
    klPair(ContinuousBernoulli, ContinuousBernoulli, (p, q) =>
      tf.tidy(() => {
        const [etaP, etaQ] = [p.logits(), q.logits()];
        const linear = tf.sub(tf.mul(p.mean(), tf.sub(etaP, etaQ)), tf.sub(tf.softplus(etaP), tf.softplus(etaQ)));
        return tf.add(linear, tf.sub(p.logNormalizer(), q.logNormalizer()));
      }),
    ),
    klPair(Laplace, Laplace, (p, q) =>
      tf.tidy(() => {
        const scaleRatio = tf.div(p.scale, q.scale);
        const distance = tf.abs(tf.sub(p.loc, q.loc));
        const t3 = tf.mul(scaleRatio, tf.exp(tf.neg(tf.div(distance, p.scale))));
        return tf.sub(tf.add(tf.add(tf.neg(tf.log(scaleRatio)), tf.div(distance, q.scale)), t3), 1);
      }),
    ),
    // KL is invariant under the shared bijection exp: that of the underlying normals, through the kernel.
    klPair(LogNormal, LogNormal, (p, q) =>
      tf.tidy(() => {
        const params = (d: LogNormal) => ({
          mu: tf.broadcastTo(d.loc, d.batchShape),
          logvar: tf.broadcastTo(tf.mul(tf.log(d.scale), 2), d.batchShape),
        });
        return klDiagNormal(params(p), params(q));
      }),
    ),
    // log((q.high - q.low) / (p.high - p.low)) when [p.low, p.high] lies within q's support, else +Infinity.
    klPair(Uniform, Uniform, (p, q) =>
      tf.tidy(() => {
        const outside = untaped(() => tf.logicalOr(tf.less(p.low, q.low), tf.greater(p.high, q.high)));
        const value = tf.log(tf.div(tf.sub(q.high, q.low), tf.sub(p.high, p.low)));
        return tf.where(outside, tf.scalar(Infinity), value);
      }),
    ),
  ];
}
