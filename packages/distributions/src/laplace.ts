import * as tf from '@tensorflow/tfjs';
import { randomUniform } from '@elbo/runtime';
import type { Generator } from '@elbo/runtime';
import { positive, real, realSupport } from './constraints.js';
import { Distribution } from './distribution.js';
import type { DistributionOptions } from './distribution.js';
import { buildParams } from './params.js';
import type { ParamInput } from './params.js';
import { broadcastShapes } from './shapes.js';

export interface LaplaceOptions extends DistributionOptions {
  readonly loc: ParamInput;
  readonly scale: ParamInput;
}

/** Laplace(loc, scale), density exp(-|x - loc| / scale) / (2 scale). */
export class Laplace extends Distribution {
  readonly hasRsample = true;
  protected readonly support = realSupport;
  readonly loc: tf.Tensor;
  readonly scale: tf.Tensor;

  constructor(options: LaplaceOptions) {
    const built = buildParams('Laplace', options?.validate, (params) => {
      const loc = params.tensor('loc', options.loc, real);
      const scale = params.tensor('scale', options.scale, positive);
      return { loc, scale, batchShape: broadcastShapes('Laplace', { loc: loc.shape, scale: scale.shape }) };
    });
    super({ name: 'Laplace', batchShape: built.batchShape, eventShape: [], owned: built.owned, validate: built.validate });
    this.loc = built.loc;
    this.scale = built.scale;
  }

  protected computeLogProb(x: tf.Tensor): tf.Tensor {
    return tf.neg(tf.add(tf.log(tf.mul(this.scale, 2)), tf.div(tf.abs(tf.sub(x, this.loc)), this.scale)));
  }

  /** Inverse CDF: loc - scale sign(v) log(1 - |v|) with v uniform in (-1, 1). */
  protected draw(sampleShape: number[], rng: Generator): tf.Tensor {
    const v = tf.sub(tf.mul(randomUniform(this.outputShape(sampleShape), { rng }), 2), 1);
    return tf.sub(this.loc, tf.mul(this.scale, tf.mul(tf.sign(v), tf.log1p(tf.neg(tf.abs(v))))));
  }

  protected override computeEntropy(): tf.Tensor {
    return tf.broadcastTo(tf.add(tf.log(tf.mul(this.scale, 2)), 1), this.batchShape);
  }
  protected override computeMean(): tf.Tensor {
    return tf.broadcastTo(this.loc, this.batchShape);
  }
  protected override computeMode(): tf.Tensor {
    return tf.broadcastTo(this.loc, this.batchShape);
  }
  protected override computeVariance(): tf.Tensor {
    return tf.broadcastTo(tf.mul(tf.square(this.scale), 2), this.batchShape);
  }
  protected override computeCdf(x: tf.Tensor): tf.Tensor {
    const d = tf.sub(x, this.loc);
    return tf.sub(0.5, tf.mul(tf.mul(tf.sign(d), tf.expm1(tf.neg(tf.div(tf.abs(d), this.scale)))), 0.5));
  }
}
