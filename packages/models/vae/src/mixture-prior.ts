import * as tf from '@tensorflow/tfjs';
import { Distribution } from '@elbo/distributions';
import { randomNormal, randomUniform } from '@elbo/runtime';
import type { Generator } from '@elbo/runtime';

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/**
 * A mixture of K diagonal Gaussians over R^D with mixing logits [K], means [K, D] and
 * log standard deviations [K, D]: batch [], event [D]. Holds references to its
 * parameters (tf.Variables of the VAE's learnable prior), so `logProb` differentiates
 * with respect to them. Draws pick a component and are not reparameterised.
 */
export class MixtureOfDiagonalGaussians extends Distribution {
  readonly hasRsample = false;
  protected readonly support = {
    description: 'a real vector (not NaN)',
    firstViolation: (values: ArrayLike<number>) => {
      for (let i = 0; i < values.length; i++) if (Number.isNaN(values[i]!)) return { index: i };
      return null;
    },
  };
  readonly logits: tf.Tensor;
  readonly means: tf.Tensor;
  readonly logScales: tf.Tensor;

  constructor(params: { logits: tf.Tensor; means: tf.Tensor; logScales: tf.Tensor }) {
    super({ name: 'MixtureOfDiagonalGaussians', batchShape: [], eventShape: [params.means.shape[1]!], owned: [], validate: false });
    this.logits = params.logits;
    this.means = params.means;
    this.logScales = params.logScales;
  }

  get components(): number {
    return this.means.shape[0]!;
  }

  // log sum_k pi_k N(z; mu_k, diag(sigma_k^2)), over z [..., D].
  protected computeLogProb(z: tf.Tensor): tf.Tensor {
    const d = this.eventShape[0]!;
    const flat = tf.reshape(z, [-1, 1, d]); // [M, 1, D]
    const standardised = tf.mul(tf.sub(flat, this.means), tf.exp(tf.neg(this.logScales))); // [M, K, D]
    const perComponent = tf.neg(tf.sum(tf.add(tf.add(tf.mul(tf.square(standardised), 0.5), this.logScales), HALF_LOG_TWO_PI), -1)); // [M, K]
    const joint = tf.add(perComponent, tf.logSoftmax(this.logits));
    return tf.reshape(tf.logSumExp(joint, -1), z.shape.slice(0, -1));
  }

  protected draw(sampleShape: number[], rng: Generator): tf.Tensor {
    const count = sampleShape.reduce((a, b) => a * b, 1);
    const d = this.eventShape[0]!;
    // Inverse-CDF choice of components from uniform draws (tf.multinomial is unseeded).
    const u = randomUniform([count, 1], { rng });
    const cdf = tf.cumsum(tf.softmax(this.logits));
    const below = tf.sum(tf.cast(tf.greater(u, tf.reshape(cdf, [1, -1])), 'int32'), 1);
    // Rounding can leave the last cdf entry a hair under 1: never index past the last component.
    const chosen = tf.cast(tf.minimum(below, this.components - 1), 'int32');
    const eps = randomNormal([count, d], { rng });
    const z = tf.add(tf.gather(this.means, chosen), tf.mul(tf.exp(tf.gather(this.logScales, chosen)), eps));
    return tf.reshape(z, [...sampleShape, d]);
  }

  protected override computeMean(): tf.Tensor {
    return tf.sum(tf.mul(tf.reshape(tf.softmax(this.logits), [-1, 1]), this.means), 0);
  }
}
