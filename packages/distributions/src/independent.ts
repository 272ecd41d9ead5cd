import * as tf from '@tensorflow/tfjs';
import { formatShape, invalidArgument } from '@elbo/runtime';
import type { Generator } from '@elbo/runtime';
import type { Constraint } from './constraints.js';
import { Distribution } from './distribution.js';
import type { DistributionOptions } from './distribution.js';

/** Sums the last `n` axes (no-op for n = 0). */
function sumLast(t: tf.Tensor, n: number): tf.Tensor {
  if (n === 0) return t;
  const axes = Array.from({ length: n }, (_, i) => t.rank - n + i);
  return tf.sum(t, axes);
}

/**
 * Reinterprets the last `reinterpretedBatchNdims` batch axes of `base` as event axes:
 * `logProb` and `entropy` sum over them. `Independent(Normal, 1)` is the diagonal
 * Gaussian torch uses in place of an MVN-diag class.
 */
export class Independent<D extends Distribution = Distribution> extends Distribution {
  readonly hasRsample: boolean;
  protected readonly support: Constraint;
  readonly base: D;
  readonly reinterpretedBatchNdims: number;

  constructor(base: D, reinterpretedBatchNdims: number, options: DistributionOptions = {}) {
    if (!(base instanceof Distribution)) throw invalidArgument('Independent', 'base', 'a Distribution', base);
    const n = reinterpretedBatchNdims;
    if (!Number.isInteger(n) || n < 0 || n > base.batchShape.length) {
      throw invalidArgument('Independent', 'reinterpretedBatchNdims', `an integer in [0, ${base.batchShape.length}] (the base's batch rank, batchShape ${formatShape(base.batchShape)})`, n);
    }
    const split = base.batchShape.length - n;
    super({
      name: `Independent(${base.name})`,
      batchShape: base.batchShape.slice(0, split),
      eventShape: [...base.batchShape.slice(split), ...base.eventShape],
      owned: [],
      validate: options.validate ?? base.validate,
    });
    this.base = base;
    this.reinterpretedBatchNdims = n;
    this.hasRsample = base.hasRsample;
    this.support = { description: 'in the support of the base distribution', firstViolation: () => null };
  }

  // The base checks the value (shape and support) itself.
  override logProb(value: tf.Tensor): tf.Tensor {
    return tf.tidy(() => sumLast(this.base.logProb(value), this.reinterpretedBatchNdims));
  }
  protected computeLogProb(value: tf.Tensor): tf.Tensor {
    return sumLast(this.base.logProb(value), this.reinterpretedBatchNdims);
  }

  protected draw(sampleShape: number[], rng: Generator): tf.Tensor {
    return this.hasRsample ? this.base.rsample(sampleShape, { rng }) : this.base.sample(sampleShape, { rng });
  }

  protected override computeEntropy(): tf.Tensor {
    return sumLast(this.base.entropy(), this.reinterpretedBatchNdims);
  }
  protected override computeMean(): tf.Tensor {
    return this.base.mean();
  }
  protected override computeVariance(): tf.Tensor {
    return this.base.variance();
  }
  protected override computeMode(): tf.Tensor {
    return this.base.mode();
  }

  /** Disposes the base distribution's own tensors. */
  override dispose(): void {
    this.base.dispose();
  }
}
