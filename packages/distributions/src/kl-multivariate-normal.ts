import * as tf from '@tensorflow/tfjs';
import type { Distribution } from './distribution.js';
import { klPair } from './kl-pair.js';
import type { KlPair } from './kl-pair.js';
import { diagonalMatrix, matrixDiagonal, solveLowerTriangular, solveLowerTriangularVector } from './linalg.js';
import { LowRankMultivariateNormal } from './low-rank-multivariate-normal.js';
import { MultivariateNormalDiag } from './multivariate-normal-diag.js';
import { MultivariateNormalTriL } from './multivariate-normal-tril.js';

type Gaussian = MultivariateNormalTriL | MultivariateNormalDiag;

function tril(d: Gaussian): tf.Tensor {
  return d instanceof MultivariateNormalDiag ? diagonalMatrix(d.scaleDiag) : d.scaleTril;
}

/**
 * KL[p || q] = (tr(Lq^-1 Lp (Lq^-1 Lp)^T) + |Lq^-1 (mu_q - mu_p)|^2 - D) / 2
 *              + sum log diag Lq - sum log diag Lp.
 */
function klCholesky(p: Gaussian, q: Gaussian): tf.Tensor {
  return tf.tidy(() => {
    const lp = tril(p);
    const lq = tril(q);
    const d = p.eventShape[0]!;
    const trace = tf.sum(tf.square(solveLowerTriangular(lq, lp)), [-2, -1]);
    const mahalanobis = tf.sum(tf.square(solveLowerTriangularVector(lq, tf.sub(q.loc, p.loc))), -1);
    const logDet = tf.sub(tf.sum(tf.log(matrixDiagonal(lq)), -1), tf.sum(tf.log(matrixDiagonal(lp)), -1));
    return tf.add(tf.mul(tf.sub(tf.add(trace, mahalanobis), d), 0.5), logDet);
  });
}

/** torch's LowRankMultivariateNormal-MultivariateNormal formula, with a diagonal q. */
function klLowRankDiag(p: LowRankMultivariateNormal, q: MultivariateNormalDiag): tf.Tensor {
  return tf.tidy(() => {
    const d = p.dimension;
    const qVar = tf.square(q.scaleDiag);
    const trace = tf.sum(tf.div(tf.add(tf.sum(tf.square(p.covFactor), -1), p.covDiag), qVar), -1);
    const mahalanobis = tf.sum(tf.div(tf.square(tf.sub(q.loc, p.loc)), qVar), -1);
    const logDet = tf.sub(tf.sum(tf.log(qVar), -1), p.logDetCovariance());
    return tf.mul(tf.add(tf.sub(tf.add(trace, mahalanobis), d), logDet), 0.5);
  });
}

export function multivariateNormalKlPairs(): KlPair[] {
  const cholesky = (p: Distribution, q: Distribution) => klCholesky(p as Gaussian, q as Gaussian);
  return [
    klPair(MultivariateNormalTriL, MultivariateNormalTriL, cholesky),
    klPair(MultivariateNormalDiag, MultivariateNormalTriL, cholesky),
    klPair(MultivariateNormalTriL, MultivariateNormalDiag, cholesky),
    klPair(LowRankMultivariateNormal, MultivariateNormalDiag, klLowRankDiag),
  ];
}
