import * as tf from '@tensorflow/tfjs';
import { MultivariateNormalDiag } from '@elbo/distributions';
import { Generator, randomNormal, testing } from '@elbo/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wakeSleep } from './wake-sleep.js';
import { add, identity, inverseSpd, matMul, matVec, scale, transpose } from './test-support/linalg.js';
import { examples, likelihood, model, standardNormalPrior } from './test-support/ppca-model.js';

let prior: MultivariateNormalDiag;
beforeAll(async () => {
  await testing.initForTests({ seed: 10 });
  prior = standardNormalPrior();
});
afterAll(() => prior.dispose());

/** q(z|x) = N(m_b, diag(s_b^2)) with per-example parameters, ignoring x (for the wake phase). */
const perExample = (loc: tf.Tensor, scaleDiag: tf.Tensor) => () => new MultivariateNormalDiag({ loc, scaleDiag, validate: false });

describe('wakeSleep: the wake phase', () => {
  it('gives the model sum_k w~_k grad log p(x, z_k) and the encoder sum_k w~_k grad log q(z_k|x) (float64 reference)', () => {
    const k = 6;
    const means = [
      [0.4, -0.2],
      [0.1, 0.5],
    ];
    const stds = [
      [0.5, 0.6],
      [0.7, 0.4],
    ];
    const loc = tf.variable(tf.tensor2d(means));
    const scaleDiag = tf.tensor2d(stds);
    const w = tf.variable(tf.tensor2d(model.w));
    const x = tf.tensor2d(examples.slice(0, 2));
    const { value, grads } = tf.variableGrads(
      () =>
        wakeSleep({ encoder: perExample(loc, scaleDiag), prior, likelihood: likelihood(w), x, samples: k, sleepEncoder: false, rng: Generator.fromSeed(3) })
          .loss as tf.Scalar,
      [loc, w],
    );
    // q's draws are z = m + s * eps with eps the generator's first normals, shape [K, B, D].
    const eps = randomNormal([k, 2, 2], { rng: Generator.fromSeed(3) });
    const e = eps.arraySync() as number[][][];
    eps.dispose();
    const s2 = model.noise ** 2;
    const wantW = model.w.map((row) => row.map(() => 0));
    const wantLoc = means.map((row) => row.map(() => 0));
    let wantLoss = 0;
    means.forEach((m, b) => {
      const xb = examples[b]!;
      const zs = e.map((sample) => m.map((v, d) => v + stds[b]![d]! * sample[b]![d]!));
      const residuals = zs.map((z) => xb.map((xi, i) => xi - model.mu[i]! - model.w[i]![0]! * z[0]! - model.w[i]![1]! * z[1]!));
      const logJoint = zs.map(
        (z, i) => -0.5 * residuals[i]!.reduce((a, r) => a + r * r, 0) / s2 - 2 * Math.log(2 * Math.PI * s2) - 0.5 * (z[0]! ** 2 + z[1]! ** 2) - Math.log(2 * Math.PI),
      );
      const logQ = zs.map((z) => z.reduce((a, zd, d) => a - 0.5 * ((zd - m[d]!) / stds[b]![d]!) ** 2 - Math.log(stds[b]![d]!), 0) - Math.log(2 * Math.PI));
      const logW = logJoint.map((v, i) => v - logQ[i]!);
      const top = Math.max(...logW);
      const total = logW.reduce((a, v) => a + Math.exp(v - top), 0);
      const weights = logW.map((v) => Math.exp(v - top) / total);
      zs.forEach((z, i) => {
        wantLoss -= (weights[i]! * (logJoint[i]! + logQ[i]!)) / 2;
        // d log N(x; Wz + mu, s2 I) / dW = r z^T / s2; d log q / dm = (z - m) / s^2.
        residuals[i]!.forEach((r, p) => z.forEach((zd, d) => (wantW[p]![d]! -= (weights[i]! * r * zd) / s2 / 2)));
        z.forEach((zd, d) => (wantLoc[b]![d]! -= (weights[i]! * (zd - m[d]!)) / stds[b]![d]! ** 2 / 2));
      });
    });
    expect(value.dataSync()[0]).toBeCloseTo(wantLoss, 3);
    expect(testing.maxRelativeError(grads[w.name]!.dataSync(), wantW.flat(), 1e-2)).toBeLessThan(1e-3);
    expect(testing.maxRelativeError(grads[loc.name]!.dataSync(), wantLoc.flat(), 1e-2)).toBeLessThan(1e-3);
    tf.dispose([value, ...Object.values(grads), loc, scaleDiag, w, x]);
  });
});

