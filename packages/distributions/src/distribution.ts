import * as tf from '@tensorflow/tfjs';
import { formatShape, getGenerator, invalidArgument } from '@elbo/runtime';
import type { Generator } from '@elbo/runtime';
import { checkConstraint } from './constraints.js';
import type { Constraint } from './constraints.js';
import { NotDefinedError, RsampleNotAvailableError } from './errors.js';
import { checkSampleShape, tryBroadcast } from './shapes.js';
import { untaped } from './stable-ops.js';

/** Options every constructor accepts. */
export interface DistributionOptions {
  /**
   * Check parameter values and `logProb` arguments against their constraints (default
   * true). Checking reads tensor values, so training loops pass `false`.
   */
  readonly validate?: boolean;
}

export interface SampleOptions {
  /** The generator to draw from; default: the one `init({ seed })` made. */
  readonly rng?: Generator;
}

/** What a subclass hands to the base constructor. */
export interface DistributionInit {
  readonly name: string;
  readonly batchShape: readonly number[];
  readonly eventShape: readonly number[];
  readonly owned: readonly tf.Tensor[];
  readonly validate: boolean;
}

/** A distribution class, as `registerKl` takes it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type DistributionClass<D extends Distribution = Distribution> = abstract new (...args: any[]) => D;

/**
 * Base of every distribution. Shapes follow TFP and torch: a draw has shape
 * `sampleShape + batchShape + eventShape`; `logProb` of such a value has shape
 * `sampleShape + batchShape`. Every method returns new tensors (the caller disposes
 * them) and keeps none of its intermediates.
 */
export abstract class Distribution {
  readonly name: string;
  readonly batchShape: number[];
  readonly eventShape: number[];
  readonly validate: boolean;
  abstract readonly hasRsample: boolean;
  /** The set `logProb` accepts, checked when validating. */
  protected abstract readonly support: Constraint;
  #owned: tf.Tensor[];

  protected constructor(init: DistributionInit) {
    this.name = init.name;
    this.batchShape = [...init.batchShape];
    this.eventShape = [...init.eventShape];
    this.validate = init.validate;
    this.#owned = [...init.owned];
  }

  /** Log density (or mass) of `value`; shape `sampleShape + batchShape`. */
  logProb(value: tf.Tensor): tf.Tensor {
    const x = this.checkValue('logProb', value);
    return tf.tidy(() => this.computeLogProb(x.dtype === 'float32' ? x : tf.cast(x, 'float32')));
  }

  /** Draws of shape `sampleShape + batchShape + eventShape`, carrying no gradient. */
  sample(sampleShape: number[] = [], options: SampleOptions = {}): tf.Tensor {
    const shape = checkSampleShape(`${this.name}.sample`, sampleShape);
    const rng = options.rng ?? getGenerator();
    // Off the tape: no gradient, and no error from non-differentiable sampler ops
    // when a caller samples inside tf.grad (score-function estimators do).
    return tf.tidy(() => untaped(() => this.draw(shape, rng)));
  }

  /** Reparameterised draws: differentiable with respect to the parameters. */
  rsample(sampleShape: number[] = [], options: SampleOptions = {}): tf.Tensor {
    if (!this.hasRsample) {
      throw new RsampleNotAvailableError(
        `${this.name}.rsample: ${this.name} has no reparameterised sampler; use sample() (no gradient)` +
          ' or a score-function estimator, or a relaxed distribution (RelaxedBernoulli, RelaxedOneHotCategorical)',
      );
    }
    const shape = checkSampleShape(`${this.name}.rsample`, sampleShape);
    const rng = options.rng ?? getGenerator();
    return tf.tidy(() => this.draw(shape, rng));
  }

  entropy(): tf.Tensor {
    return tf.tidy(() => this.computeEntropy());
  }
  mean(): tf.Tensor {
    return tf.tidy(() => this.computeMean());
  }
  variance(): tf.Tensor {
    return tf.tidy(() => this.computeVariance());
  }
  stddev(): tf.Tensor {
    return tf.tidy(() => tf.sqrt(this.computeVariance()));
  }
  mode(): tf.Tensor {
    return tf.tidy(() => this.computeMode());
  }
  /** P(X <= value), for the scalar-event families where it is cheap. */
  cdf(value: tf.Tensor): tf.Tensor {
    const x = this.checkValue('cdf', value);
    return tf.tidy(() => this.computeCdf(x.dtype === 'float32' ? x : tf.cast(x, 'float32')));
  }

  /** Frees the tensors this distribution created from non-tensor parameters. */
  dispose(): void {
    tf.dispose(this.#owned);
    this.#owned = [];
  }

  /** Shape of a draw for `sampleShape`. */
  protected outputShape(sampleShape: readonly number[]): number[] {
    return [...sampleShape, ...this.batchShape, ...this.eventShape];
  }

  protected abstract computeLogProb(value: tf.Tensor): tf.Tensor;
  /** One draw of shape `sampleShape + batchShape + eventShape`; reparameterised when `hasRsample`. */
  protected abstract draw(sampleShape: number[], rng: Generator): tf.Tensor;
  protected computeEntropy(): tf.Tensor {
    throw this.notDefined('entropy');
  }
  protected computeMean(): tf.Tensor {
    throw this.notDefined('mean');
  }
  protected computeVariance(): tf.Tensor {
    throw this.notDefined('variance');
  }
  protected computeMode(): tf.Tensor {
    throw this.notDefined('mode');
  }
  protected computeCdf(_value: tf.Tensor): tf.Tensor {
    throw this.notDefined('cdf');
  }

  protected notDefined(what: string): NotDefinedError {
    return new NotDefinedError(`${this.name}.${what}: not available for ${this.name}`);
  }

  /**
   * Checks a `logProb`/`cdf` argument: a live tensor whose shape broadcasts against
   * `batchShape + eventShape` and, when validating, whose values lie in the support.
   */
  protected checkValue(method: string, value: tf.Tensor): tf.Tensor {
    const where = `${this.name}.${method}`;
    if (!(value instanceof tf.Tensor)) throw invalidArgument(where, 'value', 'a tf.Tensor', value);
    if (value.isDisposed) throw invalidArgument(where, 'value', 'a live tensor', { raw: 'a disposed tensor' });
    const full = [...this.batchShape, ...this.eventShape];
    const event = this.eventShape.length;
    const trailing = value.shape.slice(value.rank - event);
    if (value.rank < event || tryBroadcast(trailing, this.eventShape)?.join() !== this.eventShape.join() || tryBroadcast(value.shape, full) === null) {
      throw invalidArgument(where, 'value\'s shape', `broadcastable to batchShape + eventShape ${formatShape(full)}`, {
        raw: formatShape(value.shape),
      });
    }
    if (this.validate) checkConstraint(where, 'value', value, this.support);
    return value;
  }
}
