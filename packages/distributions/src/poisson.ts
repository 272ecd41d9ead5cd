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
import { safeLog, xlogy } from './stable-ops.js';

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
