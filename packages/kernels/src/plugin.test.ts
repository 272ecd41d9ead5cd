// The runtime's kernel checks (packages/runtime/src/ops.test.ts) with this plugin, on
// whatever backend the test target names (cpu unless the contract suite sets one).
import * as tf from '@tensorflow/tfjs';
import {
  Generator,
  klDiagNormal,
  klStandardNormal,
  randomNormal,
  randomUniform,
  reparameterize,
  runtimeSummary,
  sampleDiagNormal,
  sampleWithKl,
  testing,
} from '@elbo/runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import { assemblyScriptKernels } from './plugin.js';

const { finiteDifferenceGradient, maxRelativeError, tensorsLeftBehind } = testing;

function klReference(m1: number, lv1: number, m2: number, lv2: number): number {
  const s1 = Math.exp(lv1 / 2);
  const s2 = Math.exp(lv2 / 2);
  return Math.log(s2 / s1) + (s1 * s1 + (m1 - m2) ** 2) / (2 * s2 * s2) - 0.5;
}

const MU = [-2, -0.5, 0, 0.3, 1.7, 4];
const LOGVAR = [-3, -1, 0, 0.5, 2, -0.2];
const P_MU = [0.5, 0, -1, 0.3, 2, 1];
const P_LOGVAR = [0.4, -2, 1, 0.5, 0, 3];
const REL = 1e-5;

beforeAll(async () => {
  const target = testing.testTarget();
  testing.setTestTarget({ ...target, kernels: assemblyScriptKernels(), label: `${target.label.split('/')[0]}/assemblyscript` });
  await testing.initForTests({ seed: 123 });
});