describe('wakeSleep: the sleep phase', () => {
  it('trains a linear-Gaussian encoder to the exact PPCA posterior from dreams alone', () => {
    // Exact posterior: N(M^-1 W^T (x - mu), s^2 M^-1), M = W^T W + s^2 I (diagonal here).
    const mInv = inverseSpd(add(matMul(transpose(model.w), model.w), scale(identity(2), model.noise ** 2)));
    const exactA = matMul(mInv, transpose(model.w)); // [2, 4]
    const exactC = matVec(exactA, model.mu).map((v) => -v);
    const exactS = [0, 1].map((d) => Math.sqrt(model.noise ** 2 * mInv[d]![d]!));
    const a = tf.variable(tf.zeros([2, 4]));
    const c = tf.variable(tf.zeros([2]));
    const logS = tf.variable(tf.zeros([2]));
    const encoder = (x: tf.Tensor) =>
      new MultivariateNormalDiag({
        loc: tf.add(tf.matMul(x, a, false, true), c),
        scaleDiag: tf.broadcastTo(tf.exp(logS), [x.shape[0]!, 2]),
        validate: false,
      });
    const x = tf.tensor2d(examples);
    const optimizer = tf.train.adam(0.1);
    const rng = Generator.fromSeed(8);
    const before = tf.memory().numTensors;
    // Adam with a fixed step keeps jittering around the optimum: average the last 45
    // iterates (Polyak averaging) to read off where it is.
    const sums = { a: new Float64Array(8), c: new Float64Array(2), s: new Float64Array(2) };
    for (let step = 0; step < 90; step++) {
      const cost = optimizer.minimize(
        () => wakeSleep({ encoder, prior, likelihood: likelihood(), x, sleepSamples: 512, rng }).loss as tf.Scalar,
        true,
        [a, c, logS],
      );
      cost?.dispose();
      if (step >= 45) {
        a.dataSync().forEach((v, i) => (sums.a[i]! += v / 45));
        c.dataSync().forEach((v, i) => (sums.c[i]! += v / 45));
        logS.dataSync().forEach((v, i) => (sums.s[i]! += Math.exp(v) / 45));
      }
    }
    // Adam's two moment slots per variable are the only new tensors.
    expect(tf.memory().numTensors - before).toBe(6);
    const errA = Math.max(...exactA.flat().map((v, i) => Math.abs(sums.a[i]! - v)));
    const errC = Math.max(...exactC.map((v, i) => Math.abs(sums.c[i]! - v)));
    const errS = Math.max(...exactS.map((v, i) => Math.abs(sums.s[i]! - v) / v));
    console.log(`sleep phase, averaged iterates: largest |A - A*| ${errA.toFixed(4)}, |c - c*| ${errC.toFixed(4)}, relative |s - s*| ${errS.toFixed(4)}`);
    expect(errA).toBeLessThan(0.03);
    expect(errC).toBeLessThan(0.03);
    expect(errS).toBeLessThan(0.05);
    optimizer.dispose();
    tf.dispose([a, c, logS, x]);
  });
});

describe('wakeSleep: memory and arguments', () => {
  it('leaves no tensors behind', () => {
    const loc = tf.tensor2d([
      [0, 0],
      [0.1, 0.2],
    ]);
    const scaleDiag = tf.ones([2, 2]);
    const x = tf.tensor2d(examples.slice(0, 2));
    expect(testing.tensorsLeftBehind(() => wakeSleep({ encoder: perExample(loc, scaleDiag), prior, likelihood: likelihood(), x, samples: 3 }))).toBe(0);
    tf.dispose([loc, scaleDiag, x]);
  });

  it('names a prior with a batch and an encoder of the wrong batch', () => {
    const x = tf.tensor2d(examples.slice(0, 2));
    const batched = new MultivariateNormalDiag({ loc: [[0, 0]], scaleDiag: [[1, 1]] });
    const loc = tf.zeros([3, 2]);
    const scaleDiag = tf.ones([3, 2]);
    expect(() => wakeSleep({ encoder: perExample(loc, scaleDiag), prior: batched, likelihood: likelihood(), x })).toThrow(
      "wakeSleep: the prior's batchShape must be [] (the sleep phase dreams from it), found [1]",
    );
    expect(() => wakeSleep({ encoder: perExample(loc, scaleDiag), prior, likelihood: likelihood(), x })).toThrow(
      "wakeSleep: encoder(x)'s batchShape must be [2], found [3]",
    );
    batched.dispose();
    tf.dispose([x, loc, scaleDiag]);
  });
});
