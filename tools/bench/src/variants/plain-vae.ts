import * as tf from '@tensorflow/tfjs';
import { Generator } from '@elbo/runtime';

/** Sizes of the canonical VAE of the benchmarks: 784-400-20, decoder mirrored. */
export interface VaeSizes {
  readonly input: number;
  readonly hidden: number;
  readonly latent: number;
}

export const CANONICAL: VaeSizes = { input: 784, hidden: 400, latent: 20 };

interface Dense {
  readonly w: tf.Variable;
  readonly b: tf.Variable;
}

function dense(inputs: number, outputs: number, rng: Generator): Dense {
  // Glorot-uniform weights, zero biases (what tf.layers.dense does).
  const limit = Math.sqrt(6 / (inputs + outputs));
  const u = rng.uniformArray(inputs * outputs).map((v) => (2 * v - 1) * limit);
  return { w: tf.variable(tf.tensor2d(u, [inputs, outputs])), b: tf.variable(tf.zeros([outputs])) };
}

const apply = (layer: Dense, x: tf.Tensor): tf.Tensor => tf.add(tf.matMul(x, layer.w), layer.b);

/**
 * The VAE training step as a tfjs user writes it without elbo: variables, tf ops,
 * tf.randomNormal for the noise, tf.losses.sigmoidCrossEntropy, Adam through
 * optimizer.minimize. It is the baseline the speed targets are stated against, so it
 * deliberately uses tfjs's own random op (seeded) rather than elbo's generator.
 */
export function plainVaeStep(sizes: VaeSizes, seed: number): { step: (x: tf.Tensor2D) => void; sync: () => void } {
  const rng = Generator.fromSeed(seed);
  const enc = dense(sizes.input, sizes.hidden, rng);
  const mu = dense(sizes.hidden, sizes.latent, rng);
  const logvar = dense(sizes.hidden, sizes.latent, rng);
  const dec = dense(sizes.latent, sizes.hidden, rng);
  const out = dense(sizes.hidden, sizes.input, rng);
  const optimizer = tf.train.adam(1e-3);
  let noiseSeed = seed;
  const step = (x: tf.Tensor2D): void => {
    optimizer.minimize(() => {
      const h = tf.relu(apply(enc, x));
      const m = apply(mu, h);
      const lv = apply(logvar, h);
      const eps = tf.randomNormal(m.shape, 0, 1, 'float32', ++noiseSeed);
      const z = tf.add(m, tf.mul(tf.exp(tf.mul(lv, 0.5)), eps));
      const logits = apply(out, tf.relu(apply(dec, z)));
      const reconstruction = tf.losses.sigmoidCrossEntropy(x, logits, undefined, 0, tf.Reduction.SUM);
      const kl = tf.mul(-0.5, tf.sum(tf.sub(tf.add(1, lv), tf.add(tf.square(m), tf.exp(lv)))));
      return tf.div(tf.add(reconstruction, kl), x.shape[0]) as tf.Scalar;
    });
  };
  // cpu and wasm run kernels synchronously; reading a bias waits for anything pending.
  const sync = (): void => void out.b.dataSync();
  return { step, sync };
}

/** `count` batches of uniform intensities in (0, 1) shaped like MNIST batches. */
export function syntheticBatches(count: number, batchSize: number, inputDim: number, seed: number): tf.Tensor2D[] {
  const rng = Generator.fromSeed(seed);
  return Array.from({ length: count }, () => tf.tensor2d(rng.uniformArray(batchSize * inputDim), [batchSize, inputDim]));
}
