import * as tf from '@tensorflow/tfjs';
import { randomNormal } from '@elbo/runtime';
import type { Generator } from '@elbo/runtime';
import { positive, real, realSupport } from './constraints.js';
import { Distribution } from './distribution.js';
import type { DistributionOptions } from './distribution.js';
import { logStandardGammaRsample } from './gamma-reparam.js';
import { buildParams } from './params.js';
import type { ParamInput } from './params.js';
import { broadcastShapes } from './shapes.js';
import { digamma, lbeta, lgamma } from './special.js';
import { untaped } from './stable-ops.js';

const HALF_LOG_PI = 0.5 * Math.log(Math.PI);

export interface StudentTOptions extends DistributionOptions {
  /** Degrees of freedom nu > 0. */
  readonly df: ParamInput;
  readonly loc: ParamInput;
  readonly scale: ParamInput;
}

/**
 * Student's t with `df` degrees of freedom, location and scale. Draws are
 * loc + scale Z / sqrt(V / df) with V ~ chi^2(df) = 2 Gamma(df / 2); `rsample`
 * differentiates in all three parameters (df through the Gamma's implicit gradient).
 */
export class StudentT extends Distribution {
  readonly hasRsample = true;
  protected readonly support = realSupport;
  readonly df: tf.Tensor;
  readonly loc: tf.Tensor;
  readonly scale: tf.Tensor;

  constructor(options: StudentTOptions) {
    const built = buildParams('StudentT', options?.validate, (params) => {
      const df = params.tensor('df', options.df, positive);
      const loc = params.tensor('loc', options.loc, real);
      const scale = params.tensor('scale', options.scale, positive);
      return { df, loc, scale, batchShape: broadcastShapes('StudentT', { df: df.shape, loc: loc.shape, scale: scale.shape }) };
    });
    super({ name: 'StudentT', batchShape: built.batchShape, eventShape: [], owned: built.owned, validate: built.validate });
    this.df = built.df;
    this.loc = built.loc;
    this.scale = built.scale;
  }

  protected computeLogProb(x: tf.Tensor): tf.Tensor {
    const nu = this.df;
    const z = tf.div(tf.sub(x, this.loc), this.scale);
    const normaliser = tf.add(
      tf.sub(lgamma(tf.mul(nu, 0.5)), lgamma(tf.mul(tf.add(nu, 1), 0.5))),
      tf.add(tf.add(tf.mul(tf.log(nu), 0.5), HALF_LOG_PI), tf.log(this.scale)),
    );
    return tf.neg(tf.add(tf.mul(tf.mul(tf.add(nu, 1), 0.5), tf.log1p(tf.div(tf.square(z), nu))), normaliser));
  }

  protected draw(sampleShape: number[], rng: Generator): tf.Tensor {
    const shape = this.outputShape(sampleShape);
    const z = randomNormal(shape, { rng });
    const halfDf = tf.broadcastTo(tf.mul(this.df, 0.5), shape);
    // V / df = Gamma(df/2, 1) / (df/2)
    const logRatio = tf.sub(logStandardGammaRsample(halfDf, rng), tf.log(halfDf));
    return tf.add(this.loc, tf.mul(this.scale, tf.mul(z, tf.exp(tf.mul(logRatio, -0.5)))));
  }

  protected override computeEntropy(): tf.Tensor {
    const nu = this.df;
    const half = tf.mul(tf.add(nu, 1), 0.5);
    const h = tf.add(
      tf.mul(half, tf.sub(digamma(half), digamma(tf.mul(nu, 0.5)))),
      tf.add(tf.add(tf.mul(tf.log(nu), 0.5), lbeta(tf.mul(nu, 0.5), tf.scalar(0.5))), tf.log(this.scale)),
    );
    return tf.broadcastTo(h, this.batchShape);
  }
  /** loc for df > 1; NaN for df <= 1, where the mean does not exist. */
  protected override computeMean(): tf.Tensor {
    const defined = untaped(() => tf.greater(this.df, 1));
    return tf.broadcastTo(tf.where(defined, this.loc, tf.scalar(NaN)), this.batchShape);
  }
  /** scale^2 df / (df - 2) for df > 2, Infinity for 1 < df <= 2, NaN for df <= 1. */
  protected override computeVariance(): tf.Tensor {
    const nu = this.df;
    const finite = untaped(() => tf.greater(nu, 2));
    const infinite = untaped(() => tf.logicalAnd(tf.greater(nu, 1), tf.lessEqual(nu, 2)));
    const safeNu = tf.where(finite, nu, tf.scalar(3));
    const v = tf.div(tf.mul(tf.square(this.scale), safeNu), tf.sub(safeNu, 2));
    return tf.broadcastTo(tf.where(finite, v, tf.where(infinite, tf.scalar(Infinity), tf.scalar(NaN))), this.batchShape);
  }
  protected override computeMode(): tf.Tensor {
    return tf.broadcastTo(this.loc, this.batchShape);
  }
}
