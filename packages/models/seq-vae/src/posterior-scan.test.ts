// The hand-written backward passes through time (posterior scan, GRU scan) against
// tfjs autodiff of the same recursions written step by step with plain ops.
import * as tf from '@tensorflow/tfjs';
import { Generator, randomNormal, testing } from '@elbo/runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import { gruScan } from './bidirectional-gru.js';
import { posteriorScan } from './posterior-scan.js';

const rng = Generator.fromSeed(11);
const normal = (shape: number[], scale = 0.5) => tf.mul(randomNormal(shape, { rng }), scale);

/** The transition mean written with plain ops (as Transition.mean): linear [A, b] or gated (10 weights). */
function transitionReference(z: tf.Tensor, w: tf.Tensor[]): tf.Tensor {
  const lin = tf.add(tf.matMul(z, w[0]!), w[1]!);
  if (w.length === 2) return lin;
  const layer = (x: tf.Tensor, i: number) => tf.add(tf.matMul(x, w[i]!), w[i + 1]!);
  const gate = tf.sigmoid(layer(tf.relu(layer(z, 2)), 4));
  const proposal = layer(tf.relu(layer(z, 6)), 8);
  return tf.add(lin, tf.mul(gate, tf.sub(proposal, lin)));
}

function posteriorReference(pre: tf.Tensor3D, offsets: tf.Tensor3D, eps: tf.Tensor3D, fromZ: tf.Tensor2D, fromHidden: tf.Tensor2D, ...transition: tf.Tensor[]): tf.Tensor {
  const [T, B, C] = pre.shape;
  const L = eps.shape[2];
  const out: tf.Tensor[] = [];
  let zPrev = tf.zeros([B, L]);
  for (let n = 0; n < T; n++) {
    const a = tf.add(tf.squeeze(tf.slice(pre, [n, 0, 0], [1, B, C]), [0]), tf.matMul(zPrev, tf.slice(fromZ, [0, 0], [L, C])));
    const o = tf.addN([
      tf.matMul(tf.tanh(a), fromHidden),
      tf.matMul(zPrev, tf.slice(fromZ, [0, C], [L, 2 * L])),
      tf.squeeze(tf.slice(offsets, [n, 0, 0], [1, B, 2 * L]), [0]),
    ]);
    // Residual posterior: f(z_{n-1}) adds to the mean from the second step on.
    const loc = n > 0 && transition.length > 0 ? tf.add(tf.slice(o, [0, 0], [B, L]), transitionReference(zPrev, transition)) : tf.slice(o, [0, 0], [B, L]);
    const logvar = tf.slice(o, [0, L], [B, L]);
    const z = tf.add(loc, tf.mul(tf.exp(tf.div(logvar, 2)), tf.squeeze(tf.slice(eps, [n, 0, 0], [1, B, L]), [0])));
    out.push(tf.concat([z, loc, logvar], 1));
    zPrev = z;
  }
  return tf.stack(out, 0);
}

/** posteriorScan on the packed layout of the reference. */
function posteriorScanPacked(pre: tf.Tensor3D, offsets: tf.Tensor3D, eps: tf.Tensor3D, fromZ: tf.Tensor2D, fromHidden: tf.Tensor2D, ...transition: tf.Tensor[]): tf.Tensor {
  const [T, B, C] = pre.shape;
  const L = eps.shape[2];
  const { z, loc, logvar } = posteriorScan(pre, tf.slice(offsets, [0, 0, 0], [T, B, L]), tf.slice(offsets, [0, 0, L], [T, B, L]), eps, {
    zToHidden: tf.slice(fromZ, [0, 0], [L, C]),
    zToLoc: tf.slice(fromZ, [0, C], [L, L]),
    zToLogvar: tf.slice(fromZ, [0, C + L], [L, L]),
    hiddenToLoc: tf.slice(fromHidden, [0, 0], [C, L]),
    hiddenToLogvar: tf.slice(fromHidden, [0, L], [C, L]),
  }, transition);
  return tf.concat([z, loc, logvar], 2);
}

function gruReference(projected: tf.Tensor4D, wh: tf.Tensor3D, bh: tf.Tensor3D, masks: tf.Tensor4D | null): tf.Tensor {
  const [T, G, B, threeH] = projected.shape;
  const H = threeH / 3;
  let h: tf.Tensor = tf.zeros([G, B, H]);
  const out: tf.Tensor[] = [];
  for (let t = 0; t < T; t++) {
    const x = tf.squeeze(tf.slice(projected, [t, 0, 0, 0], [1, G, B, threeH]), [0]);
    const hp = tf.add(tf.matMul(h, wh), bh);
    const part = (v: tf.Tensor, i: number) => tf.slice(v, [0, 0, i * H], [G, B, H]);
    const r = tf.sigmoid(tf.add(part(x, 0), part(hp, 0)));
    const u = tf.sigmoid(tf.add(part(x, 1), part(hp, 1)));
    const c = tf.tanh(tf.add(part(x, 2), tf.mul(r, part(hp, 2))));
    const next = tf.add(tf.mul(tf.sub(1, u), c), tf.mul(u, h));
    // The original formulation of a mask: hold the state over padding.
    h = masks === null ? next : tf.add(h, tf.mul(tf.squeeze(tf.slice(masks, [t, 0, 0, 0], [1, G, B, 1]), [0]), tf.sub(next, h)));
    out.push(h);
  }
  return tf.stack(out, 0);
}

