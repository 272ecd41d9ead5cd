import * as tf from '@tensorflow/tfjs';
import type { Generator } from '@elbo/runtime';
import { openUnitInterval, positive } from './constraints.js';
import { Distribution } from './distribution.js';
import type { DistributionOptions } from './distribution.js';
import { logStandardGammaRsample } from './gamma-reparam.js';
import { buildParams } from './params.js';
import type { ParamInput } from './params.js';
import { broadcastShapes } from './shapes.js';
import { digamma, lbeta } from './special.js';
import { untaped, xlogy } from './stable-ops.js';

export interface BetaOptions extends DistributionOptions {
  /** alpha > 0, the exponent of x. */
  readonly concentration1: ParamInput;
  /** beta > 0, the exponent of 1 - x. */
  readonly concentration0: ParamInput;
}

/**
 * Beta(concentration1, concentration0) on (0, 1). Draws are G1 / (G1 + G2) of two
 * Gamma draws, formed in log space; `rsample` differentiates through their implicit
 * reparameterisation.
 */
export class Beta extends Distribution {
  readonly hasRsample = true;
  protected readonly support = openUnitInterval;
  readonly concentration1: tf.Tensor;
  readonly concentration0: tf.Tensor;

  constructor(options: BetaOptions) {
    const built = buildParams('Beta', options?.validate, (params) => {
      const c1 = params.tensor('concentration1', options.concentration1, positive);
      const c0 = params.tensor('concentration0', options.concentration0, positive);
      return { c1, c0, batchShape: broadcastShapes('Beta', { concentration1: c1.shape, concentration0: c0.shape }) };
    });
    super({ name: 'Beta', batchShape: built.batchShape, eventShape: [], owned: built.owned, validate: built.validate });
    this.concentration1 = built.c1;
    this.concentration0 = built.c0;
  }

  protected computeLogProb(x: tf.Tensor): tf.Tensor {
    const a = this.concentration1;
    const b = this.concentration0;
    return tf.sub(tf.add(xlogy(tf.sub(a, 1), x), tf.mul(tf.sub(b, 1), tf.log1p(tf.neg(x)))), lbeta(a, b));
  }

  protected draw(sampleShape: number[], rng: Generator): tf.Tensor {
    const shape = this.outputShape(sampleShape);
    const log1 = logStandardGammaRsample(tf.broadcastTo(this.concentration1, shape), rng);
    const log0 = logStandardGammaRsample(tf.broadcastTo(this.concentration0, shape), rng);
    return tf.sigmoid(tf.sub(log1, log0));
  }

  protected override computeEntropy(): tf.Tensor {
    const a = this.concentration1;
    const b = this.concentration0;
    const total = tf.add(a, b);
    const h = tf.add(
      tf.sub(tf.sub(lbeta(a, b), tf.mul(tf.sub(a, 1), digamma(a))), tf.mul(tf.sub(b, 1), digamma(b))),
      tf.mul(tf.sub(total, 2), digamma(total)),
    );
    return tf.broadcastTo(h, this.batchShape);
  }
  protected override computeMean(): tf.Tensor {
    return tf.broadcastTo(tf.div(this.concentration1, tf.add(this.concentration1, this.concentration0)), this.batchShape);
  }
  protected override computeVariance(): tf.Tensor {
    const a = this.concentration1;
    const b = this.concentration0;
    const total = tf.add(a, b);
    return tf.broadcastTo(tf.div(tf.mul(a, b), tf.mul(tf.square(total), tf.add(total, 1))), this.batchShape);
  }
  /** (alpha - 1) / (alpha + beta - 2), defined for alpha, beta > 1 (NaN elsewhere, as in TFP and torch). */
  protected override computeMode(): tf.Tensor {
    const a = this.concentration1;
    const b = this.concentration0;
    const mode = tf.div(tf.sub(a, 1), tf.sub(tf.add(a, b), 2));
    const defined = untaped(() => tf.logicalAnd(tf.greater(a, 1), tf.greater(b, 1)));
    return tf.broadcastTo(tf.where(defined, mode, tf.scalar(NaN)), this.batchShape);
  }
}
