import * as tf from '@tensorflow/tfjs';
import { klDiagNormal } from '@elbo/runtime';
import { KlNotRegisteredError } from './errors.js';
import { Independent } from './independent.js';
import { klPair } from './kl-pair.js';
import type { KlPair } from './kl-pair.js';
import { MultivariateNormalDiag } from './multivariate-normal-diag.js';
import { Normal } from './normal.js';

/** The runtime kernel's parameters (mean, log-variance) at a given shape. */
function diagParams(loc: tf.Tensor, scale: tf.Tensor, shape: number[]): { mu: tf.Tensor; logvar: tf.Tensor } {
  return { mu: tf.broadcastTo(loc, shape), logvar: tf.broadcastTo(tf.mul(tf.log(scale), 2), shape) };
}

/** loc and scale of a diagonal Gaussian over the last axis: MultivariateNormalDiag or Independent(Normal, 1). */
function diagonalGaussian(d: MultivariateNormalDiag | Independent, other: string): { loc: tf.Tensor; scale: tf.Tensor } {
  if (d instanceof MultivariateNormalDiag) return { loc: d.loc, scale: d.scaleDiag };
  if (d.base instanceof Normal && d.reinterpretedBatchNdims === 1) return { loc: d.base.loc, scale: d.base.scale };
  throw new KlNotRegisteredError(
    `kl: no analytic KL is registered for (${d.name} with ${d.reinterpretedBatchNdims} reinterpreted axes, ${other}); ` +
      'only Independent(Normal, 1) pairs with MultivariateNormalDiag; estimate it with klMonteCarlo(p, q, { samples, rng })',
  );
}

function klDiagonalGaussians(p: MultivariateNormalDiag | Independent, q: MultivariateNormalDiag | Independent): tf.Tensor {
  return tf.tidy(() => {
    const a = diagonalGaussian(p, q.name);
    const b = diagonalGaussian(q, p.name);
    const pShape = [...p.batchShape, ...p.eventShape];
    const qShape = [...q.batchShape, ...q.eventShape];
    return tf.sum(klDiagNormal(diagParams(a.loc, a.scale, pShape), diagParams(b.loc, b.scale, qShape)), -1);
  });
}

/** Diagonal-Gaussian pairs, routed through the runtime's KL kernel so kernel plugins speed them up. */
export function gaussianKlPairs(): KlPair[] {
  return [
    klPair(Normal, Normal, (p, q) =>
      tf.tidy(() => klDiagNormal(diagParams(p.loc, p.scale, p.batchShape), diagParams(q.loc, q.scale, q.batchShape))),
    ),
    klPair(MultivariateNormalDiag, MultivariateNormalDiag, klDiagonalGaussians),
    // torch spells a diagonal Gaussian Independent(Normal, 1): both spellings pair up.
    klPair(Independent, MultivariateNormalDiag, klDiagonalGaussians),
    klPair(MultivariateNormalDiag, Independent, klDiagonalGaussians),
  ];
}
