import * as tf from '@tensorflow/tfjs';
import { Bernoulli } from './bernoulli.js';
import { Beta } from './beta.js';
import { ContinuousBernoulli } from './continuous-bernoulli.js';
import type { Distribution, DistributionClass } from './distribution.js';
import { Gamma } from './gamma.js';
import { klPair } from './kl-pair.js';
import type { KlPair } from './kl-pair.js';
import { Laplace } from './laplace.js';
import { LogNormal } from './log-normal.js';
import { NegativeBinomial } from './negative-binomial.js';
import { Normal } from './normal.js';
import { Poisson } from './poisson.js';
import { StudentT } from './student-t.js';
import { Uniform } from './uniform.js';

/**
 * Pairs whose KL is +Infinity by definition: p puts mass where q has none (a real
 * line against a half-line or an interval, a half-line against an interval, counts
 * beyond 1 against {0, 1}).
 */
const MISMATCHED: Array<[DistributionClass[], DistributionClass[]]> = [
  [[Normal, Laplace, StudentT], [Gamma, LogNormal, Beta, Uniform, ContinuousBernoulli]],
  [[Gamma, LogNormal], [Beta, Uniform, ContinuousBernoulli]],
  [[Poisson, NegativeBinomial], [Bernoulli]],
];

export function infiniteKlPairs(): KlPair[] {
  const infinite = (p: Distribution, q: Distribution) =>
    tf.fill(tf.broadcast_util.assertAndGetBroadcastShape(p.batchShape, q.batchShape), Infinity);
  return MISMATCHED.flatMap(([ps, qs]) => ps.flatMap((P) => qs.map((Q) => klPair(P, Q, infinite))));
}
