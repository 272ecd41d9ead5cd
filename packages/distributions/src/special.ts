/**
 * Special functions as differentiable tfjs ops (tfjs has no lgamma or digamma), for
 * positive arguments. Both shift the argument by six with the recurrence
 * Gamma(x + 1) = x Gamma(x) and then use the asymptotic (Stirling) series, whose
 * truncation error at x + 6 >= 6 is below 1e-8; the gradient of `lgamma` obtained by
 * autodiff is exactly this `digamma` series, and that of `digamma` its derivative.
 */
import * as tf from '@tensorflow/tfjs';
import { untaped } from './stable-ops.js';

const SHIFT = 6;
const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/** sum_{k=0}^{5} f(x + k), with f an op. */
function shiftedSum(x: tf.Tensor, f: (t: tf.Tensor) => tf.Tensor): tf.Tensor {
  let total = f(x);
  for (let k = 1; k < SHIFT; k++) total = tf.add(total, f(tf.add(x, k)));
  return total;
}

/** log Gamma(x) for x > 0. */
export function lgamma(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const z = tf.add(x, SHIFT);
    const r = tf.reciprocal(z);
    const r2 = tf.square(r);
    // 1/(12z) - 1/(360z^3) + 1/(1260z^5) - 1/(1680z^7)
    const series = tf.mul(r, tf.add(1 / 12, tf.mul(r2, tf.add(-1 / 360, tf.mul(r2, tf.add(1 / 1260, tf.mul(r2, -1 / 1680)))))));
    const stirling = tf.add(tf.sub(tf.mul(tf.sub(z, 0.5), tf.log(z)), z), tf.add(series, HALF_LOG_TWO_PI));
    return tf.sub(stirling, shiftedSum(x, tf.log));
  });
}

/** digamma(x) = d/dx log Gamma(x) for x > 0. */
export function digamma(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const z = tf.add(x, SHIFT);
    const r = tf.reciprocal(z);
    const r2 = tf.square(r);
    // log z - 1/(2z) - 1/(12z^2) + 1/(120z^4) - 1/(252z^6) + 1/(240z^8)
    const series = tf.mul(r2, tf.add(-1 / 12, tf.mul(r2, tf.add(1 / 120, tf.mul(r2, tf.add(-1 / 252, tf.mul(r2, 1 / 240)))))));
    const asymptotic = tf.add(tf.sub(tf.log(z), tf.mul(r, 0.5)), series);
    return tf.sub(asymptotic, shiftedSum(x, tf.reciprocal));
  });
}

/** log B(a, b) = lgamma(a) + lgamma(b) - lgamma(a + b). */
export function lbeta(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.sub(tf.add(lgamma(a), lgamma(b)), lgamma(tf.add(a, b))));
}

/** Multivariate log B(alpha) along the last axis: sum lgamma(alpha_k) - lgamma(sum alpha_k). */
export function lbetaMultivariate(alpha: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.sub(tf.sum(lgamma(alpha), -1), lgamma(tf.sum(alpha, -1))));
}

// log(k!) for k < 128, from float64, so small counts get exact float32 normalisers.
const LOG_FACTORIAL_TABLE_SIZE = 128;
let logFactorialTable: Float32Array | undefined;
function table(): Float32Array {
  if (!logFactorialTable) {
    logFactorialTable = new Float32Array(LOG_FACTORIAL_TABLE_SIZE);
    for (let k = 2; k < LOG_FACTORIAL_TABLE_SIZE; k++) logFactorialTable[k] = logFactorialTable[k - 1]! + Math.log(k);
  }
  return logFactorialTable;
}

/** log(k!) = lgamma(k + 1) for k >= 0; exact (float32-rounded) for integers below 128. */
export function logFactorial(k: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const inTable = untaped(() => tf.logicalAnd(tf.less(k, LOG_FACTORIAL_TABLE_SIZE), tf.equal(k, tf.floor(k))));
    const index = tf.cast(tf.where(inTable, k, tf.scalar(0)), 'int32');
    const exact = tf.reshape(tf.gather(tf.tensor1d(table()), tf.reshape(index, [-1])), k.shape);
    return tf.where(inTable, exact, lgamma(tf.add(k, 1)));
  });
}
