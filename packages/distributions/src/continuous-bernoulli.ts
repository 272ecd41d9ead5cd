import * as tf from '@tensorflow/tfjs';
import { randomUniform } from '@elbo/runtime';
import type { Generator } from '@elbo/runtime';
import { openUnitInterval, unitInterval } from './constraints.js';
import { Distribution } from './distribution.js';
import type { DistributionOptions } from './distribution.js';
import { untaped } from './stable-ops.js';
import { buildParams } from './params.js';
import type { Alternatives } from './params.js';

export type ContinuousBernoulliOptions = DistributionOptions &
  Alternatives<'logits', 'probs'>;

// Below these |logits| the closed forms divide ~0 by ~0 and Taylor series take over.
const LOG_NORM_TAYLOR = 1e-2;
const MEAN_TAYLOR = 0.5;
const VARIANCE_SERIES = 2; // |logits|; the series in x = logits/2 is used for |x| < 1
const LARGE = 80; // |logits| beyond which 1/sinh^2(logits/2) is below float32 resolution
const ICDF_LINEAR = 1e-6;

/**
 * The continuous Bernoulli on [0, 1] (Loaiza-Ganem and Cunningham, 2019), density
 * C(lambda) lambda^x (1 - lambda)^(1 - x). Everything is computed from the logits eta,
 * where C = eta / tanh(eta / 2), so logits of +/-40 stay finite.
 */
export class ContinuousBernoulli extends Distribution {
  readonly hasRsample = true;
  protected readonly support = unitInterval;
  readonly #logits: tf.Tensor;
  readonly #probs: tf.Tensor | undefined;

  constructor(options: ContinuousBernoulliOptions) {
    const name = 'ContinuousBernoulli';
    const built = buildParams(name, options?.validate, (params) => {
      const { logits, probs } = params.logitsOrProbs(options, openUnitInterval);
      return { logits, probs };
    });
    super({ name, batchShape: built.logits.shape, eventShape: [], owned: built.owned, validate: built.validate });
    this.#logits = built.logits;
    this.#probs = built.probs;
  }

