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

export interface MultivariateNormalDiagOptions extends DistributionOptions {
  /** Means, shape `[...batch, D]`. */
  readonly loc: ParamInput;
  /** Standard deviations (the diagonal of the scale matrix), shape `[...batch, D]`. */
  readonly scaleDiag: ParamInput;
}

/** N(loc, diag(scaleDiag^2)) over vectors of length D: batch `[...]`, event `[D]`. */
export class MultivariateNormalDiag extends Distribution {
  readonly hasRsample = true;
  protected readonly support = realSupport;
  readonly loc: tf.Tensor;
  readonly scaleDiag: tf.Tensor;

  constructor(options: MultivariateNormalDiagOptions) {
    const name = 'MultivariateNormalDiag';
    const built = buildParams(name, options?.validate, (params) => {
      const loc = params.tensor('loc', options.loc, real);
      const scaleDiag = params.tensor('scaleDiag', options.scaleDiag, positive);
      params.atLeastRank('loc', loc, 1, 'the event is the last axis');
      params.atLeastRank('scaleDiag', scaleDiag, 1, 'the event is the last axis');
      const full = broadcastShapes(name, { loc: loc.shape, scaleDiag: scaleDiag.shape });
      return { loc, scaleDiag, batchShape: full.slice(0, -1), eventShape: full.slice(-1) };
    });
    super({ name, batchShape: built.batchShape, eventShape: built.eventShape, owned: built.owned, validate: built.validate });
    this.loc = built.loc;
    this.scaleDiag = built.scaleDiag;
  }

  /** D, the length of the event vectors. */
  get dimension(): number {
    return this.eventShape[0]!;
  }

  protected computeLogProb(x: tf.Tensor): tf.Tensor {
    const z = tf.div(tf.sub(x, this.loc), this.scaleDiag);
    const perDim = tf.add(tf.add(tf.mul(tf.square(z), 0.5), tf.log(this.scaleDiag)), HALF_LOG_TWO_PI);
    return tf.neg(tf.sum(tf.broadcastTo(perDim, tf.broadcast_util.assertAndGetBroadcastShape(perDim.shape, this.fullShape())), -1));
  }

  protected draw(sampleShape: number[], rng: Generator): tf.Tensor {
    const eps = randomNormal(this.outputShape(sampleShape), { rng });
    return tf.add(this.loc, tf.mul(this.scaleDiag, eps));
  }

  protected override computeEntropy(): tf.Tensor {
    const logScale = tf.broadcastTo(tf.log(this.scaleDiag), this.fullShape());
    return tf.add(tf.sum(logScale, -1), this.dimension * (0.5 + HALF_LOG_TWO_PI));
  }
  protected override computeMean(): tf.Tensor {
    return tf.broadcastTo(this.loc, this.fullShape());
  }
  protected override computeMode(): tf.Tensor {
    return tf.broadcastTo(this.loc, this.fullShape());
  }
  protected override computeVariance(): tf.Tensor {
    return tf.broadcastTo(tf.square(this.scaleDiag), this.fullShape());
  }

  private fullShape(): number[] {
    return [...this.batchShape, ...this.eventShape];
  }
}
