import * as tf from '@tensorflow/tfjs';
import { Generator, testing } from '@elbo/runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import { ACTIVATIONS } from './activations.js';
import { Mlp, resolveMlpSpec } from './mlp.js';

// The forward pass in plain JavaScript loops, independent of tfjs.
function referenceForward(mlp: Mlp, input: number[][], act: (v: number) => number): number[][] {
  let h = input;
  mlp.layers.forEach((layer, li) => {
    const [fanIn, fanOut] = layer.kernel.shape as [number, number];
    const k = layer.kernel.dataSync();
    const b = layer.bias.dataSync();
    h = h.map((row) =>
      Array.from({ length: fanOut }, (_, j) => {
        let s = b[j]!;
        for (let i = 0; i < fanIn; i++) s += row[i]! * k[i * fanOut + j]!;
        return li === mlp.layers.length - 1 ? s : act(s);
      }),
    );
  });
  return h;
}

const scalarActivations: Record<string, (v: number) => number> = {
  relu: (v) => Math.max(0, v),
  tanh: Math.tanh,
  elu: (v) => (v > 0 ? v : Math.expm1(v)),
  softplus: (v) => Math.log1p(Math.exp(v)),
  sigmoid: (v) => 1 / (1 + Math.exp(-v)),
  leakyRelu: (v) => (v > 0 ? v : 0.2 * v),
  selu: (v) => 1.0507009873554805 * (v > 0 ? v : 1.6732632423543772 * Math.expm1(v)),
  swish: (v) => v / (1 + Math.exp(-v)),
  gelu: (v) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3))),
  linear: (v) => v,
};

describe('Mlp', () => {
  beforeAll(async () => {
    await testing.initForTests({ seed: 1 });
  });

  it.each(ACTIVATIONS)('computes the forward pass with %s hidden layers (float32 tolerance 1e-5)', (activation) => {
    const mlp = new Mlp({ inputSize: 5, outputSize: 3, spec: resolveMlpSpec({ hidden: [7, 4], activation }, 't'), rng: Generator.fromSeed(2) });
    const input = Array.from({ length: 6 }, (_, i) => Array.from({ length: 5 }, (_, j) => Math.sin(i * 5 + j) * 2));
    const x = tf.tensor2d(input);
    const out = mlp.apply(x);
    expect(out.shape).toEqual([6, 3]);
    const expected = referenceForward(mlp, input, scalarActivations[activation]!).flat();
    expect(testing.maxRelativeError(out.dataSync(), expected, 1e-3)).toBeLessThan(1e-5);
    tf.dispose([x, out]);
    mlp.dispose();
  });

  it('applies to inputs of any rank over the last axis and leaves no tensors', () => {
    const mlp = new Mlp({ inputSize: 4, outputSize: 2, spec: resolveMlpSpec({ hidden: [] }, 't') });
    const x = tf.ones([3, 5, 4]);
    expect(testing.tensorsLeftBehind(() => mlp.apply(x))).toBe(0);
    const out = mlp.apply(x);
    expect(out.shape).toEqual([3, 5, 2]);
    expect(mlp.variables).toHaveLength(2);
    tf.dispose([x, out]);
    const before = tf.memory().numTensors;
    mlp.dispose();
    expect(before - tf.memory().numTensors).toBe(2);
  });

  it('draws the same weights for the same seed', () => {
    const spec = resolveMlpSpec({ hidden: [8] }, 't');
    const a = new Mlp({ inputSize: 3, outputSize: 2, spec, rng: Generator.fromSeed(5) });
    const b = new Mlp({ inputSize: 3, outputSize: 2, spec, rng: Generator.fromSeed(5) });
    a.variables.forEach((v, i) => expect(v.dataSync()).toEqual(b.variables[i]!.dataSync()));
    a.dispose();
    b.dispose();
  });

  it('rejects bad specs and inputs with messages naming them', () => {
    expect(() => resolveMlpSpec({ hidden: [400, 0] }, 'VAE encoder')).toThrow(/VAE encoder: hidden must be an array of positive integers/);
    expect(() => resolveMlpSpec({ activation: 'swishy' as never }, 'VAE encoder')).toThrow(/activation must be one of relu, tanh/);
    expect(() => resolveMlpSpec({ init: 'zeros' as never }, 'VAE decoder')).toThrow(/init must be one of glorotUniform/);
    expect(() => resolveMlpSpec({ layers: 2 } as never, 'VAE decoder')).toThrow(/option 'layers'/);
    const mlp = new Mlp({ inputSize: 4, outputSize: 2, spec: resolveMlpSpec(undefined, 't') });
    const x = tf.ones([2, 3]);
    expect(() => mlp.apply(x)).toThrow(/last axis must be of size 4, found shape \[2, 3\]/);
    tf.dispose(x);
    mlp.dispose();
  });
});
