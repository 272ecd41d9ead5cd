import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Generator } from './generator.js';
import {
  klDiagNormal,
  klStandardNormal,
  randomNormal,
  randomUniform,
  reparameterize,
  sampleDiagNormal,
  sampleWithKl,
} from './ops.js';
import { finiteDifferenceGradient, initForTests, maxRelativeError, tensorsLeftBehind } from './testing.js';

// Reference: KL[N(m1, s1^2) || N(m2, s2^2)] = log(s2/s1) + (s1^2 + (m1-m2)^2) / (2 s2^2) - 1/2,
// in float64, written in the scale form (the code under test uses log-variances).
function klReference(m1: number, lv1: number, m2: number, lv2: number): number {
  const s1 = Math.exp(lv1 / 2);
  const s2 = Math.exp(lv2 / 2);
  return Math.log(s2 / s1) + (s1 * s1 + (m1 - m2) ** 2) / (2 * s2 * s2) - 0.5;
}

const MU = [-2, -0.5, 0, 0.3, 1.7, 4];
const LOGVAR = [-3, -1, 0, 0.5, 2, -0.2];
const P_MU = [0.5, 0, -1, 0.3, 2, 1];
const P_LOGVAR = [0.4, -2, 1, 0.5, 0, 3];
const REL = 1e-5; // float32 tolerance, relative (absolute below 1e-5)

beforeAll(async () => {
  await initForTests({ seed: 123 });
});

describe('KL kernels (tfjs-ops)', () => {
  it('klStandardNormal matches the closed form', () => {
    const kl = klStandardNormal(tf.tensor(MU), tf.tensor(LOGVAR));
    const expected = MU.map((m, i) => klReference(m, LOGVAR[i]!, 0, 0));
    expect(maxRelativeError(kl.dataSync(), expected)).toBeLessThan(REL);
    kl.dispose();
  });

  it('klDiagNormal matches the closed form, and broadcasts p over a batch', () => {
    const q = { mu: tf.tensor([MU, MU]), logvar: tf.tensor([LOGVAR, LOGVAR]) };
    const p = { mu: tf.tensor(P_MU), logvar: tf.tensor(P_LOGVAR) };
    const kl = klDiagNormal(q, p);
    expect(kl.shape).toEqual([2, 6]);
    const row = MU.map((m, i) => klReference(m, LOGVAR[i]!, P_MU[i]!, P_LOGVAR[i]!));
    expect(maxRelativeError(kl.dataSync(), [...row, ...row])).toBeLessThan(REL);
    tf.dispose([kl, q.mu, q.logvar, p.mu, p.logvar]);
  });

  it('stays finite for log-variances of +/-60', () => {
    const kl = klDiagNormal(
      { mu: tf.tensor([0, 1]), logvar: tf.tensor([-60, 60]) },
      { mu: tf.tensor([0, 1]), logvar: tf.tensor([-60, 60]) },
    );
    expect(Array.from(kl.dataSync())).toEqual([0, 0]);
    kl.dispose();
  });

  it('has the analytic gradients 0.5 (exp(logvar) - 1) and mu', () => {
    const mu = tf.tensor(MU);
    const logvar = tf.tensor(LOGVAR);
    const [gMu, gLogvar] = tf.grads((m: tf.Tensor, l: tf.Tensor) => klStandardNormal(m, l).sum())([mu, logvar]);
    expect(maxRelativeError(gMu!.dataSync(), MU)).toBeLessThan(REL);
    expect(maxRelativeError(gLogvar!.dataSync(), LOGVAR.map((l) => 0.5 * (Math.exp(l) - 1)))).toBeLessThan(REL);
    tf.dispose([mu, logvar, gMu!, gLogvar!]);
  });

  it('differentiates klDiagNormal in all four parameters like central finite differences', () => {
    const params = [MU, LOGVAR, P_MU, P_LOGVAR].map((v) => tf.tensor(v));
    const f = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor, d: tf.Tensor): tf.Tensor =>
      klDiagNormal({ mu: a, logvar: b }, { mu: c, logvar: d }).sum();
    const grads = tf.grads(f)(params);
    params.forEach((param, k) => {
      const numeric = finiteDifferenceGradient((x) => {
        const args = params.map((p, j) => (j === k ? x : p)) as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
        return f(...args);
      }, param, 1e-2);
      expect(maxRelativeError(grads[k]!.dataSync(), numeric, 1e-2)).toBeLessThan(2e-3);
    });
    tf.dispose([...params, ...grads]);
  });
});