/** gruScan on the packed layout of the reference: projected [T, G, B, 3H], wh [G, H, 3H], bh [G, 1, 3H]. */
function gruScanPacked(projected: tf.Tensor4D, wh: tf.Tensor3D, bh: tf.Tensor3D, masks: tf.Tensor4D | null): tf.Tensor {
  const [T, G, B, threeH] = projected.shape;
  const H = threeH / 3;
  const gate = <R extends tf.Rank>(v: tf.Tensor<R>, i: number) => tf.slice(v, [...v.shape.slice(0, -1).map(() => 0), i * H], [...v.shape.slice(0, -1), H]) as tf.Tensor<R>;
  const inputs = [0, 1, 2].map((i) => (i < 2 ? tf.add(gate(projected, i), gate(bh, i)) : gate(projected, i))) as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
  const recurrent = [0, 1, 2].map((i) => gate(wh, i)) as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D];
  expect([T, G, B]).toEqual(inputs[0].shape.slice(0, 3));
  return gruScan(inputs, recurrent, gate(bh, 2), masks);
}

/** Gradients of sum(value * weights) w.r.t. every input, from both implementations. */
function compare(inputs: tf.Tensor[], custom: (...t: tf.Tensor[]) => tf.Tensor, reference: (...t: tf.Tensor[]) => tf.Tensor, weights: tf.Tensor, tol: number, compared: (v: tf.Tensor) => tf.Tensor = (v) => v) {
  const loss = (f: (...t: tf.Tensor[]) => tf.Tensor) => (...t: tf.Tensor[]) => tf.sum(tf.mul(compared(f(...t)), weights));
  const a = tf.grads(loss(custom))(inputs);
  const b = tf.grads(loss(reference))(inputs);
  const valueA = compared(custom(...inputs)).arraySync();
  const valueB = compared(reference(...inputs)).arraySync();
  expect(maxAbsDiff(valueA, valueB)).toBeLessThan(tol);
  for (let i = 0; i < a.length; i++) {
    const scale = Math.max(1, Math.max(...(tf.abs(b[i]!).dataSync() as Float32Array)));
    expect(maxAbsDiff(a[i]!.arraySync(), b[i]!.arraySync()) / scale, `gradient of input ${i}`).toBeLessThan(tol);
  }
}

function maxAbsDiff(a: unknown, b: unknown): number {
  const x = (a as number[]).flat(4) as number[];
  const y = (b as number[]).flat(4) as number[];
  return Math.max(...x.map((v, i) => Math.abs(v - y[i]!)));
}

