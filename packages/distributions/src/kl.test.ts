import * as tf from '@tensorflow/tfjs';
import { Generator, testing } from '@elbo/runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import { Bernoulli } from './bernoulli.js';
import { Categorical } from './categorical.js';
import type { Distribution } from './distribution.js';
import { KlNotRegisteredError } from './errors.js';
import { expectClose, expectGradientsMatch, expectNoLeaks, loadFixture } from './fixture.test-helper.js';
import type { Nested } from './fixture.test-helper.js';
import { Independent } from './independent.js';
import { kl, registerKl } from './kl.js';
import { klMonteCarlo } from './kl-monte-carlo.js';
import { MultivariateNormalDiag } from './multivariate-normal-diag.js';
import { Normal } from './normal.js';
import { Poisson } from './poisson.js';

interface KlCase {
  p: Record<string, Nested>;
  q: Record<string, Nested>;
  kl: Nested;
}
const cases = loadFixture<Record<string, KlCase>>('kl');

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Ctor = new (options: any) => Distribution;
const pairs: Record<string, [Ctor, Ctor]> = {
  'Normal-Normal': [Normal, Normal],
  'MultivariateNormalDiag-MultivariateNormalDiag': [MultivariateNormalDiag, MultivariateNormalDiag],
  'Bernoulli-Bernoulli': [Bernoulli, Bernoulli],
  'Bernoulli-Bernoulli (probs)': [Bernoulli, Bernoulli],
  'Categorical-Categorical': [Categorical, Categorical],
  'Poisson-Poisson': [Poisson, Poisson],
};

beforeAll(async () => {
  await testing.initForTests({ seed: 8 });
});

