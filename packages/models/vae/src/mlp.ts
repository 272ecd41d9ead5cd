import * as tf from '@tensorflow/tfjs';
import { formatShape, getGenerator, invalidArgument } from '@elbo/runtime';
import type { Generator } from '@elbo/runtime';
import { ACTIVATIONS, activationFunction, isActivation } from './activations.js';
import type { Activation } from './activations.js';
import { INITIALIZERS, initDense, isInitializer } from './initializers.js';
import type { Initializer } from './initializers.js';

/** The shape of an MLP's hidden part; its input and output sizes come from the model. */
export interface MlpSpec {
  /** Widths of the hidden layers, in order; `[]` makes a single affine map. Default `[400]`. */
  readonly hidden?: readonly number[];
  /** Nonlinearity after every hidden layer. Default `relu`. */
  readonly activation?: Activation;
  /** Weight initialisation. Default `glorotUniform` (`heNormal` suits deep ReLU stacks). */
  readonly init?: Initializer;
}

/** An {@link MlpSpec} with every field filled in, as stored in a saved model's config. */
export interface ResolvedMlpSpec {
  readonly hidden: number[];
  readonly activation: Activation;
  readonly init: Initializer;
}

/** One dense layer's parameters. */
export interface DenseLayer {
  readonly kernel: tf.Variable; // [fanIn, fanOut]
  readonly bias: tf.Variable; // [fanOut]
}

const SPEC_KEYS = new Set(['hidden', 'activation', 'init']);

/** Checks a user's spec and fills in the defaults; `where` names the option in errors. */
export function resolveMlpSpec(spec: MlpSpec | undefined, where: string): ResolvedMlpSpec {
  if (spec === undefined) return { hidden: [400], activation: 'relu', init: 'glorotUniform' };
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
    throw invalidArgument(where, 'the network spec', 'an object like { hidden: [400], activation: "relu" }', spec);
  }
  for (const key of Object.keys(spec)) {
    if (!SPEC_KEYS.has(key)) throw invalidArgument(where, `option '${key}'`, `one of ${[...SPEC_KEYS].join(', ')}`, { raw: 'an unknown option' });
  }
  const hidden = spec.hidden ?? [400];
  if (!Array.isArray(hidden) || !hidden.every((w) => Number.isInteger(w) && w > 0)) {
    throw invalidArgument(where, 'hidden', 'an array of positive integers (layer widths)', hidden);
  }
  const activation = spec.activation ?? 'relu';
  if (!isActivation(activation)) throw invalidArgument(where, 'activation', `one of ${ACTIVATIONS.join(', ')}`, activation);
  const init = spec.init ?? 'glorotUniform';
  if (!isInitializer(init)) throw invalidArgument(where, 'init', `one of ${INITIALIZERS.join(', ')}`, init);
  return { hidden: [...hidden], activation, init };
}

/**
 * A multilayer perceptron held in its own tf.Variables: hidden layers with one
 * nonlinearity, then an affine output layer. Applies to inputs of any rank whose last
 * axis is `inputSize`.
 */
export class Mlp {
  readonly inputSize: number;
  readonly outputSize: number;
  readonly spec: ResolvedMlpSpec;
  readonly layers: readonly DenseLayer[];
  readonly #activation: (x: tf.Tensor) => tf.Tensor;

  constructor(options: { inputSize: number; outputSize: number; spec: ResolvedMlpSpec; rng?: Generator }) {
    const { inputSize, outputSize, spec } = options;
    for (const [name, size] of [['inputSize', inputSize], ['outputSize', outputSize]] as const) {
      if (!Number.isInteger(size) || size < 1) throw invalidArgument('Mlp', name, 'a positive integer', size);
    }
    const rng = options.rng ?? getGenerator();
    this.inputSize = inputSize;
    this.outputSize = outputSize;
    this.spec = spec;
    this.#activation = activationFunction(spec.activation, 'Mlp');
    const widths = [inputSize, ...spec.hidden, outputSize];
    const layers: DenseLayer[] = [];
    for (let i = 0; i + 1 < widths.length; i++) {
      const fanIn = widths[i]!;
      const fanOut = widths[i + 1]!;
      const { kernel, bias } = initDense(spec.init, fanIn, fanOut, rng);
      layers.push({ kernel: variableFrom(kernel, [fanIn, fanOut]), bias: variableFrom(bias, [fanOut]) });
    }
    this.layers = layers;
  }

  /** Every trainable variable, in layer order (kernel, bias, kernel, bias, ...). */
  get variables(): tf.Variable[] {
    return this.layers.flatMap((l) => [l.kernel, l.bias]);
  }

  /** The network's output for `x` of shape [..., inputSize]: [..., outputSize]. */
  apply(x: tf.Tensor): tf.Tensor {
    const shape = x.shape;
    if (shape.length < 1 || shape[shape.length - 1] !== this.inputSize) {
      throw invalidArgument('Mlp.apply', "the input's last axis", `of size ${this.inputSize}`, { raw: `shape ${formatShape(shape)}` });
    }
    return tf.tidy(() => {
      let h: tf.Tensor2D = shape.length === 2 ? (x as tf.Tensor2D) : tf.reshape(x, [-1, this.inputSize]);
      const last = this.layers.length - 1;
      this.layers.forEach((layer, i) => {
        if (i === last) {
          h = tf.fused.matMul({ a: h, b: layer.kernel as tf.Tensor2D, bias: layer.bias }) as tf.Tensor2D;
        } else if (this.spec.activation === 'relu') {
          // The fused kernel has a gradient for relu; one kernel call instead of three.
          h = tf.fused.matMul({ a: h, b: layer.kernel as tf.Tensor2D, bias: layer.bias, activation: 'relu' }) as tf.Tensor2D;
        } else {
          h = this.#activation(tf.fused.matMul({ a: h, b: layer.kernel as tf.Tensor2D, bias: layer.bias })) as tf.Tensor2D;
        }
      });
      return shape.length === 2 ? h : tf.reshape(h, [...shape.slice(0, -1), this.outputSize]);
    });
  }

  dispose(): void {
    for (const v of this.variables) v.dispose();
  }
}

/** A trainable variable holding `values`; the temporary tensor it is made from is freed. */
export function variableFrom(values: Float32Array, shape: number[]): tf.Variable {
  const initial = tf.tensor(values, shape, 'float32');
  const v = tf.variable(initial, true);
  initial.dispose();
  return v;
}
