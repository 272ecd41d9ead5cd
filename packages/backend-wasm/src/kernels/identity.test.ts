import * as tf from '@tensorflow/tfjs';
import { init } from '@elbo/runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import { wasm } from '../wasm.js';

beforeAll(async () => {
  await init({ backend: wasm(), seed: 1 });
});

describe('Identity and same-dtype Cast on wasm()', () => {
  it('share memory with their input and keep it alive while either tensor lives', () => {
    const backend = tf.engine().backend;
    const x = tf.tensor([1.5, -2, 3], [3]);
    const before = backend.numDataIds();
    const copy = tf.clone(x);
    const cast = tf.cast(x, 'float32');
    expect(backend.numDataIds()).toBe(before);
    x.dispose();
    expect(Array.from(copy.dataSync())).toEqual([1.5, -2, 3]);
    copy.dispose();
    expect(Array.from(cast.dataSync())).toEqual([1.5, -2, 3]);
    cast.dispose();
    expect(backend.numDataIds()).toBe(before - 1);
  });

  it('still converts between dtypes', () => {
    const x = tf.tensor([1.7, -2.2, 0, Number.NaN], [4]);
    const asInt = tf.cast(x.slice(0, 3), 'int32');
    const asBool = tf.cast(x, 'bool');
    const back = tf.cast(asInt, 'float32');
    expect(Array.from(asInt.dataSync())).toEqual([1, -2, 0]);
    // NaN != 0, as on the cpu backend.
    expect(Array.from(asBool.dataSync())).toEqual([1, 1, 0, 1]);
    expect(Array.from(back.dataSync())).toEqual([1, -2, 0]);
    tf.dispose([x, asInt, asBool, back]);
  });

  it('keeps a variable clone unchanged after the variable is assigned', () => {
    const v = tf.variable(tf.tensor([1, 2]));
    const snapshot = tf.clone(v);
    v.assign(tf.tensor([5, 6]));
    expect(Array.from(snapshot.dataSync())).toEqual([1, 2]);
    expect(Array.from(v.dataSync())).toEqual([5, 6]);
    tf.dispose([v, snapshot]);
  });
});
