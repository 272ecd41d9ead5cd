import * as tf from '@tensorflow/tfjs';
import { randomNormal } from '@elbo/runtime';
import type { Generator } from '@elbo/runtime';
import { positive, real, realSupport } from './constraints.js';
import { Distribution } from './distribution.js';
import type { DistributionOptions } from './distribution.js';
import { buildParams } from './params.js';
import type { ParamInput } from './params.js';
import { broadcastShapes } from './shapes.js';

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

export interface NormalOptions extends DistributionOptions {
  readonly loc: ParamInput;
  readonly scale: ParamInput;
}

/** The univariate normal N(loc, scale^2), batched over the broadcast shape of its parameters. */
export class Normal extends Distribution {
  readonly hasRsample = true;
  protected readonly support = realSupport;
  readonly loc: tf.Tensor;
  readonly scale: tf.Tensor;

  constructor(options: NormalOptions) {
    const built = buildParams('Normal', options?.validate, (params) => {
      const loc = params.tensor('loc', options.loc, real);
      const scale = params.tensor('scale', options.scale, positive);
      return { loc, scale, batchShape: broadcastShapes('Normal', { loc: loc.shape, scale: scale.shape }) };
    });
    super({ name: 'Normal', batchShape: built.batchShape, eventShape: [], owned: built.owned, validate: built.validate });
    this.loc = built.loc;
    this.scale = built.scale;
  }

  protected computeLogProb(x: tf.Tensor): tf.Tensor {
    const z = tf.div(tf.sub(x, this.loc), this.scale);
    return tf.neg(tf.add(tf.add(tf.mul(tf.square(z), 0.5), tf.log(this.scale)), HALF_LOG_TWO_PI));
  }

  protected draw(sampleShape: number[], rng: Generator): tf.Tensor {
    const eps = randomNormal(this.outputShape(sampleShape), { rng });
    return tf.add(this.loc, tf.mul(this.scale, eps));
  }

  protected override computeEntropy(): tf.Tensor {
    return tf.broadcastTo(tf.add(tf.log(this.scale), 0.5 + HALF_LOG_TWO_PI), this.batchShape);
  }
  protected override computeMean(): tf.Tensor {
    return tf.broadcastTo(this.loc, this.batchShape);
  }
  protected override computeMode(): tf.Tensor {
    return tf.broadcastTo(this.loc, this.batchShape);
  }
  protected override computeVariance(): tf.Tensor {
    return tf.broadcastTo(tf.square(this.scale), this.batchShape);
  }
  protected override computeCdf(x: tf.Tensor): tf.Tensor {
    return tf.mul(tf.add(tf.erf(tf.div(tf.sub(x, this.loc), tf.mul(this.scale, Math.SQRT2))), 1), 0.5);
  }
}
