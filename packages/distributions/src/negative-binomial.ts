import * as tf from '@tensorflow/tfjs';
import type { Generator } from '@elbo/runtime';
import { elementwiseConstraint, nonNegativeInteger, positive } from './constraints.js';
import { Distribution } from './distribution.js';
import type { DistributionOptions } from './distribution.js';
import { DrawStream } from './draw-stream.js';
import { sampleLogStandardGamma } from './gamma-sampler.js';
import { buildParams } from './params.js';
import type { Alternatives, ParamInput } from './params.js';
import { samplePoisson } from './poisson-sampler.js';
import { broadcastShapes, sizeOf } from './shapes.js';
import { lgamma, logFactorial } from './special.js';
import { logSigmoid, untaped } from './stable-ops.js';

const probsBelowOne = elementwiseConstraint('in [0, 1)', (v) => v >= 0 && v < 1);

export type NegativeBinomialOptions = DistributionOptions & { readonly totalCount: ParamInput } & Alternatives<'logits', 'probs'>;

/**
 * Number of successes before `totalCount` failures, each trial a success with
 * probability sigmoid(logits) (torch's and TFP's convention): mean totalCount e^logits.
 * Overdispersed counts: Poisson(Gamma(totalCount, e^-logits)).
 */
export class NegativeBinomial extends Distribution {
  readonly hasRsample = false;
  protected readonly support = nonNegativeInteger;
  readonly totalCount: tf.Tensor;
  readonly #logits: tf.Tensor;

  constructor(options: NegativeBinomialOptions) {
    const name = 'NegativeBinomial';
    const built = buildParams(name, options?.validate, (params) => {
      const totalCount = params.tensor('totalCount', options.totalCount, positive);
      const { which, logits } = params.logitsOrProbs(options, probsBelowOne);
      return { totalCount, logits, batchShape: broadcastShapes(name, { totalCount: totalCount.shape, [which]: logits.shape }) };
    });
    super({ name, batchShape: built.batchShape, eventShape: [], owned: built.owned, validate: built.validate });
    this.totalCount = built.totalCount;
    this.#logits = built.logits;
  }

  logits(): tf.Tensor {
    return tf.clone(this.#logits);
  }
  /** Success probability sigmoid(logits) (a new tensor). */
  probs(): tf.Tensor {
    return tf.sigmoid(this.#logits);
  }

  protected computeLogProb(k: tf.Tensor): tf.Tensor {
    const r = this.totalCount;
    const eta = this.#logits;
    const combinatorial = tf.sub(tf.sub(lgamma(tf.add(k, r)), logFactorial(k)), lgamma(r));
    // k log p with 0 log 0 = 0: probs = 0 gives logits = -Infinity.
    const zero = untaped(() => tf.equal(k, 0));
    const successes = tf.where(zero, tf.scalar(0), tf.mul(k, logSigmoid(tf.where(zero, tf.scalar(0), eta))));
    return tf.add(combinatorial, tf.add(tf.mul(r, logSigmoid(tf.neg(eta))), successes));
  }

  protected draw(sampleShape: number[], rng: Generator): tf.Tensor {
    const [counts, logits] = tf.tidy(() => [
      tf.broadcastTo(this.totalCount, this.batchShape).dataSync(),
      tf.broadcastTo(this.#logits, this.batchShape).dataSync(),
    ]);
    const shape = this.outputShape(sampleShape);
    const out = new Float32Array(sizeOf(shape));
    const stream = new DrawStream(rng);
    for (let i = 0; i < out.length; i++) {
      const j = i % counts!.length;
      const rate = Math.exp(sampleLogStandardGamma(counts![j]!, stream) + logits![j]!);
      out[i] = samplePoisson(rate, stream);
    }
    return tf.tensor(out, shape, 'float32');
  }

  protected override computeMean(): tf.Tensor {
    return tf.broadcastTo(tf.mul(this.totalCount, tf.exp(this.#logits)), this.batchShape);
  }
  protected override computeVariance(): tf.Tensor {
    // mean / (1 - p) = r e^eta (1 + e^eta)
    const e = tf.exp(this.#logits);
    return tf.broadcastTo(tf.mul(tf.mul(this.totalCount, e), tf.add(1, e)), this.batchShape);
  }
  /** floor((r - 1) e^logits) for r > 1, else 0. */
  protected override computeMode(): tf.Tensor {
    return tf.broadcastTo(tf.floor(tf.relu(tf.mul(tf.sub(this.totalCount, 1), tf.exp(this.#logits)))), this.batchShape);
  }
}
