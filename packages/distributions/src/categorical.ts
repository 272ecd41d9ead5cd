import * as tf from '@tensorflow/tfjs';
import type { Generator } from '@elbo/runtime';
import { integerInterval, nonNegativeWeights, real } from './constraints.js';
import { Distribution } from './distribution.js';
import type { DistributionOptions } from './distribution.js';
import { buildParams } from './params.js';
import type { Alternatives } from './params.js';
import { sizeOf } from './shapes.js';
import { safeLog, untaped } from './stable-ops.js';

export type CategoricalOptions = DistributionOptions &
  Alternatives<'logits', 'probs'>;

/**
 * Categorical over {0, ..., K-1}, from unnormalised `logits` or non-negative `probs`
 * (normalised along the last axis), both of shape `[...batch, K]`. Values are class
 * indices (float32 or int32 tensors) of shape `[...sample, ...batch]`.
 */
export class Categorical extends Distribution {
  readonly hasRsample = false;
  protected readonly support;
  readonly #logits: tf.Tensor | undefined;
  readonly #probs: tf.Tensor | undefined;
  /** K, the number of categories. */
  readonly numCategories: number;

  constructor(options: CategoricalOptions, name = 'Categorical') {
    const built = buildParams(name, options?.validate, (params) => {
      const { which, tensor } = params.either(options, ['logits', real], ['probs', nonNegativeWeights]);
      params.atLeastRank(which, tensor, 1, 'categories on the last axis');
      return { which, t: tensor };
    });
    const k = built.t.shape[built.t.rank - 1]!;
    super({ name, batchShape: built.t.shape.slice(0, -1), eventShape: [], owned: built.owned, validate: built.validate });
    this.#logits = built.which === 'logits' ? built.t : undefined;
    this.#probs = built.which === 'probs' ? built.t : undefined;
    this.numCategories = k;
    this.support = integerInterval(k);
  }

  /** Normalised log-probabilities of each class, `[...batch, K]` (-Infinity for zero probs). */
  logProbsOfClasses(): tf.Tensor {
    return tf.tidy(() => (this.#logits ? tf.logSoftmax(this.#logits) : safeLog(tf.div(this.#probs!, tf.sum(this.#probs!, -1, true)))));
  }
  /** Normalised probabilities of each class, `[...batch, K]`. */
  probs(): tf.Tensor {
    return tf.tidy(() => (this.#logits ? tf.softmax(this.#logits) : tf.div(this.#probs!, tf.sum(this.#probs!, -1, true))));
  }
  /** The logits (normalised log-probabilities when built from probs). */
  logits(): tf.Tensor {
    return this.#logits ? tf.clone(this.#logits) : this.logProbsOfClasses();
  }

  protected computeLogProb(value: tf.Tensor): tf.Tensor {
    const logP = this.logProbsOfClasses();
    const chosen = tf.cast(tf.oneHot(tf.cast(value, 'int32'), this.numCategories), 'bool');
    return tf.sum(tf.where(chosen, logP, tf.scalar(0)), -1);
  }

  /** Inverse-CDF draws on the normalised probabilities, one uniform per draw. */
  protected draw(sampleShape: number[], rng: Generator): tf.Tensor {
    const k = this.numCategories;
    const probs = tf.tidy(() => this.probs().dataSync());
    const batch = sizeOf(this.batchShape);
    const shape = [...sampleShape, ...this.batchShape];
    const out = new Float32Array(sizeOf(shape));
    const u = rng.fillUniform(new Float64Array(out.length));
    for (let i = 0; i < out.length; i++) {
      const row = (i % batch) * k;
      let cumulative = 0;
      // Float rounding can leave the total just below u: then the last class with
      // positive probability is the draw.
      let chosen = -1;
      for (let j = 0; j < k; j++) {
        const p = probs[row + j]!;
        if (p <= 0) continue;
        chosen = j;
        cumulative += p;
        if (u[i]! < cumulative) break;
      }
      out[i] = chosen;
    }
    return tf.tensor(out, shape, 'float32');
  }

  protected override computeEntropy(): tf.Tensor {
    const p = this.probs();
    const logP = this.logProbsOfClasses();
    const positive = untaped(() => tf.greater(p, 0));
    return tf.neg(tf.sum(tf.where(positive, tf.mul(p, tf.where(positive, logP, tf.scalar(0))), tf.scalar(0)), -1));
  }
  protected override computeMode(): tf.Tensor {
    return tf.cast(tf.argMax(this.#logits ?? this.#probs!, -1), 'float32');
  }
}
