/**
 * Splits a tensor into its slices along axis 0 (one per time step) by repeated halving.
 * tf.unstack makes one slice per step, and the wasm backend's slice reads (copies) the
 * whole input each time, so unstacking T steps costs T full copies; halving costs about
 * 2 log2(T). Slices along axis 0 are contiguous on every backend.
 */
import * as tf from '@tensorflow/tfjs';

export function splitSteps(t: tf.Tensor): tf.Tensor[] {
  const steps = t.shape[0]!;
  const rest = t.shape.slice(1);
  if (steps === 1) return [t.reshape(rest)];
  if (steps <= 4) return tf.unstack(t, 0);
  const half = Math.floor(steps / 2);
  const [first, second] = tf.split(t, [half, steps - half], 0);
  return [...splitSteps(first!), ...splitSteps(second!)];
}
