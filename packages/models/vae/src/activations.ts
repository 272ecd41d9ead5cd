import * as tf from '@tensorflow/tfjs';
import { invalidArgument } from '@elbo/runtime';

/** Names of the hidden-layer nonlinearities an MLP accepts. */
export const ACTIVATIONS = ['relu', 'tanh', 'elu', 'softplus', 'sigmoid', 'leakyRelu', 'selu', 'swish', 'gelu', 'linear'] as const;
export type Activation = (typeof ACTIVATIONS)[number];

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

// Each is written with differentiable tfjs ops so the training step can take gradients.
const FUNCTIONS: Record<Activation, (x: tf.Tensor) => tf.Tensor> = {
  relu: (x) => tf.relu(x),
  tanh: (x) => tf.tanh(x),
  elu: (x) => tf.elu(x),
  softplus: (x) => tf.softplus(x),
  sigmoid: (x) => tf.sigmoid(x),
  leakyRelu: (x) => tf.leakyRelu(x, 0.2),
  selu: (x) => tf.selu(x),
  swish: (x) => tf.mul(x, tf.sigmoid(x)),
  // tanh approximation (Hendrycks & Gimpel), as in PyTorch's gelu(approximate='tanh').
  gelu: (x) =>
    tf.tidy(() => {
      const inner = tf.mul(tf.add(x, tf.mul(tf.pow(x, 3), 0.044715)), SQRT_2_OVER_PI);
      return tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(inner), 1));
    }),
  linear: (x) => tf.clone(x),
};

export function isActivation(name: unknown): name is Activation {
  return typeof name === 'string' && (ACTIVATIONS as readonly string[]).includes(name);
}

/** The function for `name`; `where` names the option in the error for an unknown name. */
export function activationFunction(name: unknown, where: string): (x: tf.Tensor) => tf.Tensor {
  if (!isActivation(name)) throw invalidArgument(where, 'activation', `one of ${ACTIVATIONS.join(', ')}`, name);
  return FUNCTIONS[name];
}
