import * as tf from '@tensorflow/tfjs';
import { formatShape, invalidArgument, randomNormal } from '@elbo/runtime';
import type { Generator } from '@elbo/runtime';
import { lowerCholesky, real, realSupport } from './constraints.js';
import { Distribution } from './distribution.js';
import type { DistributionOptions } from './distribution.js';
import { matmul, matrixDiagonal, solveLowerTriangularVector, transposeLast2 } from './linalg.js';
import { buildParams } from './params.js';
import type { ParamInput } from './params.js';
import { broadcastShapes } from './shapes.js';

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

export interface MultivariateNormalTriLOptions extends DistributionOptions {
  /** Means, `[...batch, D]`. */
  readonly loc: ParamInput;
  /** Lower-triangular L with positive diagonal, covariance L L^T, `[...batch, D, D]`. */
  readonly scaleTril: ParamInput;
}

/** N(loc, L L^T) with a Cholesky-factor parameter: batch `[...]`, event `[D]`. */
export class MultivariateNormalTriL extends Distribution {
  readonly hasRsample = true;
  protected readonly support = realSupport;
  readonly loc: tf.Tensor;
  readonly scaleTril: tf.Tensor;

  constructor(options: MultivariateNormalTriLOptions) {
    const name = 'MultivariateNormalTriL';
    const built = buildParams(name, options?.validate, (params) => {
      const loc = params.tensor('loc', options.loc, real);
      const scaleTril = params.tensor('scaleTril', options.scaleTril, lowerCholesky);
      params.atLeastRank('loc', loc, 1, 'the event is the last axis');
      params.atLeastRank('scaleTril', scaleTril, 2, 'matrices on the last two axes');
      const d = loc.shape[loc.rank - 1]!;
      const [rows, cols] = scaleTril.shape.slice(-2) as [number, number];
      if (rows !== d || cols !== d) {
        throw invalidArgument(name, "scaleTril's last two dimensions", `[${d}, ${d}] (D from loc's shape ${formatShape(loc.shape)})`, {
          raw: formatShape(scaleTril.shape),
        });
      }
      const batchShape = broadcastShapes(name, { 'loc batch': loc.shape.slice(0, -1), 'scaleTril batch': scaleTril.shape.slice(0, -2) });
      return { loc, scaleTril, batchShape, d };
    });
    super({ name, batchShape: built.batchShape, eventShape: [built.d], owned: built.owned, validate: built.validate });
    this.loc = built.loc;
    this.scaleTril = built.scaleTril;
  }

  get dimension(): number {
    return this.eventShape[0]!;
  }

  /** The covariance L L^T, `[...batch, D, D]`. */
  covariance(): tf.Tensor {
    return tf.tidy(() => tf.broadcastTo(matmul(this.scaleTril, transposeLast2(this.scaleTril)), [...this.batchShape, this.dimension, this.dimension]));
  }

  /** sum(log diag L), the half log-determinant of the covariance, `[...batch]`. */
  halfLogDet(): tf.Tensor {
    return tf.tidy(() => tf.sum(tf.log(matrixDiagonal(this.scaleTril)), -1));
  }

  protected computeLogProb(x: tf.Tensor): tf.Tensor {
    const y = solveLowerTriangularVector(this.scaleTril, tf.sub(x, this.loc));
    const quad = tf.mul(tf.sum(tf.square(y), -1), 0.5);
    const value = tf.neg(tf.add(tf.add(quad, this.halfLogDet()), this.dimension * HALF_LOG_TWO_PI));
    return value;
  }

  protected draw(sampleShape: number[], rng: Generator): tf.Tensor {
    const eps = randomNormal(this.outputShape(sampleShape), { rng });
    return tf.add(this.loc, tf.sum(tf.mul(this.scaleTril, tf.expandDims(eps, -2)), -1));
  }

  protected override computeEntropy(): tf.Tensor {
    return tf.broadcastTo(tf.add(this.halfLogDet(), this.dimension * (0.5 + HALF_LOG_TWO_PI)), this.batchShape);
  }
  protected override computeMean(): tf.Tensor {
    return tf.broadcastTo(this.loc, [...this.batchShape, ...this.eventShape]);
  }
  protected override computeMode(): tf.Tensor {
    return tf.broadcastTo(this.loc, [...this.batchShape, ...this.eventShape]);
  }
  protected override computeVariance(): tf.Tensor {
    return tf.broadcastTo(tf.sum(tf.square(this.scaleTril), -1), [...this.batchShape, ...this.eventShape]);
  }
}
