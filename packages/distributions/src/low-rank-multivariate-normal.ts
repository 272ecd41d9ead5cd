import * as tf from '@tensorflow/tfjs';
import { formatShape, invalidArgument, randomNormal } from '@elbo/runtime';
import type { Generator } from '@elbo/runtime';
import { positive, real, realSupport } from './constraints.js';
import { Distribution } from './distribution.js';
import type { DistributionOptions } from './distribution.js';
import { cholesky, matmul, matrixDiagonal, solveLowerTriangularVector, transposeLast2 } from './linalg.js';
import { buildParams } from './params.js';
import type { ParamInput } from './params.js';
import { broadcastShapes } from './shapes.js';

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

export interface LowRankMultivariateNormalOptions extends DistributionOptions {
  /** Means, `[...batch, D]`. */
  readonly loc: ParamInput;
  /** W in the covariance W W^T + diag(covDiag), `[...batch, D, R]`. */
  readonly covFactor: ParamInput;
  /** Positive diagonal, `[...batch, D]`. */
  readonly covDiag: ParamInput;
}

/**
 * N(loc, W W^T + diag(d)) (torch's LowRankMultivariateNormal), evaluated with the
 * Woodbury identity and the R x R capacitance matrix I + W^T diag(1/d) W, so costs
 * grow with R, not D.
 */
export class LowRankMultivariateNormal extends Distribution {
  readonly hasRsample = true;
  protected readonly support = realSupport;
  readonly loc: tf.Tensor;
  readonly covFactor: tf.Tensor;
  readonly covDiag: tf.Tensor;

  constructor(options: LowRankMultivariateNormalOptions) {
    const name = 'LowRankMultivariateNormal';
    const built = buildParams(name, options?.validate, (params) => {
      const loc = params.tensor('loc', options.loc, real);
      const covFactor = params.tensor('covFactor', options.covFactor, real);
      const covDiag = params.tensor('covDiag', options.covDiag, positive);
      params.atLeastRank('loc', loc, 1, 'the event is the last axis');
      params.atLeastRank('covFactor', covFactor, 2, '[..., D, R] matrices');
      params.atLeastRank('covDiag', covDiag, 1, 'the event is the last axis');
      const d = loc.shape[loc.rank - 1]!;
      if (covFactor.shape[covFactor.rank - 2] !== d || covDiag.shape[covDiag.rank - 1] !== d) {
        throw invalidArgument(name, 'the shapes of covFactor and covDiag', `[..., ${d}, R] and [..., ${d}] (D from loc)`, {
          raw: `${formatShape(covFactor.shape)} and ${formatShape(covDiag.shape)}`,
        });
      }
      const batchShape = broadcastShapes(name, {
        'loc batch': loc.shape.slice(0, -1),
        'covFactor batch': covFactor.shape.slice(0, -2),
        'covDiag batch': covDiag.shape.slice(0, -1),
      });
      return { loc, covFactor, covDiag, batchShape, d };
    });
    super({ name, batchShape: built.batchShape, eventShape: [built.d], owned: built.owned, validate: built.validate });
    this.loc = built.loc;
    this.covFactor = built.covFactor;
    this.covDiag = built.covDiag;
  }

  get dimension(): number {
    return this.eventShape[0]!;
  }
  get rank(): number {
    return this.covFactor.shape[this.covFactor.rank - 1]!;
  }

  /** W W^T + diag(d), `[...batch, D, D]`. */
  covariance(): tf.Tensor {
    return tf.tidy(() => {
      const ww = matmul(this.covFactor, transposeLast2(this.covFactor));
      return tf.broadcastTo(tf.add(ww, tf.mul(tf.expandDims(this.covDiag, -1), tf.eye(this.dimension))), [...this.batchShape, this.dimension, this.dimension]);
    });
  }

  /** Cholesky factor of the capacitance I + W^T diag(1/d) W, `[..., R, R]`. */
  capacitanceTril(): tf.Tensor {
    return tf.tidy(() => {
      const scaled = tf.div(this.covFactor, tf.expandDims(this.covDiag, -1)); // D^-1 W
      const inner = matmul(transposeLast2(this.covFactor), scaled);
      return cholesky(tf.add(inner, tf.eye(this.rank)));
    });
  }

  /** log det(W W^T + diag(d)) = log det(capacitance) + sum(log d), `[...batch]`. */
  logDetCovariance(): tf.Tensor {
    return tf.tidy(() =>
      tf.broadcastTo(
        tf.add(tf.mul(tf.sum(tf.log(matrixDiagonal(this.capacitanceTril())), -1), 2), tf.sum(tf.log(this.covDiag), -1)),
        this.batchShape,
      ),
    );
  }

  /** delta^T Sigma^-1 delta for deviations `[..., D]`, by the Woodbury identity. */
  mahalanobis(delta: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const scaledDelta = tf.div(delta, this.covDiag);
      const direct = tf.sum(tf.mul(delta, scaledDelta), -1);
      const wtScaled = tf.sum(tf.mul(this.covFactor, tf.expandDims(scaledDelta, -1)), -2); // W^T D^-1 delta, [..., R]
      const solved = solveLowerTriangularVector(this.capacitanceTril(), wtScaled);
      return tf.sub(direct, tf.sum(tf.square(solved), -1));
    });
  }

  protected computeLogProb(x: tf.Tensor): tf.Tensor {
    const m = this.mahalanobis(tf.sub(x, this.loc));
    return tf.neg(tf.add(tf.mul(tf.add(m, this.logDetCovariance()), 0.5), this.dimension * HALF_LOG_TWO_PI));
  }

  protected draw(sampleShape: number[], rng: Generator): tf.Tensor {
    const outer = [...sampleShape, ...this.batchShape];
    const epsW = randomNormal([...outer, this.rank], { rng });
    const epsD = randomNormal([...outer, this.dimension], { rng });
    const low = tf.sum(tf.mul(this.covFactor, tf.expandDims(epsW, -2)), -1);
    return tf.add(tf.add(this.loc, low), tf.mul(tf.sqrt(this.covDiag), epsD));
  }

  protected override computeEntropy(): tf.Tensor {
    return tf.add(tf.mul(this.logDetCovariance(), 0.5), this.dimension * (0.5 + HALF_LOG_TWO_PI));
  }
  protected override computeMean(): tf.Tensor {
    return tf.broadcastTo(this.loc, [...this.batchShape, ...this.eventShape]);
  }
  protected override computeMode(): tf.Tensor {
    return tf.broadcastTo(this.loc, [...this.batchShape, ...this.eventShape]);
  }
  protected override computeVariance(): tf.Tensor {
    return tf.broadcastTo(tf.add(tf.sum(tf.square(this.covFactor), -1), this.covDiag), [...this.batchShape, ...this.eventShape]);
  }
}
