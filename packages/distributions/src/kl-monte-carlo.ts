import * as tf from '@tensorflow/tfjs';
import { getGenerator, invalidArgument } from '@elbo/runtime';
import type { Generator } from '@elbo/runtime';
import type { Distribution } from './distribution.js';
import { checkKlShapes } from './kl.js';

export interface KlMonteCarloOptions {
  /** Number of draws from p to average over. */
  readonly samples: number;
  readonly rng?: Generator;
}

/**
 * Monte Carlo KL[p || q] = mean over draws x ~ p of log p(x) - log q(x), of the
 * broadcast batch shape. Uses reparameterised draws when p has them, so the estimate
 * differentiates with respect to p's parameters.
 */
export function klMonteCarlo(p: Distribution, q: Distribution, options: KlMonteCarloOptions): tf.Tensor {
  checkKlShapes('klMonteCarlo', p, q);
  const samples = options?.samples;
  if (!Number.isInteger(samples) || samples < 1) throw invalidArgument('klMonteCarlo', 'samples', 'a positive integer', samples);
  const rng = options.rng ?? getGenerator();
  return tf.tidy(() => {
    const x = p.hasRsample ? p.rsample([samples], { rng }) : p.sample([samples], { rng });
    return tf.mean(tf.sub(p.logProb(x), q.logProb(x)), 0);
  });
}
