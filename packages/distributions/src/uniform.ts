import * as tf from '@tensorflow/tfjs';
import { formatShape, invalidArgument, randomUniform } from '@elbo/runtime';
import type { Generator } from '@elbo/runtime';
import { real, realSupport } from './constraints.js';
import { Distribution } from './distribution.js';
import type { DistributionOptions } from './distribution.js';
import { buildParams } from './params.js';
import type { ParamInput } from './params.js';
import { broadcastShapes, unravelIndex } from './shapes.js';
import { untaped } from './stable-ops.js';

export interface UniformOptions extends DistributionOptions {
  readonly low: ParamInput;
  readonly high: ParamInput;
}

/** Uniform on [low, high); logProb is -Infinity outside (an error when validating). */
export class Uniform extends Distribution {
  readonly hasRsample = true;
  protected readonly support = realSupport;
  readonly low: tf.Tensor;
  readonly high: tf.Tensor;

  constructor(options: UniformOptions) {
    const built = buildParams('Uniform', options?.validate, (params) => {
      const low = params.tensor('low', options.low, real);
      const high = params.tensor('high', options.high, real);
      const batchShape = broadcastShapes('Uniform', { low: low.shape, high: high.shape });
      if (params.validate) {
        const width = tf.tidy(() => tf.broadcastTo(tf.sub(high, low), batchShape).dataSync());
        const bad = width.findIndex((w) => !(w > 0));
        if (bad >= 0) {
          throw invalidArgument('Uniform', 'high', 'greater than low', { raw: `high - low = ${width[bad]} at index ${formatShape(unravelIndex(bad, batchShape))}` });
        }
      }
      return { low, high, batchShape };
    });
    super({ name: 'Uniform', batchShape: built.batchShape, eventShape: [], owned: built.owned, validate: built.validate });
    this.low = built.low;
    this.high = built.high;
  }

  protected override checkValue(method: string, value: tf.Tensor): tf.Tensor {
    super.checkValue(method, value);
    if (this.validate) {
      const [x, low, high] = tf.tidy(() => {
        const shape = tf.broadcast_util.assertAndGetBroadcastShape(value.shape, this.batchShape);
        return [value, this.low, this.high].map((t) => tf.broadcastTo(t, shape));
      }) as [tf.Tensor, tf.Tensor, tf.Tensor];
      const [xs, lows, highs] = [x.dataSync(), low.dataSync(), high.dataSync()];
      const shape = x.shape;
      tf.dispose([x, low, high]);
      const bad = xs.findIndex((v, i) => !(v >= lows[i]! && v <= highs[i]!));
      if (bad >= 0) {
        throw invalidArgument(`Uniform.${method}`, 'value', 'in [low, high]', {
          raw: `${xs[bad]} outside [${lows[bad]}, ${highs[bad]}] at index ${formatShape(unravelIndex(bad, shape))}`,
        });
      }
    }
    return value;
  }

  protected computeLogProb(x: tf.Tensor): tf.Tensor {
    const inside = untaped(() => tf.logicalAnd(tf.greaterEqual(x, this.low), tf.less(x, this.high)));
    return tf.where(inside, tf.neg(tf.log(tf.sub(this.high, this.low))), tf.scalar(-Infinity));
  }

  protected draw(sampleShape: number[], rng: Generator): tf.Tensor {
    const u = randomUniform(this.outputShape(sampleShape), { rng });
    return tf.add(this.low, tf.mul(tf.sub(this.high, this.low), u));
  }

  protected override computeEntropy(): tf.Tensor {
    return tf.broadcastTo(tf.log(tf.sub(this.high, this.low)), this.batchShape);
  }
  protected override computeMean(): tf.Tensor {
    return tf.broadcastTo(tf.mul(tf.add(this.low, this.high), 0.5), this.batchShape);
  }
  protected override computeVariance(): tf.Tensor {
    return tf.broadcastTo(tf.div(tf.square(tf.sub(this.high, this.low)), 12), this.batchShape);
  }
  protected override computeCdf(x: tf.Tensor): tf.Tensor {
    return tf.clipByValue(tf.div(tf.sub(x, this.low), tf.sub(this.high, this.low)), 0, 1);
  }
}
