import * as tf from '@tensorflow/tfjs';
import { invalidArgument } from '@elbo/runtime';
import { stopGradient } from '@elbo/runtime';

/**
 * log(mean(exp(x))) along `axis`, computed as m + log(mean(exp(x - m))) with m the
 * (gradient-stopped) maximum, so it neither overflows for large x nor underflows to
 * -Infinity for very negative x. The gradient is the softmax of x along `axis`.
 * An all -Infinity slice gives -Infinity (a bound of an impossible example), not NaN.
 */
export function logMeanExp(x: tf.Tensor, axis = 0): tf.Tensor {
  if (!(x instanceof tf.Tensor) || x.isDisposed) {
    throw invalidArgument('logMeanExp', 'x', 'a live tensor', x);
  }
  const rank = x.rank;
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw invalidArgument('logMeanExp', 'axis', `an integer in [${-rank}, ${rank - 1}]`, axis);
  }
  const size = x.shape[axis < 0 ? rank + axis : axis]!;
  if (size === 0) throw invalidArgument('logMeanExp', `x's size along axis ${axis}`, 'at least 1', 0);
  return tf.tidy(() => {
    const rawMax = stopGradient(tf.max(x, axis, true));
    // A slice that is entirely -Infinity would give (-inf) - (-inf) = NaN: shift it by 0.
    const shift = tf.where(tf.isFinite(rawMax), rawMax, tf.zerosLike(rawMax));
    const summed = tf.sum(tf.exp(tf.sub(x, shift)), axis, true);
    const result = tf.add(tf.sub(tf.log(summed), Math.log(size)), shift);
    return tf.squeeze(result, [axis]);
  });
}
