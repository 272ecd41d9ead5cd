import * as tf from '@tensorflow/tfjs';
import { randomUniform } from '@elbo/runtime';
import type { Generator } from '@elbo/runtime';
import { openUnitInterval, positive } from './constraints.js';
import { Distribution } from './distribution.js';
import type { DistributionOptions } from './distribution.js';
import { buildParams } from './params.js';
import type { Alternatives, ParamInput } from './params.js';
import { broadcastShapes } from './shapes.js';

export type RelaxedBernoulliOptions = DistributionOptions & { readonly temperature: ParamInput } & Alternatives<'logits', 'probs'>;

/**
 * The binary Concrete / Gumbel-softmax relaxation of a Bernoulli (Maddison et al.
 * 2017; Jang et al. 2017): y = sigmoid((logits + log u - log(1 - u)) / temperature)
 * on (0, 1), reparameterised. Low temperatures approach the Bernoulli.
 */
export class RelaxedBernoulli extends Distribution {
  readonly hasRsample = true;
  protected readonly support = openUnitInterval;
  readonly temperature: tf.Tensor;
  readonly #logits: tf.Tensor;

  constructor(options: RelaxedBernoulliOptions) {
    const name = 'RelaxedBernoulli';
    const built = buildParams(name, options?.validate, (params) => {
      const temperature = params.tensor('temperature', options.temperature, positive);
      const { which, logits } = params.logitsOrProbs(options, openUnitInterval);
      return { temperature, logits, batchShape: broadcastShapes(name, { temperature: temperature.shape, [which]: logits.shape }) };
    });
    super({ name, batchShape: built.batchShape, eventShape: [], owned: built.owned, validate: built.validate });
    this.temperature = built.temperature;
    this.#logits = built.logits;
  }

  logits(): tf.Tensor {
    return tf.clone(this.#logits);
  }
  probs(): tf.Tensor {
    return tf.sigmoid(this.#logits);
  }

  /** Density of y through that of its logit x (a logistic with location logits/T, scale 1/T). */
  protected computeLogProb(y: tf.Tensor): tf.Tensor {
    const t = this.temperature;
    const logY = tf.log(y);
    const log1mY = tf.log1p(tf.neg(y));
    const diff = tf.sub(this.#logits, tf.mul(tf.sub(logY, log1mY), t));
    const logitDensity = tf.sub(tf.add(tf.log(t), diff), tf.mul(tf.softplus(diff), 2));
    return tf.sub(logitDensity, tf.add(logY, log1mY));
  }

  protected draw(sampleShape: number[], rng: Generator): tf.Tensor {
    const u = randomUniform(this.outputShape(sampleShape), { rng });
    const logistic = tf.sub(tf.log(u), tf.log1p(tf.neg(u)));
    return tf.sigmoid(tf.div(tf.add(this.#logits, logistic), this.temperature));
  }
}