describe('kl', () => {
  for (const [name, [P, Q]] of Object.entries(pairs)) {
    it(`${name} matches torch.distributions.kl_divergence / SciPy`, () => {
      const c = cases[name]!;
      const p = new P(c.p);
      const q = new Q(c.q);
      expectClose(name, kl(p, q), c.kl);
      expect(testing.tensorsLeftBehind(() => kl(p, q))).toBe(0);
      p.dispose();
      q.dispose();
    });
  }

  it('Independent-Independent sums the base KL over the reinterpreted axes', () => {
    const c = cases['MultivariateNormalDiag-MultivariateNormalDiag']!;
    const p = new Independent(new Normal({ loc: c.p['loc']!, scale: c.p['scaleDiag']! } as never), 1);
    const q = new Independent(new Normal({ loc: c.q['loc']!, scale: c.q['scaleDiag']! } as never), 1);
    expectClose('Independent', kl(p, q), c.kl, 1e-5, [2]);
    p.dispose();
    q.dispose();
  });

  it('pairs Independent(Normal, 1) with MultivariateNormalDiag both ways, and names what it cannot pair', () => {
    const c = cases['MultivariateNormalDiag-MultivariateNormalDiag']!;
    const asIndependent = (o: Record<string, Nested>) => new Independent(new Normal({ loc: o['loc']!, scale: o['scaleDiag']! } as never), 1);
    const asDiag = (o: Record<string, Nested>) => new MultivariateNormalDiag(o as never);
    for (const [p, q] of [
      [asIndependent(c.p), asDiag(c.q)],
      [asDiag(c.p), asIndependent(c.q)],
    ] as const) {
      expectClose(`${p.name} || ${q.name}`, kl(p, q), c.kl, 1e-5, [2]);
      p.dispose();
      q.dispose();
    }
    const bernoullis = new Independent(new Bernoulli({ logits: [0, 1] }), 1);
    const diag = new MultivariateNormalDiag({ loc: [0, 0], scaleDiag: [1, 1] });
    expect(() => kl(bernoullis, diag)).toThrow(KlNotRegisteredError);
    bernoullis.dispose();
    diag.dispose();
  });

  it('differentiates the analytic pairs in every parameter like finite differences', () => {
    const a = tf.tensor([0.5, -1, 2]);
    const s = tf.tensor([1, 0.7, 2]);
    const b = tf.tensor([0, 1, 2.5]);
    const t = tf.tensor([2, 0.5, 1]);
    expectGradientsMatch('Normal', (l1, s1, l2, s2) => kl(new Normal({ loc: l1!, scale: s1!, validate: false }), new Normal({ loc: l2!, scale: s2!, validate: false })).sum(), [a, s, b, t]);
    expectGradientsMatch('Bernoulli', (x, y) => kl(new Bernoulli({ logits: x!, validate: false }), new Bernoulli({ logits: y!, validate: false })).sum(), [a, b]);
    expectGradientsMatch('Poisson', (x, y) => kl(new Poisson({ rate: x!, validate: false }), new Poisson({ rate: y!, validate: false })).sum(), [s, t]);
    const [m1, m2] = [tf.tensor([[0.5, -1, 2]]), tf.tensor([[0, 1, 2.5]])];
    expectGradientsMatch(
      'MultivariateNormalDiag',
      (w, x, y, z) => kl(new MultivariateNormalDiag({ loc: w!, scaleDiag: x!, validate: false }), new MultivariateNormalDiag({ loc: y!, scaleDiag: z!, validate: false })).sum(),
      [m1, s, m2, t],
    );
    tf.dispose([m1, m2]);
    const l1 = tf.tensor([[1, 2, 3], [0, 0.5, -1]]);
    const l2 = tf.tensor([[0.5, 0.5, 0.5], [1, 2, 3]]);
    expectGradientsMatch('Categorical', (x, y) => kl(new Categorical({ logits: x!, validate: false }), new Categorical({ logits: y!, validate: false })).sum(), [l1, l2]);
    tf.dispose([a, s, b, t, l1, l2]);
  });

  it('broadcasts batch shapes: a [3] posterior against a scalar prior', () => {
    const q = new Normal({ loc: [0, 1, 2], scale: [1, 1, 1] });
    const p = new Normal({ loc: 0, scale: 1 });
    const value = kl(q, p);
    expect(value.shape).toEqual([3]);
    expectClose('broadcast', value, [0, 0.5, 2]);
    p.dispose();
    q.dispose();
  });

  it('throws a named error for an unregistered pair that points to klMonteCarlo; registerKl adds a pair', () => {
    const p = new Normal({ loc: 0, scale: 1 });
    const q = new Poisson({ rate: 1 });
    expect(() => kl(p, q)).toThrow(KlNotRegisteredError);
    expect(() => kl(p, q)).toThrow('kl: no analytic KL is registered for (Normal, Poisson); register one with registerKl(Normal, Poisson, (p, q) => ...) or estimate it with klMonteCarlo(p, q, { samples, rng })');
    class Shifted extends Normal {}
    registerKl(Shifted, Poisson, () => tf.scalar(42));
    const s = new Shifted({ loc: 0, scale: 1 });
    const v = kl(s, q);
    expect(v.dataSync()[0]).toBe(42);
    v.dispose();
    // A subclass without its own entry uses its parent's.
    const w = kl(s, p);
    expect(w.dataSync()[0]).toBe(0);
    w.dispose();
    expect(() => registerKl(Object as never, Normal, () => tf.scalar(0))).toThrow('registerKl: P must be a Distribution class');
    [p, q, s].forEach((d) => d.dispose());
  });

  it('klMonteCarlo estimates the Normal KL within 4 standard errors and differentiates', () => {
    const q = new Normal({ loc: [0.5, -1], scale: [1, 0.5] });
    const p = new Normal({ loc: 0, scale: 1 });
    const exact = kl(q, p).arraySync() as number[];
    const estimate = klMonteCarlo(q, p, { samples: 20000, rng: Generator.fromSeed(5) });
    const e = estimate.arraySync() as number[];
    // sd of log q(x) - log p(x) under q is below 1.5 for these parameters.
    e.forEach((v, i) => expect(Math.abs(v - exact[i]!)).toBeLessThan((4 * 1.5) / Math.sqrt(20000)));
    estimate.dispose();
    const loc = tf.tensor([0.5, -1]);
    const g = tf.grad((l) => klMonteCarlo(new Normal({ loc: l, scale: 1, validate: false }), p, { samples: 10, rng: Generator.fromSeed(1) }).sum())(loc);
    // With x = loc + eps and unit scales, log q(x) does not depend on loc and
    // -log p(x) = (loc + eps)^2 / 2 + c: the gradient is loc + mean(eps) over the same draws.
    const eps = Generator.fromSeed(1).normalArray(20);
    const meanEps = [0, 1].map((j) => Array.from({ length: 10 }, (_, i) => eps[2 * i + j]!).reduce((a, b) => a + b) / 10);
    expectClose('MC gradient', g, [0.5 + meanEps[0]!, -1 + meanEps[1]!]);
    expect(() => klMonteCarlo(q, p, { samples: 0 })).toThrow('klMonteCarlo: samples must be a positive integer, found 0');
    expectNoLeaks({ kl: () => kl(q, p), mc: () => klMonteCarlo(q, p, { samples: 3 }) });
    loc.dispose();
    p.dispose();
    q.dispose();
  });

  it('rejects mismatched event or batch shapes', () => {
    const a = new MultivariateNormalDiag({ loc: [0, 0], scaleDiag: [1, 1] });
    const b = new MultivariateNormalDiag({ loc: [0, 0, 0], scaleDiag: [1, 1, 1] });
    expect(() => kl(a, b)).toThrow("kl: q's eventShape must be p's eventShape [2], found [3]");
    a.dispose();
    b.dispose();
  });
});
