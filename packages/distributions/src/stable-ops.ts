/**
 * Small ops whose naive forms give NaN values or NaN gradients at the edges of a
 * support (0 * log 0, log of 0 in a branch that `where` discards). Each replaces the
 * unsafe input before the unsafe op ("double where"), so the discarded branch has a
 * finite gradient.
 */
import * as tf from '@tensorflow/tfjs';
import { untaped } from '@elbo/runtime';

/**
 * x * log(y), defined as 0 where x == 0 and y == 0, with finite gradients there; where
 * x == 0 < y the gradient with respect to x is log(y), as it should be.
 */
export function xlogy(x: tf.Tensor, y: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const bothZero = untaped(() => tf.logicalAnd(tf.equal(x, 0), tf.equal(y, 0)));
    const safeY = tf.where(bothZero, tf.scalar(1), y);
    return tf.where(bothZero, tf.scalar(0), tf.mul(x, tf.log(safeY)));
  });
}

/** log(p), -Infinity where p == 0, with a zero (not NaN) gradient there. */
export function safeLog(p: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const positive = untaped(() => tf.greater(p, 0));
    const logP = tf.log(tf.where(positive, p, tf.scalar(1)));
    return tf.where(positive, logP, tf.scalar(-Infinity));
  });
}

/** x * log(x) with 0 log 0 = 0 and finite gradients at 0. */
export function xlogx(x: tf.Tensor): tf.Tensor {
  return xlogy(x, x);
}

// Comparisons (less, equal, ...) have no gradients in tfjs, so masks computed from a
// parameter are built off the gradient tape with @elbo/runtime's `untaped`.
export { untaped };

/** log(sigmoid(x)) = -softplus(-x). (tf.logSigmoid's gradient reads its input after a tidy may have freed it.) */
export function logSigmoid(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.neg(tf.softplus(tf.neg(x))));
}
