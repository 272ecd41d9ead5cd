import * as tf from '@tensorflow/tfjs';
import type { Generator } from '@elbo/runtime';
import { Categorical } from './categorical.js';
import type { CategoricalOptions } from './categorical.js';
import { oneHot } from './constraints.js';
import { Distribution } from './distribution.js';
import { untaped } from './stable-ops.js';

/**
 * Categorical over one-hot vectors: batch `[...]`, event `[K]`. Same parameters as
 * {@link Categorical}, which it wraps (`categorical`).
 */
export class OneHotCategorical extends Distribution {
  readonly hasRsample = false;
  protected readonly support = oneHot;
  readonly categorical: Categorical;

  constructor(options: CategoricalOptions) {
    const categorical = new Categorical(options, 'OneHotCategorical');
    super({
      name: 'OneHotCategorical',
      batchShape: categorical.batchShape,
      eventShape: [categorical.numCategories],
      owned: [],
      validate: categorical.validate,
    });
    this.categorical = categorical;
  }

  probs(): tf.Tensor {
    return this.categorical.probs();
  }
  logits(): tf.Tensor {
    return this.categorical.logits();
  }

  protected computeLogProb(x: tf.Tensor): tf.Tensor {
    const chosen = untaped(() => tf.equal(x, 1));
    return tf.sum(tf.where(chosen, this.categorical.logProbsOfClasses(), tf.scalar(0)), -1);
  }

  protected draw(sampleShape: number[], rng: Generator): tf.Tensor {
    const index = this.categorical.sample(sampleShape, { rng });
    return tf.cast(tf.oneHot(tf.cast(index, 'int32'), this.categorical.numCategories), 'float32');
  }

  protected override computeEntropy(): tf.Tensor {
    return this.categorical.entropy();
  }
  protected override computeMean(): tf.Tensor {
    return tf.broadcastTo(this.categorical.probs(), [...this.batchShape, ...this.eventShape]);
  }
  protected override computeVariance(): tf.Tensor {
    const p = this.categorical.probs();
    return tf.broadcastTo(tf.mul(p, tf.sub(1, p)), [...this.batchShape, ...this.eventShape]);
  }
  protected override computeMode(): tf.Tensor {
    return tf.cast(tf.oneHot(tf.cast(this.categorical.mode(), 'int32'), this.categorical.numCategories), 'float32');
  }

  override dispose(): void {
    this.categorical.dispose();
  }
}