describe('assemblyScriptKernels', () => {
  it('is the active kernel plugin', () => {
    expect(runtimeSummary()?.kernels).toBe('assemblyscript');
  });

  it('draws the TypeScript stream: uniforms bit for bit, normals within 1e-6', () => {
    const u = randomUniform([3, 5], { rng: Generator.fromSeed(6) });
    expect(Array.from(u.dataSync())).toEqual(Array.from(Generator.fromSeed(6).uniformArray(15)));
    const n = randomNormal([1001], { rng: Generator.fromSeed(6) });
    expect(maxRelativeError(n.dataSync(), Generator.fromSeed(6).normalArray(1001), 1)).toBeLessThan(1e-6);
    expect(randomUniform([0]).shape).toEqual([0]);
    tf.dispose([u, n]);
  });

  it('klStandardNormal and klDiagNormal match the closed form, with p broadcast over a batch', () => {
    const kl = klStandardNormal(tf.tensor(MU), tf.tensor(LOGVAR));
    expect(maxRelativeError(kl.dataSync(), MU.map((m, i) => klReference(m, LOGVAR[i]!, 0, 0)))).toBeLessThan(REL);
    const q = { mu: tf.tensor([MU, MU]), logvar: tf.tensor([LOGVAR, LOGVAR]) };
    const p = { mu: tf.tensor(P_MU), logvar: tf.tensor(P_LOGVAR) };
    const diag = klDiagNormal(q, p);
    expect(diag.shape).toEqual([2, 6]);
    const row = MU.map((m, i) => klReference(m, LOGVAR[i]!, P_MU[i]!, P_LOGVAR[i]!));
    expect(maxRelativeError(diag.dataSync(), [...row, ...row])).toBeLessThan(REL);
    tf.dispose([kl, diag, q.mu, q.logvar, p.mu, p.logvar]);
  });

  it('stays finite for log-variances of +/-60', () => {
    const kl = klDiagNormal(
      { mu: tf.tensor([0, 1]), logvar: tf.tensor([-60, 60]) },
      { mu: tf.tensor([0, 1]), logvar: tf.tensor([-60, 60]) },
    );
    expect(Array.from(kl.dataSync())).toEqual([0, 0]);
    kl.dispose();
  });

  it('has the analytic KL gradients mu and (exp(logvar) - 1) / 2', () => {
    const mu = tf.tensor(MU);
    const logvar = tf.tensor(LOGVAR);
    const [gMu, gLogvar] = tf.grads((m: tf.Tensor, l: tf.Tensor) => klStandardNormal(m, l).sum())([mu, logvar]);
    expect(maxRelativeError(gMu!.dataSync(), MU)).toBeLessThan(REL);
    expect(maxRelativeError(gLogvar!.dataSync(), LOGVAR.map((l) => 0.5 * (Math.exp(l) - 1)))).toBeLessThan(REL);
    tf.dispose([mu, logvar, gMu!, gLogvar!]);
  });

  it('differentiates klDiagNormal in all four parameters like central finite differences, broadcast too', () => {
    for (const pRows of [2, 1]) {
      const params = [[MU, MU], [LOGVAR, LOGVAR], pRows === 2 ? [P_MU, P_MU] : P_MU, pRows === 2 ? [P_LOGVAR, P_LOGVAR] : P_LOGVAR].map((v) =>
        tf.tensor(v as number[][]),
      );
      const f = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor, d: tf.Tensor): tf.Tensor =>
        tf.tidy(() => klDiagNormal({ mu: a, logvar: b }, { mu: c, logvar: d }).mul(tf.tensor([[1], [0.5]])).sum());
      const grads = tf.grads(f)(params);
      params.forEach((param, k) => {
        expect(grads[k]!.shape).toEqual(param.shape);
        const numeric = finiteDifferenceGradient((x) => {
          const args = params.map((p, j) => (j === k ? x : p)) as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
          return f(...args);
        }, param, 1e-2);
        // Floor 5e-2: float32 sums give finite differences ~5e-5 of noise at exact zeros.
        expect(maxRelativeError(grads[k]!.dataSync(), numeric, 5e-2)).toBeLessThan(2e-3);
      });
      tf.dispose([...params, ...grads]);
    }
  });

  it('reparameterize computes mu + exp(logvar/2) eps with gradients 1, exp(logvar/2) eps / 2 and exp(logvar/2)', () => {
    const eps = [0.1, -1.2, 2, 0.7, -0.3, 1.1];
    const [mu, logvar, e] = [MU, LOGVAR, eps].map((v) => tf.tensor(v)) as [tf.Tensor, tf.Tensor, tf.Tensor];
    const z = reparameterize(mu, logvar, e);
    expect(maxRelativeError(z.dataSync(), MU.map((m, i) => m + Math.exp(LOGVAR[i]! / 2) * eps[i]!))).toBeLessThan(REL);
    const [gMu, gLogvar, gEps] = tf.grads((m: tf.Tensor, l: tf.Tensor, x: tf.Tensor) => reparameterize(m, l, x).sum())([mu, logvar, e]);
    expect(Array.from(gMu!.dataSync())).toEqual([1, 1, 1, 1, 1, 1]);
    expect(maxRelativeError(gLogvar!.dataSync(), LOGVAR.map((l, i) => 0.5 * Math.exp(l / 2) * eps[i]!))).toBeLessThan(REL);
    expect(maxRelativeError(gEps!.dataSync(), LOGVAR.map((l) => Math.exp(l / 2)))).toBeLessThan(REL);
    tf.dispose([mu, logvar, e, z, gMu!, gLogvar!, gEps!]);
  });

  it('sampleWithKl draws z exactly as normal + reparameterize would, and its gradients sum both paths', () => {
    const mu = tf.tensor([[0.5, -1], [2, 0]]);
    const logvar = tf.tensor([[0, -2], [1, 0.3]]);
    const { z, kl } = sampleWithKl(mu, logvar, { rng: Generator.fromSeed(5) });
    const eps = tf.tensor(Generator.fromSeed(5).normalArray(4), [2, 2]);
    const expected = tf.tidy(() => tf.add(mu, tf.mul(tf.exp(tf.mul(logvar, 0.5)), eps)));
    expect(maxRelativeError(z.dataSync(), expected.dataSync())).toBeLessThan(REL);
    const klExpected = klStandardNormal(mu, logvar);
    expect(Array.from(kl.dataSync())).toEqual(Array.from(klExpected.dataSync()));
    const z2 = sampleDiagNormal(mu, logvar, { rng: Generator.fromSeed(5) });
    expect(Array.from(z2.dataSync())).toEqual(Array.from(z.dataSync()));
    // d/d(mu, logvar) of sum(z) + 2 sum(kl), against the closed forms with the same eps.
    const [gMu, gLogvar] = tf.grads((m: tf.Tensor, l: tf.Tensor) => {
      const out = sampleWithKl(m, l, { rng: Generator.fromSeed(5) });
      return tf.add(out.z.sum(), out.kl.sum().mul(2));
    })([mu, logvar]);
    const [m, l, e] = [mu, logvar, eps].map((t) => Array.from(t.dataSync()));
    expect(maxRelativeError(gMu!.dataSync(), m!.map((x) => 1 + 2 * x))).toBeLessThan(REL);
    expect(maxRelativeError(gLogvar!.dataSync(), l!.map((x, i) => 0.5 * Math.exp(x / 2) * e![i]! + (Math.exp(x) - 1)))).toBeLessThan(REL);
    tf.dispose([mu, logvar, z, kl, eps, expected, klExpected, z2, gMu!, gLogvar!]);
  });

  it('leaves no tensors behind', () => {
    const mu = tf.tensor([[0.5, -1]]);
    const logvar = tf.tensor([[0, -2]]);
    const eps = tf.tensor([[0.3, 0.1]]);
    const p = tf.tensor([0.2, 0.1]);
    const calls: Array<() => tf.TensorContainer> = [
      () => randomNormal([5]),
      () => randomUniform([5]),
      () => klStandardNormal(mu, logvar),
      () => klDiagNormal({ mu, logvar }, { mu: eps, logvar: eps }),
      () => klDiagNormal({ mu, logvar }, { mu: p, logvar: p }),
      () => reparameterize(mu, logvar, eps),
      () => sampleDiagNormal(mu, logvar),
      () => {
        const { z, kl } = sampleWithKl(mu, logvar);
        return [z, kl];
      },
      () => tf.grads((m: tf.Tensor, l: tf.Tensor) => sampleWithKl(m, l).kl.sum())([mu, logvar]),
      () => tf.grads((m: tf.Tensor, l: tf.Tensor) => klDiagNormal({ mu: m, logvar: l }, { mu: p, logvar: p }).sum())([mu, logvar]),
    ];
    for (const call of calls) expect(tensorsLeftBehind(call)).toBe(0);
    tf.dispose([mu, logvar, eps, p]);
  });

  it('lets NaN and infinities flow through like the tfjs-ops kernels (model code detects divergence)', () => {
    const mu = tf.tensor([0, NaN, 1, Infinity]);
    const logvar = tf.tensor([0, 0, 0, 0]);
    const kl = klStandardNormal(mu, logvar);
    const values = Array.from(kl.dataSync());
    expect(values[0]).toBe(0);
    expect(values[1]).toBeNaN();
    expect(values[3]).toBe(Infinity);
    const { z } = sampleWithKl(mu, logvar, { rng: Generator.fromSeed(1) });
    expect(z.dataSync()[1]).toBeNaN();
    tf.dispose([mu, logvar, kl, z]);
  });
});