  logits(): tf.Tensor {
    return tf.clone(this.#logits);
  }
  /** The shape parameter lambda (a new tensor). */
  probs(): tf.Tensor {
    return this.#probs ? tf.clone(this.#probs) : tf.sigmoid(this.#logits);
  }

  /** log C(lambda), the log normaliser. */
  logNormalizer(): tf.Tensor {
    return tf.tidy(() => {
      const eta = this.#logits;
      const a = tf.abs(eta);
      const small = untaped(() => tf.less(a, LOG_NORM_TAYLOR));
      const safeA = tf.where(small, tf.scalar(1), a);
      const exact = tf.sub(tf.log(safeA), tf.log(tf.tanh(tf.mul(safeA, 0.5))));
      const e2 = tf.square(tf.where(small, eta, tf.scalar(0)));
      const taylor = tf.add(Math.LN2, tf.log1p(tf.mul(e2, tf.sub(1 / 12, tf.mul(e2, 1 / 720)))));
      return tf.where(small, taylor, exact);
    });
  }

  protected computeLogProb(x: tf.Tensor): tf.Tensor {
    return tf.add(tf.sub(tf.mul(x, this.#logits), tf.softplus(this.#logits)), this.logNormalizer());
  }

  /** Inverse-CDF draws: x = log1p(u expm1(eta)) / eta, by symmetry always with eta <= 0. */
  protected draw(sampleShape: number[], rng: Generator): tf.Tensor {
    const u = randomUniform(this.outputShape(sampleShape), { rng });
    const eta = this.#logits;
    const flip = untaped(() => tf.greater(eta, 0));
    const negAbs = tf.neg(tf.abs(eta));
    const tiny = untaped(() => tf.greater(negAbs, -ICDF_LINEAR));
    const safeEta = tf.where(tiny, tf.scalar(-1), negAbs);
    const v = tf.where(flip, tf.sub(1, u), u);
    const y = tf.where(tiny, v, tf.div(tf.log1p(tf.mul(v, tf.expm1(safeEta))), safeEta));
    return tf.where(flip, tf.sub(1, y), y);
  }

  protected override computeCdf(x: tf.Tensor): tf.Tensor {
    const eta = this.#logits;
    const flip = untaped(() => tf.greater(eta, 0));
    const negAbs = tf.neg(tf.abs(eta));
    const tiny = untaped(() => tf.greater(negAbs, -ICDF_LINEAR));
    const safeEta = tf.where(tiny, tf.scalar(-1), negAbs);
    const xs = tf.clipByValue(tf.where(flip, tf.sub(1, x), x), 0, 1);
    const g = tf.div(tf.mul(tf.sigmoid(tf.neg(safeEta)), tf.expm1(tf.mul(xs, safeEta))), tf.tanh(tf.mul(safeEta, 0.5)));
    const cdfNeg = tf.where(tiny, xs, g);
    return tf.where(flip, tf.sub(1, cdfNeg), cdfNeg);
  }

  protected override computeMean(): tf.Tensor {
    // 1/2 + (coth(x) - 1/x) / 2 with x = eta / 2.
    const eta = this.#logits;
    const small = untaped(() => tf.less(tf.abs(eta), MEAN_TAYLOR));
    const safeEta = tf.where(small, tf.scalar(1), eta);
    const x = tf.mul(safeEta, 0.5);
    const exact = tf.add(0.5, tf.mul(tf.sub(tf.reciprocal(tf.tanh(x)), tf.reciprocal(x)), 0.5));
    const t = tf.mul(tf.where(small, eta, tf.scalar(0)), 0.5);
    const t2 = tf.square(t);
    const taylor = tf.add(0.5, tf.mul(t, tf.add(1 / 6, tf.mul(t2, tf.add(-1 / 90, tf.mul(t2, 1 / 945))))));
    return tf.where(small, taylor, exact);
  }

  protected override computeVariance(): tf.Tensor {
    // (1/x^2 - 1/sinh^2 x) / 4 with x = eta / 2; for |x| < 1 as A (2 + x^2 A) / (1 + x^2 A)^2 / 4
    // with A = (sinh x - x) / x^3 from its series, which avoids the cancellation.
    const eta = this.#logits;
    const a = tf.abs(eta);
    const small = untaped(() => tf.less(a, VARIANCE_SERIES));
    const large = untaped(() => tf.greater(a, LARGE));
    const x = tf.mul(tf.where(small, a, tf.scalar(0)), 0.5);
    const x2 = tf.square(x);
    let series = tf.scalar(1 / 6227020800); // 1/13!
    for (const c of [1 / 39916800, 1 / 362880, 1 / 5040, 1 / 120, 1 / 6]) series = tf.add(c, tf.mul(x2, series));
    const x2a = tf.mul(x2, series);
    const nearZero = tf.div(tf.mul(series, tf.add(2, x2a)), tf.mul(tf.square(tf.add(1, x2a)), 4));
    const safeX = tf.mul(tf.where(untaped(() => tf.logicalOr(small, large)), tf.scalar(VARIANCE_SERIES), a), 0.5);
    const moderate = tf.mul(tf.sub(tf.reciprocal(tf.square(safeX)), tf.reciprocal(tf.square(tf.sinh(safeX)))), 0.25);
    const far = tf.reciprocal(tf.square(tf.where(large, eta, tf.scalar(1))));
    return tf.where(small, nearZero, tf.where(large, far, moderate));
  }

  protected override computeEntropy(): tf.Tensor {
    const eta = this.#logits;
    return tf.sub(tf.sub(tf.softplus(eta), tf.mul(this.computeMean(), eta)), this.logNormalizer());
  }

  /** 1 where lambda > 1/2, 0 where lambda < 1/2 (the density is uniform at 1/2: 1/2 returned). */
  protected override computeMode(): tf.Tensor {
    return tf.add(tf.mul(tf.sign(this.#logits), 0.5), 0.5);
  }
}
