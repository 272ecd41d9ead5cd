import * as tf from '@tensorflow/tfjs';
import type { Generator } from '@elbo/runtime';
import { positive, simplex } from './constraints.js';
import { Distribution } from './distribution.js';
import type { DistributionOptions } from './distribution.js';
import { logStandardGammaRsample } from './gamma-reparam.js';
import { buildParams } from './params.js';
import type { ParamInput } from './params.js';
import { digamma, lbetaMultivariate } from './special.js';
import { untaped, xlogy } from './stable-ops.js';

export interface DirichletOptions extends DistributionOptions {
  /** alpha > 0, shape `[...batch, K]`. */
  readonly concentration: ParamInput;
}

/**
 * Dirichlet(concentration) on the (K-1)-simplex: batch `[...]`, event `[K]`. Draws
 * are normalised Gamma draws (a softmax of their logs); `rsample` differentiates
 * through their implicit reparameterisation.
 */
export class Dirichlet extends Distribution {
  readonly hasRsample = true;
  protected readonly support = simplex(1e-4);
  readonly concentration: tf.Tensor;

  constructor(options: DirichletOptions) {
    const built = buildParams('Dirichlet', options?.validate, (params) => {
      const concentration = params.tensor('concentration', options.concentration, positive);
      params.atLeastRank('concentration', concentration, 1, 'categories on the last axis');
      return { concentration };
    });
    const shape = built.concentration.shape;
    super({ name: 'Dirichlet', batchShape: shape.slice(0, -1), eventShape: shape.slice(-1), owned: built.owned, validate: built.validate });
    this.concentration = built.concentration;
  }

  protected computeLogProb(x: tf.Tensor): tf.Tensor {
    const a = this.concentration;
    return tf.sub(tf.sum(xlogy(tf.sub(a, 1), x), -1), lbetaMultivariate(a));
  }

  protected draw(sampleShape: number[], rng: Generator): tf.Tensor {
    return tf.softmax(logStandardGammaRsample(tf.broadcastTo(this.concentration, this.outputShape(sampleShape)), rng));
  }

  protected override computeEntropy(): tf.Tensor {
    const a = this.concentration;
    const k = a.shape[a.rank - 1]!;
    const total = tf.sum(a, -1);
    return tf.sub(tf.add(lbetaMultivariate(a), tf.mul(tf.sub(total, k), digamma(total))), tf.sum(tf.mul(tf.sub(a, 1), digamma(a)), -1));
  }
  protected override computeMean(): tf.Tensor {
    return tf.div(this.concentration, tf.sum(this.concentration, -1, true));
  }
  protected override computeVariance(): tf.Tensor {
    const a = this.concentration;
    const total = tf.sum(a, -1, true);
    return tf.div(tf.mul(a, tf.sub(total, a)), tf.mul(tf.square(total), tf.add(total, 1)));
  }
  /** (alpha - 1) / (sum(alpha) - K), defined when every alpha > 1 (NaN rows elsewhere). */
  protected override computeMode(): tf.Tensor {
    const a = this.concentration;
    const k = a.shape[a.rank - 1]!;
    const mode = tf.div(tf.sub(a, 1), tf.sub(tf.sum(a, -1, true), k));
    const defined = untaped(() => tf.all(tf.greater(a, 1), -1, true));
    return tf.where(defined, mode, tf.scalar(NaN));
  }
}