describe('sampling kernels (tfjs-ops)', () => {
  it('reparameterize computes mu + exp(logvar/2) eps with gradients 1 and exp(logvar/2) eps / 2', () => {
    const eps = [0.1, -1.2, 2, 0.7, -0.3, 1.1];
    const [mu, logvar, e] = [MU, LOGVAR, eps].map((v) => tf.tensor(v)) as [tf.Tensor, tf.Tensor, tf.Tensor];
    const z = reparameterize(mu, logvar, e);
    expect(maxRelativeError(z.dataSync(), MU.map((m, i) => m + Math.exp(LOGVAR[i]! / 2) * eps[i]!))).toBeLessThan(REL);
    const [gMu, gLogvar] = tf.grads((m: tf.Tensor, l: tf.Tensor) => reparameterize(m, l, e).sum())([mu, logvar]);
    expect(Array.from(gMu!.dataSync())).toEqual([1, 1, 1, 1, 1, 1]);
    expect(maxRelativeError(gLogvar!.dataSync(), LOGVAR.map((l, i) => 0.5 * Math.exp(l / 2) * eps[i]!))).toBeLessThan(REL);
    tf.dispose([mu, logvar, e, z, gMu!, gLogvar!]);
  });

  it('sampleWithKl draws z from the generator exactly as reparameterize would', () => {
    const mu = tf.tensor([[0.5, -1], [2, 0]]);
    const logvar = tf.tensor([[0, -2], [1, 0.3]]);
    const { z, kl } = sampleWithKl(mu, logvar, { rng: Generator.fromSeed(5) });
    const eps = tf.tensor(Generator.fromSeed(5).normalArray(4), [2, 2]);
    const expected = reparameterize(mu, logvar, eps);
    expect(maxRelativeError(z.dataSync(), expected.dataSync())).toBeLessThan(REL);
    const klExpected = klStandardNormal(mu, logvar);
    expect(Array.from(kl.dataSync())).toEqual(Array.from(klExpected.dataSync()));
    const z2 = sampleDiagNormal(mu, logvar, { rng: Generator.fromSeed(5) });
    expect(Array.from(z2.dataSync())).toEqual(Array.from(z.dataSync()));
    tf.dispose([mu, logvar, z, kl, eps, expected, klExpected, z2]);
  });

  it('draws tensors of the requested shape from the seeded stream', () => {
    const n = randomNormal([3, 4], { rng: Generator.fromSeed(6) });
    expect(n.shape).toEqual([3, 4]);
    // Kernel plugins may run Box-Muller in float32: the stream's normals to 1e-6 (relative above 1).
    expect(maxRelativeError(n.dataSync(), Generator.fromSeed(6).normalArray(12), 1)).toBeLessThan(1e-6);
    const u = randomUniform([0]);
    expect(u.shape).toEqual([0]);
    tf.dispose([n, u]);
  });
});

describe('runtime functions', () => {
  it('leave no tensors behind', () => {
    const mu = tf.tensor([[0.5, -1]]);
    const logvar = tf.tensor([[0, -2]]);
    const eps = tf.tensor([[0.3, 0.1]]);
    const calls: Array<() => tf.TensorContainer> = [
      () => randomNormal([5]),
      () => randomUniform([5]),
      () => klStandardNormal(mu, logvar),
      () => klDiagNormal({ mu, logvar }, { mu: eps, logvar: eps }),
      () => reparameterize(mu, logvar, eps),
      () => sampleDiagNormal(mu, logvar),
      () => {
        const { z, kl } = sampleWithKl(mu, logvar);
        return [z, kl];
      },
      () => tf.grads((m: tf.Tensor, l: tf.Tensor) => sampleWithKl(m, l).kl.sum())([mu, logvar]),
    ];
    for (const call of calls) expect(tensorsLeftBehind(call)).toBe(0);
    tf.dispose([mu, logvar, eps]);
  });

  it('reject bad input with messages naming the argument', () => {
    const a = tf.tensor([1, 2]);
    const b = tf.tensor([1, 2, 3]);
    const i = tf.tensor([1, 2], undefined, 'int32');
    expect(() => klStandardNormal(a, b)).toThrow("klStandardNormal: logvar's shape must be mu's shape [2], found [3]");
    expect(() => klStandardNormal(a, i)).toThrow('klStandardNormal: logvar must be float32, found dtype int32');
    expect(() => klStandardNormal([1, 2] as never, a)).toThrow('klStandardNormal: mu must be a tf.Tensor, found [1, 2]');
    expect(() => reparameterize(a, a, b)).toThrow("reparameterize: eps's shape must be mu's shape [2], found [3]");
    expect(() => klDiagNormal({ mu: a, logvar: a }, { mu: b, logvar: b })).toThrow(
      'klDiagNormal: the shapes of q and p must be broadcastable, found [2] and [3]',
    );
    expect(() => randomNormal([2, -1])).toThrow('randomNormal: shape must be an array of non-negative integers, found [2, -1]');
    const dead = tf.tensor([1, 2]);
    dead.dispose();
    expect(() => klStandardNormal(a, dead)).toThrow('klStandardNormal: logvar must be a live tensor, found a disposed tensor');
    tf.dispose([a, b, i]);
  });
});
