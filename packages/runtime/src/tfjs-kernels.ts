import * as tf from '@tensorflow/tfjs';
import type { Generator } from './generator.js';
import type { DiagNormalParams, KernelPlugin, SampleWithKl } from './kernels.js';

function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * The default kernels: plain tfjs ops, so they run (and differentiate) on any backend.
 * Draws come from the seeded generator in JavaScript and are uploaded once.
 */
export function tfjsKernels(): KernelPlugin {
  const normal = (shape: readonly number[], rng: Generator): tf.Tensor =>
    tf.tensor(rng.normalArray(sizeOf(shape)), shape as number[], 'float32');

  const reparameterize = (mu: tf.Tensor, logvar: tf.Tensor, eps: tf.Tensor): tf.Tensor =>
    tf.tidy(() => tf.add(mu, tf.mul(tf.exp(tf.mul(logvar, 0.5)), eps)));

  // 0.5 * (exp(logvar) + mu^2 - 1 - logvar)
  const klStandardNormal = (mu: tf.Tensor, logvar: tf.Tensor): tf.Tensor =>
    tf.tidy(() => tf.mul(tf.sub(tf.add(tf.exp(logvar), tf.square(mu)), tf.add(logvar, 1)), 0.5));

  return {
    name: 'tfjs-ops',
    uniform: (shape, rng) => tf.tensor(rng.uniformArray(sizeOf(shape)), shape as number[], 'float32'),
    normal,
    klStandardNormal,
    // 0.5 * (lp - lq + exp(lq - lp) + (mq - mp)^2 * exp(-lp) - 1), written with
    // differences of log-variances so nothing overflows for large |logvar|.
    klDiagNormal: (q: DiagNormalParams, p: DiagNormalParams) =>
      tf.tidy(() => {
        const logRatio = tf.sub(q.logvar, p.logvar);
        const meanTerm = tf.mul(tf.square(tf.sub(q.mu, p.mu)), tf.exp(tf.neg(p.logvar)));
        return tf.mul(tf.sub(tf.add(tf.exp(logRatio), meanTerm), tf.add(logRatio, 1)), 0.5);
      }),
    reparameterize,
    sampleWithKl: (mu: tf.Tensor, logvar: tf.Tensor, rng: Generator): SampleWithKl => {
      const eps = normal(mu.shape, rng);
      const z = reparameterize(mu, logvar, eps);
      eps.dispose();
      return { z, kl: klStandardNormal(mu, logvar) };
    },
  };
}
