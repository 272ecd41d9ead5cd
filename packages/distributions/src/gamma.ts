import * as tf from '@tensorflow/tfjs';
import type { Generator } from '@elbo/runtime';
import { positive, positiveSupport } from './constraints.js';
import { Distribution } from './distribution.js';
import type { DistributionOptions } from './distribution.js';
import { logStandardGammaRsample } from './gamma-reparam.js';
import { buildParams } from './params.js';
import type { ParamInput } from './params.js';
import { broadcastShapes } from './shapes.js';
import { digamma, lgamma } from './special.js';
import { xlogy } from './stable-ops.js';

export interface GammaOptions extends DistributionOptions {
  /** Shape alpha > 0. */
  readonly concentration: ParamInput;
  /** Inverse scale beta > 0. */
  readonly rate: ParamInput;
}

/**
 * Gamma(concentration, rate), density beta^alpha x^(alpha - 1) e^(-beta x) / Gamma(alpha).
 * Draws: Marsaglia-Tsang on the seeded generator; `rsample` differentiates them in
 * both parameters by implicit reparameterisation (Figurnov et al., 2018).
 */
export class Gamma extends Distribution {
  readonly hasRsample = true;
  protected readonly support = positiveSupport;
  readonly concentration: tf.Tensor;
  readonly rate: tf.Tensor;

  constructor(options: GammaOptions) {
    const built = buildParams('Gamma', options?.validate, (params) => {
      const concentration = params.tensor('concentration', options.concentration, positive);
      const rate = params.tensor('rate', options.rate, positive);
      return { concentration, rate, batchShape: broadcastShapes('Gamma', { concentration: concentration.shape, rate: rate.shape }) };
    });
    super({ name: 'Gamma', batchShape: built.batchShape, eventShape: [], owned: built.owned, validate: built.validate });
    this.concentration = built.concentration;
    this.rate = built.rate;
  }

  protected computeLogProb(x: tf.Tensor): tf.Tensor {
    const a = this.concentration;
    return tf.sub(tf.sub(tf.add(tf.mul(a, tf.log(this.rate)), xlogy(tf.sub(a, 1), x)), tf.mul(this.rate, x)), lgamma(a));
  }

  protected draw(sampleShape: number[], rng: Generator): tf.Tensor {
    const shape = this.outputShape(sampleShape);
    return tf.div(tf.exp(logStandardGammaRsample(tf.broadcastTo(this.concentration, shape), rng)), this.rate);
  }

  protected override computeEntropy(): tf.Tensor {
    const a = this.concentration;
    const h = tf.add(tf.sub(a, tf.log(this.rate)), tf.add(lgamma(a), tf.mul(tf.sub(1, a), digamma(a))));
    return tf.broadcastTo(h, this.batchShape);
  }
  protected override computeMean(): tf.Tensor {
    return tf.broadcastTo(tf.div(this.concentration, this.rate), this.batchShape);
  }
  protected override computeVariance(): tf.Tensor {
    return tf.broadcastTo(tf.div(this.concentration, tf.square(this.rate)), this.batchShape);
  }
  /** (alpha - 1) / beta for alpha >= 1, else 0 (the density is maximal at the boundary). */
  protected override computeMode(): tf.Tensor {
    return tf.broadcastTo(tf.relu(tf.div(tf.sub(this.concentration, 1), this.rate)), this.batchShape);
  }
}
