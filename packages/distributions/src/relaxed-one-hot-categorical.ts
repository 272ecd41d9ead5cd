import * as tf from '@tensorflow/tfjs';
import { randomUniform } from '@elbo/runtime';
import type { Generator } from '@elbo/runtime';
import { nonNegativeWeights, positive, real, simplex } from './constraints.js';
import { Distribution } from './distribution.js';
import type { DistributionOptions } from './distribution.js';
import { buildParams } from './params.js';
import type { Alternatives, ParamInput } from './params.js';
import { broadcastShapes } from './shapes.js';
import { lgamma } from './special.js';

export type RelaxedOneHotCategoricalOptions = DistributionOptions & { readonly temperature: ParamInput } & Alternatives<'logits', 'probs'>;

/**
 * The Concrete / Gumbel-softmax distribution on the simplex (Maddison et al. 2017;
 * Jang et al. 2017): y = softmax((logits + g) / temperature) with Gumbel noise g,
 * reparameterised; batch `[...]`, event `[K]`.
 */
export class RelaxedOneHotCategorical extends Distribution {
  readonly hasRsample = true;
  protected readonly support = simplex(1e-4);
  readonly temperature: tf.Tensor;
  readonly #logits: tf.Tensor;

  constructor(options: RelaxedOneHotCategoricalOptions) {
    const name = 'RelaxedOneHotCategorical';
    const built = buildParams(name, options?.validate, (params) => {
      const temperature = params.tensor('temperature', options.temperature, positive);
      const chosen = params.either(options, ['logits', real], ['probs', nonNegativeWeights]);
      const which = chosen.which;
      // Category log-weights: softmax normalises them, so unnormalised probs are fine.
      const logits = which === 'logits' ? chosen.tensor : params.own(tf.tidy(() => tf.log(chosen.tensor)));
      params.atLeastRank(which, logits, 1, 'categories on the last axis');
      const batchShape = broadcastShapes(name, { temperature: temperature.shape, [`${which} batch`]: logits.shape.slice(0, -1) });
      return { temperature, logits, batchShape, k: logits.shape[logits.rank - 1]! };
    });
    super({ name, batchShape: built.batchShape, eventShape: [built.k], owned: built.owned, validate: built.validate });
    this.temperature = built.temperature;
    this.#logits = built.logits;
  }

  logits(): tf.Tensor {
    return tf.clone(this.#logits);
  }
  probs(): tf.Tensor {
    return tf.softmax(this.#logits);
  }

  /**
   * log (K-1)! + (K-1) log T + sum_k (l_k - (T + 1) log y_k) - K logsumexp_k(l_k - T log y_k),
   * with l the normalised logits. The temperature is per batch element.
   */
  protected computeLogProb(y: tf.Tensor): tf.Tensor {
    const k = this.eventShape[0]!;
    const t = tf.expandDims(this.temperature, -1);
    const logY = tf.log(y);
    const l = tf.logSoftmax(this.#logits);
    const score = tf.sub(l, tf.mul(logY, t));
    const sum = tf.sum(tf.sub(score, logY), -1);
    const normaliser = tf.mul(tf.logSumExp(score, -1), k);
    const logScale = tf.add(lgamma(tf.scalar(k)), tf.mul(tf.log(this.temperature), k - 1));
    return tf.add(tf.sub(sum, normaliser), logScale);
  }

  protected draw(sampleShape: number[], rng: Generator): tf.Tensor {
    const u = randomUniform(this.outputShape(sampleShape), { rng });
    const gumbel = tf.neg(tf.log(tf.neg(tf.log(u))));
    return tf.softmax(tf.div(tf.add(this.#logits, gumbel), tf.expandDims(this.temperature, -1)));
  }
}
