import * as tf from '@tensorflow/tfjs';
import { klDiagNormal } from '@elbo/runtime';
import { klPair } from './kl-pair.js';
import type { KlPair } from './kl-pair.js';
import { MultivariateNormalDiag } from './multivariate-normal-diag.js';
import { Normal } from './normal.js';

/** The runtime kernel's parameters (mean, log-variance) at a given shape. */
function diagParams(loc: tf.Tensor, scale: tf.Tensor, shape: number[]): { mu: tf.Tensor; logvar: tf.Tensor } {
  return { mu: tf.broadcastTo(loc, shape), logvar: tf.broadcastTo(tf.mul(tf.log(scale), 2), shape) };
}

/** Diagonal-Gaussian pairs, routed through the runtime's KL kernel so kernel plugins speed them up. */
export function gaussianKlPairs(): KlPair[] {
  return [
    klPair(Normal, Normal, (p, q) =>
      tf.tidy(() => klDiagNormal(diagParams(p.loc, p.scale, p.batchShape), diagParams(q.loc, q.scale, q.batchShape))),
    ),
    klPair(MultivariateNormalDiag, MultivariateNormalDiag, (p, q) =>
      tf.tidy(() => {
        const pShape = [...p.batchShape, ...p.eventShape];
        const qShape = [...q.batchShape, ...q.eventShape];
        return tf.sum(klDiagNormal(diagParams(p.loc, p.scaleDiag, pShape), diagParams(q.loc, q.scaleDiag, qShape)), -1);
      }),
    ),
  ];
}
