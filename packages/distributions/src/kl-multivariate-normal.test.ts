import * as tf from '@tensorflow/tfjs';
import { testing } from '@elbo/runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectClose, expectGradientsMatch, loadFixture } from './fixture.test-helper.js';
import type { Nested } from './fixture.test-helper.js';
import { kl } from './kl.js';
import { LowRankMultivariateNormal } from './low-rank-multivariate-normal.js';
import type { LowRankMultivariateNormalOptions } from './low-rank-multivariate-normal.js';
import { MultivariateNormalDiag } from './multivariate-normal-diag.js';
import type { MultivariateNormalDiagOptions } from './multivariate-normal-diag.js';
import { MultivariateNormalTriL } from './multivariate-normal-tril.js';
import type { MultivariateNormalTriLOptions } from './multivariate-normal-tril.js';

const cases = loadFixture<Record<string, { p: Record<string, Nested>; q: Record<string, Nested>; kl: Nested }>>('kl');
const tril = (o: Record<string, Nested>) => new MultivariateNormalTriL(o as unknown as MultivariateNormalTriLOptions);
const diag = (o: Record<string, Nested>) => new MultivariateNormalDiag(o as unknown as MultivariateNormalDiagOptions);

beforeAll(async () => {
  await testing.initForTests({ seed: 24 });
});

describe('kl: multivariate normals', () => {
  const pairs = {
    'MultivariateNormalTriL-MultivariateNormalTriL': [tril, tril],
    'MultivariateNormalDiag-MultivariateNormalTriL': [diag, tril],
    'MultivariateNormalTriL-MultivariateNormalDiag': [tril, diag],
    'LowRankMultivariateNormal-MultivariateNormalDiag': [(o: Record<string, Nested>) => new LowRankMultivariateNormal(o as unknown as LowRankMultivariateNormalOptions), diag],
  } as const;
  for (const [name, [P, Q]] of Object.entries(pairs)) {
    it(`${name} matches torch.distributions.kl_divergence`, () => {
      const c = cases[name]!;
      const [p, q] = [P(c.p), Q(c.q)];
      expectClose(name, kl(p, q), c.kl, 1e-5, [2]);
      expect(testing.tensorsLeftBehind(() => kl(p, q))).toBe(0);
      p.dispose();
      q.dispose();
    });
  }

  it('differentiates the TriL and low-rank pairs like finite differences', () => {
    const c = cases['MultivariateNormalTriL-MultivariateNormalTriL']!;
    const [m1, l1, m2, l2] = [c.p['loc'], c.p['scaleTril'], c.q['loc'], c.q['scaleTril']].map((v) => tf.tensor(v as number[])) as tf.Tensor[];
    const v = { validate: false };
    // tf.linalg.bandPart's gradient fails in tfjs 4.22 (Unpack): mask with a constant instead.
    const band = (t: tf.Tensor) => tf.mul(t, tf.linalg.bandPart(tf.ones(t.shape), -1, 0));
    expectGradientsMatch(
      'TriL',
      (a, b, x, y) => kl(new MultivariateNormalTriL({ loc: a!, scaleTril: band(b!), ...v }), new MultivariateNormalTriL({ loc: x!, scaleTril: band(y!), ...v })).sum(),
      [m1!, l1!, m2!, l2!],
      { step: 1e-3, tolerance: 1e-2 },
    );
    const lr = cases['LowRankMultivariateNormal-MultivariateNormalDiag']!;
    const [lm, w, dg, qm, qs] = [lr.p['loc'], lr.p['covFactor'], lr.p['covDiag'], lr.q['loc'], lr.q['scaleDiag']].map((t) => tf.tensor(t as number[])) as tf.Tensor[];
    expectGradientsMatch(
      'LowRank',
      (a, b, x, y, z) => kl(new LowRankMultivariateNormal({ loc: a!, covFactor: b!, covDiag: x!, ...v }), new MultivariateNormalDiag({ loc: y!, scaleDiag: z!, ...v })).sum(),
      [lm!, w!, dg!, qm!, qs!],
      { step: 1e-3, tolerance: 1e-2 },
    );
    tf.dispose([m1!, l1!, m2!, l2!, lm!, w!, dg!, qm!, qs!]);
  });
});
