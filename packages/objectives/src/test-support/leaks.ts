import * as tf from '@tensorflow/tfjs';
import { testing } from '@elbo/runtime';

/** Tensors left behind by one gradient evaluation of `loss` in `variables` (value and gradients disposed). */
export function leftBehindUnderGradients(loss: () => tf.Tensor, variables: tf.Variable[]): number {
  return testing.tensorsLeftBehind(() => {
    const { value, grads } = tf.variableGrads(loss as () => tf.Scalar, variables);
    return [value, ...Object.values(grads)];
  });
}
