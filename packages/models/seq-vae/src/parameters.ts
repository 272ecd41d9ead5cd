/**
 * The trainable variables of one model, created from elbo's seeded generator (never
 * from tf.layers initialisers or tfjs's unseeded random ops), kept by name so they can
 * be saved, loaded and handed to an optimizer.
 */
import * as tf from '@tensorflow/tfjs';
import { invalidArgument } from '@elbo/runtime';
import type { Generator } from '@elbo/runtime';

export type Initializer =
  | { readonly kind: 'glorot'; readonly scale?: number }
  | { readonly kind: 'constant'; readonly value: number }
  | { readonly kind: 'identity'; readonly scale: number }
  | { readonly kind: 'values'; readonly values: readonly number[] };

export class ParameterSet {
  readonly #variables = new Map<string, tf.Variable>();

  constructor(readonly rng: Generator) {}

  /**
   * Creates a variable. Glorot-uniform draws take the last two dimensions as fan-in and
   * fan-out (leading dimensions stack independent matrices).
   */
  add(name: string, shape: number[], init: Initializer): tf.Variable {
    if (this.#variables.has(name)) throw new Error(`ParameterSet: parameter '${name}' exists already`);
    const size = shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(size);
    if (init.kind === 'glorot') {
      const fanIn = shape.length >= 2 ? shape[shape.length - 2]! : 1;
      const fanOut = shape[shape.length - 1] ?? 1;
      const limit = (init.scale ?? 1) * Math.sqrt(6 / (fanIn + fanOut));
      this.rng.fillUniform(values);
      for (let i = 0; i < size; i++) values[i] = (2 * values[i]! - 1) * limit;
    } else if (init.kind === 'constant') {
      values.fill(init.value);
    } else if (init.kind === 'values') {
      if (init.values.length !== size) throw new Error(`ParameterSet: '${name}' needs ${size} initial values, got ${init.values.length}`);
      values.set(init.values);
    } else {
      const n = shape[0]!;
      for (let i = 0; i < n; i++) values[i * n + i] = init.scale;
    }
    const initial = tf.tensor(values, shape, 'float32');
    const variable = tf.variable(initial, true);
    initial.dispose();
    this.#variables.set(name, variable);
    return variable;
  }

  get(name: string): tf.Variable {
    const v = this.#variables.get(name);
    if (v === undefined) throw new Error(`ParameterSet: no parameter '${name}'`);
    return v;
  }

  /** Overwrites a parameter's values (same shape). */
  assign(name: string, values: tf.Tensor): void {
    const v = this.get(name);
    if (!tf.util.arraysEqual(v.shape, values.shape)) {
      throw invalidArgument('SeqVAE.load', `weight '${name}'`, `of shape [${v.shape.join(', ')}]`, {
        raw: `shape [${values.shape.join(', ')}]`,
      });
    }
    v.assign(values);
  }

  names(): string[] {
    return [...this.#variables.keys()];
  }

  variables(): tf.Variable[] {
    return [...this.#variables.values()];
  }

  /** Named snapshot for saving (the variables themselves, not copies). */
  namedTensors(): Record<string, tf.Tensor> {
    return Object.fromEntries(this.#variables);
  }

  dispose(): void {
    for (const v of this.#variables.values()) v.dispose();
    this.#variables.clear();
  }
}
