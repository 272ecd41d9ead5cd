import * as tf from '@tensorflow/tfjs';
import { randomUniform } from '@elbo/runtime';
import type { Generator } from '@elbo/runtime';
import { binary, real, unitInterval } from './constraints.js';
import { Distribution } from './distribution.js';
import type { DistributionOptions } from './distribution.js';
import { buildParams } from './params.js';
import type { Alternatives } from './params.js';
import { logSigmoid, safeLog, untaped, xlogx } from './stable-ops.js';

export type BernoulliOptions = DistributionOptions &
  Alternatives<'logits', 'probs'>;

/**
 * Bernoulli over {0, 1}, from `logits` (log-odds, stable for any finite value) or
 * `probs` in [0, 1] (0 and 1 included: log-probabilities of -Infinity where exact).
 */
export class Bernoulli extends Distribution {
  readonly hasRsample = false;
  protected readonly support = binary;
  readonly #logits: tf.Tensor | undefined;
  readonly #probs: tf.Tensor | undefined;

  constructor(options: BernoulliOptions) {
    const built = buildParams('Bernoulli', options?.validate, (params) => {
      const { which, tensor } = params.either(options, ['logits', real], ['probs', unitInterval]);
      return { which, t: tensor };
    });
    super({ name: 'Bernoulli', batchShape: built.t.shape, eventShape: [], owned: built.owned, validate: built.validate });
    this.#logits = built.which === 'logits' ? built.t : undefined;
    this.#probs = built.which === 'probs' ? built.t : undefined;
  }

  /** Log-odds (a new tensor). */
  logits(): tf.Tensor {
    return tf.tidy(() => (this.#logits ? tf.clone(this.#logits) : tf.sub(safeLog(this.#probs!), safeLog(tf.sub(1, this.#probs!)))));
  }
  /** P(X = 1) (a new tensor). */
  probs(): tf.Tensor {
    return tf.tidy(() => (this.#probs ? tf.clone(this.#probs) : tf.sigmoid(this.#logits!)));
  }

  /** [log P(X = 0), log P(X = 1)], each of batch shape, finite gradients everywhere. */
  logProbsOfOutcomes(): [tf.Tensor, tf.Tensor] {
    return tf.tidy(() => {
      if (this.#logits) return [logSigmoid(tf.neg(this.#logits)), logSigmoid(this.#logits)];
      return [safeLog(tf.sub(1, this.#probs!)), safeLog(this.#probs!)];
    }) as [tf.Tensor, tf.Tensor];
  }

  protected computeLogProb(x: tf.Tensor): tf.Tensor {
    if (this.#logits) return tf.sub(tf.mul(x, this.#logits), tf.softplus(this.#logits));
    // x log p + (1 - x) log(1 - p), with 0 * log 0 = 0 and no NaN gradients at p in {0, 1}.
    const p = this.#probs!;
    const isOne = untaped(() => tf.equal(x, 1));
    const isZero = untaped(() => tf.equal(x, 0));
    const logP = tf.log(tf.where(isZero, tf.scalar(1), p));
    const log1mP = tf.log1p(tf.neg(tf.where(isOne, tf.scalar(0), p)));
    const onePart = tf.where(isZero, tf.scalar(0), tf.mul(x, logP));
    const zeroPart = tf.where(isOne, tf.scalar(0), tf.mul(tf.sub(1, x), log1mP));
    return tf.add(onePart, zeroPart);
  }

  protected draw(sampleShape: number[], rng: Generator): tf.Tensor {
    const u = randomUniform(this.outputShape(sampleShape), { rng });
    return tf.cast(tf.less(u, this.probs()), 'float32');
  }

  protected override computeEntropy(): tf.Tensor {
    if (this.#logits) return tf.sub(tf.softplus(this.#logits), tf.mul(this.#logits, tf.sigmoid(this.#logits)));
    return tf.neg(tf.add(xlogx(this.#probs!), xlogx(tf.sub(1, this.#probs!))));
  }
  protected override computeMean(): tf.Tensor {
    return this.probs();
  }
  protected override computeVariance(): tf.Tensor {
    const p = this.probs();
    return tf.mul(p, tf.sub(1, p));
  }
  /** 1 where P(X = 1) > 1/2, else 0. */
  protected override computeMode(): tf.Tensor {
    return tf.cast(tf.greater(this.probs(), 0.5), 'float32');
  }
}
