import * as tf from '@tensorflow/tfjs';
import type { Generator } from '@elbo/runtime';
import { nonNegative, nonNegativeInteger, real } from './constraints.js';
import { Distribution } from './distribution.js';
import type { DistributionOptions } from './distribution.js';
import { DrawStream } from './draw-stream.js';
import { buildParams } from './params.js';
import type { Alternatives } from './params.js';
import { samplePoisson } from './poisson-sampler.js';
import { sizeOf } from './shapes.js';
import { logFactorial } from './special.js';
import { safeLog, untaped, xlogy } from './stable-ops.js';

const ENTROPY_SERIES_LIMIT = 20;
const ENTROPY_TERMS = 110;

export type PoissonOptions = DistributionOptions &
  Alternatives<'rate', 'logRate'>;

/**
 * Poisson counts, from `rate` >= 0 or `logRate` (any finite value; what a network
 * outputs). A zero rate is allowed: logProb(0) = 0 with a finite gradient.
 */
export class Poisson extends Distribution {
  readonly hasRsample = false;
  protected readonly support = nonNegativeInteger;
  readonly #rate: tf.Tensor | undefined;
  readonly #logRate: tf.Tensor | undefined;

  constructor(options: PoissonOptions) {
    const built = buildParams('Poisson', options?.validate, (params) => {
      const { which, tensor } = params.either(options, ['rate', nonNegative], ['logRate', real]);
      return { which, t: tensor };
    });
    super({ name: 'Poisson', batchShape: built.t.shape, eventShape: [], owned: built.owned, validate: built.validate });
    this.#rate = built.which === 'rate' ? built.t : undefined;
    this.#logRate = built.which === 'logRate' ? built.t : undefined;
  }

  /** The rate (a new tensor). */
  rate(): tf.Tensor {
    return this.#rate ? tf.clone(this.#rate) : tf.exp(this.#logRate!);
  }
  /** log(rate), -Infinity where the rate is 0 (a new tensor). */
  logRate(): tf.Tensor {
    return this.#logRate ? tf.clone(this.#logRate) : safeLog(this.#rate!);
  }

  protected computeLogProb(k: tf.Tensor): tf.Tensor {
    const normaliser = logFactorial(k);
    if (this.#logRate) return tf.sub(tf.sub(tf.mul(k, this.#logRate), tf.exp(this.#logRate)), normaliser);
    return tf.sub(tf.sub(xlogy(k, this.#rate!), this.#rate!), normaliser);
  }

  protected draw(sampleShape: number[], rng: Generator): tf.Tensor {
    const rates = tf.tidy(() => tf.broadcastTo(this.rate(), this.batchShape).dataSync());
    const shape = this.outputShape(sampleShape);
    const out = new Float32Array(sizeOf(shape));
    const stream = new DrawStream(rng);
    for (let i = 0; i < out.length; i++) out[i] = samplePoisson(rates[i % rates.length]!, stream);
    return tf.tensor(out, shape, 'float32');
  }

  /**
   * -sum_k p_k log p_k over k < 110 for rates up to 20 (the omitted tail is below
   * float32 resolution), the asymptotic series 0.5 log(2 pi e rate) - 1/(12 rate)
   * - 1/(24 rate^2) - 19/(360 rate^3) above (its error at 20 is below 1e-6).
   */
  protected override computeEntropy(): tf.Tensor {
    const rate = this.rate();
    const large = untaped(() => tf.greater(rate, ENTROPY_SERIES_LIMIT));
    const small = tf.where(large, tf.scalar(1), rate);
    const k = tf.range(0, ENTROPY_TERMS);
    const logP = tf.sub(tf.sub(tf.mul(k, tf.expandDims(tf.log(small), -1)), tf.expandDims(small, -1)), logFactorial(k));
    const exact = tf.neg(tf.sum(tf.mul(tf.exp(logP), logP), -1));
    const big = tf.where(large, rate, tf.scalar(ENTROPY_SERIES_LIMIT));
    const r = tf.reciprocal(big);
    const correction = tf.mul(r, tf.add(1 / 12, tf.mul(r, tf.add(1 / 24, tf.mul(r, 19 / 360)))));
    const asymptotic = tf.sub(tf.mul(tf.log(tf.mul(big, 2 * Math.PI * Math.E)), 0.5), correction);
    // A zero rate is a point mass: entropy 0 (0 log 0 = 0 in the sum).
    const zero = untaped(() => tf.equal(rate, 0));
    return tf.where(zero, tf.scalar(0), tf.where(large, asymptotic, exact));
  }
  protected override computeMean(): tf.Tensor {
    return this.rate();
  }
  protected override computeVariance(): tf.Tensor {
    return this.rate();
  }
  protected override computeMode(): tf.Tensor {
    return tf.floor(this.rate());
  }
}