describe('posteriorScan', () => {
  beforeAll(async () => {
    await testing.initForTests({ seed: 1 });
  });

  it('matches autodiff of the step-by-step recursion (values and every gradient)', () => {
    tf.tidy(() => {
      const [T, B, C, L] = [6, 3, 5, 2];
      const inputs = [normal([T, B, C]), normal([T, B, 2 * L]), normal([T, B, L], 1), normal([L, C + 2 * L]), normal([C, 2 * L])];
      const weights = normal([T, B, 3 * L], 1);
      compare(inputs, (...t) => posteriorScanPacked(...(t as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D, tf.Tensor2D, tf.Tensor2D])), (...t) => posteriorReference(...(t as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D, tf.Tensor2D, tf.Tensor2D])), weights, 1e-4);
    });
  });

  it('residual posterior with a linear transition: matches autodiff (values and every gradient, f\'s weights included)', () => {
    tf.tidy(() => {
      const [T, B, C, L] = [6, 3, 5, 2];
      const inputs = [normal([T, B, C]), normal([T, B, 2 * L]), normal([T, B, L], 1), normal([L, C + 2 * L]), normal([C, 2 * L]), normal([L, L]), normal([L])];
      const weights = normal([T, B, 3 * L], 1);
      const run = (f: typeof posteriorScanPacked) => (...t: tf.Tensor[]) => f(...(t.slice(0, 5) as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D, tf.Tensor2D, tf.Tensor2D]), ...t.slice(5));
      compare(inputs, run(posteriorScanPacked), run(posteriorReference), weights, 1e-4);
    });
  });

  it('residual posterior with the gated transition: matches autodiff (values and every gradient, f\'s weights included)', () => {
    tf.tidy(() => {
      const [T, B, C, L, H] = [7, 3, 5, 3, 4];
      const mlp = [normal([L, H]), normal([H], 0.3), normal([H, L]), normal([L], 0.3)];
      const inputs = [normal([T, B, C]), normal([T, B, 2 * L]), normal([T, B, L], 1), normal([L, C + 2 * L]), normal([C, 2 * L]), normal([L, L]), normal([L]), ...mlp, normal([L, H]), normal([H], 0.3), normal([H, L]), normal([L], 0.3)];
      const weights = normal([T, B, 3 * L], 1);
      const run = (f: typeof posteriorScanPacked) => (...t: tf.Tensor[]) => f(...(t.slice(0, 5) as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D, tf.Tensor2D, tf.Tensor2D]), ...t.slice(5));
      compare(inputs, run(posteriorScanPacked), run(posteriorReference), weights, 1e-4);
    });
  });

  it('residual posterior of a single step equals the plain one, and f\'s weights get zero gradients', () => {
    tf.tidy(() => {
      const [B, C, L] = [2, 3, 2];
      const base = [normal([1, B, C]), normal([1, B, 2 * L]), normal([1, B, L], 1), normal([L, C + 2 * L]), normal([C, 2 * L])] as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D, tf.Tensor2D, tf.Tensor2D];
      const f = [normal([L, L]), normal([L])];
      expect(maxAbsDiff(posteriorScanPacked(...base, ...f).arraySync(), posteriorScanPacked(...base).arraySync())).toBe(0);
      const g = tf.grads((...t: tf.Tensor[]) => tf.sum(posteriorScanPacked(...base, ...t)))(f);
      for (const v of g) expect(Math.max(...(tf.abs(v).dataSync() as Float32Array))).toBe(0);
    });
  });

  it('leaves no tensors behind, forward and backward, with and without a residual transition', () => {
    const L = 1;
    const gatedWeights = [normal([L, L]), normal([L]), normal([L, 3]), normal([3]), normal([3, L]), normal([L]), normal([L, 3]), normal([3]), normal([3, L]), normal([L])];
    const residualInputs = [normal([4, 2, 3]), normal([4, 2, 2]), normal([4, 2, 1]), normal([1, 5]), normal([3, 2]), ...gatedWeights];
    const residualLeft = testing.tensorsLeftBehind(() => {
      const g = tf.grads((...t: tf.Tensor[]) => tf.sum(posteriorScanPacked(...(t.slice(0, 5) as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D, tf.Tensor2D, tf.Tensor2D]), ...t.slice(5))))(residualInputs);
      tf.dispose(g);
    });
    tf.dispose(residualInputs);
    expect(residualLeft).toBe(0);
    const inputs = [normal([4, 2, 3]), normal([4, 2, 2]), normal([4, 2, 1]), normal([1, 5]), normal([3, 2])];
    const left = testing.tensorsLeftBehind(() => {
      const g = tf.grads((...t: tf.Tensor[]) => tf.sum(posteriorScanPacked(...(t as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D, tf.Tensor2D, tf.Tensor2D]))))(inputs);
      tf.dispose(g);
    });
    tf.dispose(inputs);
    expect(left).toBe(0);
  });
});

describe('gruScan', () => {
  beforeAll(async () => {
    await testing.initForTests({ seed: 1 });
  });

  it('matches autodiff of the step-by-step GRU without a mask', () => {
    tf.tidy(() => {
      const [T, G, B, H] = [5, 2, 3, 4];
      const inputs = [normal([T, G, B, 3 * H], 1), normal([G, H, 3 * H]), normal([G, 1, 3 * H])];
      compare(inputs, (x, w, b) => gruScanPacked(x as tf.Tensor4D, w as tf.Tensor3D, b as tf.Tensor3D, null), (x, w, b) => gruReference(x as tf.Tensor4D, w as tf.Tensor3D, b as tf.Tensor3D, null), normal([T, G, B, H], 1), 1e-4);
    });
  });

  it('matches the held-state mask formulation on observed steps, for both mask directions', () => {
    tf.tidy(() => {
      const [T, G, B, H] = [6, 2, 2, 3];
      // Direction 0: ones then zeros (forward over a padded trial); direction 1: zeros then ones (reversed).
      const lengths = [4, 6];
      const m = new Float32Array(T * G * B);
      for (let t = 0; t < T; t++) {
        for (let b = 0; b < B; b++) {
          m[(t * G + 0) * B + b] = t < lengths[b]! ? 1 : 0;
          m[(t * G + 1) * B + b] = t >= T - lengths[b]! ? 1 : 0;
        }
      }
      const masks = tf.tensor4d(m, [T, G, B, 1]);
      const inputs = [normal([T, G, B, 3 * H], 1), normal([G, H, 3 * H]), normal([G, 1, 3 * H])];
      // Only observed steps matter downstream: weight the loss by the mask.
      const weights = tf.mul(normal([T, G, B, H], 1), masks);
      compare(inputs, (x, w, b) => gruScanPacked(x as tf.Tensor4D, w as tf.Tensor3D, b as tf.Tensor3D, masks), (x, w, b) => gruReference(x as tf.Tensor4D, w as tf.Tensor3D, b as tf.Tensor3D, masks), weights, 1e-4, (v) => tf.mul(v, masks));
    });
  });
});
