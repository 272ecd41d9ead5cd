import * as tf from '@tensorflow/tfjs';

/**
 * Evaluates `compute` off the gradient tape: its result is a constant to autodiff and no
 * backward pass ever runs through it. tfjs has no stop-gradient op; a custom-gradient
 * node with no inputs is one (the engine does not record ops run inside a kernel, and a
 * node without inputs connects to nothing upstream), so unlike an identity with a zero
 * gradient it costs no backward computation.
 */
export function untaped(compute: () => tf.Tensor): tf.Tensor {
  return tf.customGrad(() => ({ value: compute(), gradFunc: () => [] }))();
}

/** The value of `x`, seen as a constant by autodiff. */
export function stopGradient(x: tf.Tensor): tf.Tensor {
  return untaped(() => tf.clone(x));
}
