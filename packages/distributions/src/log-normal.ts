import * as tf from '@tensorflow/tfjs';
import { randomNormal } from '@elbo/runtime';
import type { Generator } from '@elbo/runtime';
import { positive, positiveSupport, real } from './constraints.js';
import { Distribution } from './distribution.js';
import type { DistributionOptions } from './distribution.js';
import { buildParams } from './params.js';
import type { ParamInput } from './params.js';
import { broadcastShapes } from './shapes.js';

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

export interface LogNormalOptions extends DistributionOptions {
  /** Mean of log X. */
  readonly loc: ParamInput;
  /** Standard deviation of log X. */
  readonly scale: ParamInput;
}

/** X = exp(Y) with Y ~ N(loc, scale^2). */
export class LogNormal extends Distribution {
  readonly hasRsample = true;
  protected readonly support = positiveSupport;
  readonly loc: tf.Tensor;
  readonly scale: tf.Tensor;

  constructor(options: LogNormalOptions) {
    const built = buildParams('LogNormal', options?.validate, (params) => {
      const loc = params.tensor('loc', options.loc, real);
      const scale = params.tensor('scale', options.scale, positive);
      return { loc, scale, batchShape: broadcastShapes('LogNormal', { loc: loc.shape, scale: scale.shape }) };
    });
    super({ name: 'LogNormal', batchShape: built.batchShape, eventShape: [], owned: built.owned, validate: built.validate });
    this.loc = built.loc;
    this.scale = built.scale;
  }

  protected computeLogProb(x: tf.Tensor): tf.Tensor {
    const logX = tf.log(x);
    const z = tf.div(tf.sub(logX, this.loc), this.scale);
    return tf.neg(tf.add(tf.add(tf.mul(tf.square(z), 0.5), tf.log(this.scale)), tf.add(logX, HALF_LOG_TWO_PI)));
  }

  protected draw(sampleShape: number[], rng: Generator): tf.Tensor {
    const eps = randomNormal(this.outputShape(sampleShape), { rng });
    return tf.exp(tf.add(this.loc, tf.mul(this.scale, eps)));
  }

  protected override computeEntropy(): tf.Tensor {
    return tf.broadcastTo(tf.add(tf.add(this.loc, tf.log(this.scale)), 0.5 + HALF_LOG_TWO_PI), this.batchShape);
  }
  protected override computeMean(): tf.Tensor {
    return tf.broadcastTo(tf.exp(tf.add(this.loc, tf.mul(tf.square(this.scale), 0.5))), this.batchShape);
  }
  protected override computeVariance(): tf.Tensor {
    const s2 = tf.square(this.scale);
    return tf.broadcastTo(tf.mul(tf.expm1(s2), tf.exp(tf.add(tf.mul(this.loc, 2), s2))), this.batchShape);
  }
  protected override computeMode(): tf.Tensor {
    return tf.broadcastTo(tf.exp(tf.sub(this.loc, tf.square(this.scale))), this.batchShape);
  }
  protected override computeCdf(x: tf.Tensor): tf.Tensor {
    return tf.mul(tf.add(tf.erf(tf.div(tf.sub(tf.log(x), this.loc), tf.mul(this.scale, Math.SQRT2))), 1), 0.5);
  }
}
