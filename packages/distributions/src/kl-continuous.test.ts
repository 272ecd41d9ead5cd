import * as tf from '@tensorflow/tfjs';
import { testing } from '@elbo/runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import { Beta } from './beta.js';
import { ContinuousBernoulli } from './continuous-bernoulli.js';
import { Dirichlet } from './dirichlet.js';
import type { Distribution } from './distribution.js';
import { expectClose, expectGradientsMatch, loadFixture } from './fixture.test-helper.js';
import type { Nested } from './fixture.test-helper.js';
import { Gamma } from './gamma.js';
import { kl } from './kl.js';
import { Laplace } from './laplace.js';
import { LogNormal } from './log-normal.js';
import { OneHotCategorical } from './one-hot-categorical.js';
import { Uniform } from './uniform.js';

const cases = loadFixture<Record<string, { p: Record<string, Nested>; q: Record<string, Nested>; kl: Nested }>>('kl');

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Ctor = new (options: any) => Distribution;
const pairs: Record<string, Ctor> = {
  'Gamma-Gamma': Gamma,
  'Beta-Beta': Beta,
  'Dirichlet-Dirichlet': Dirichlet,
  'ContinuousBernoulli-ContinuousBernoulli': ContinuousBernoulli,
  'Laplace-Laplace': Laplace,
  'LogNormal-LogNormal': LogNormal,
  'Uniform-Uniform': Uniform,
  'OneHotCategorical-OneHotCategorical': OneHotCategorical,
};

beforeAll(async () => {
  await testing.initForTests({ seed: 23 });
});

describe('kl: continuous families', () => {
  for (const [name, D] of Object.entries(pairs)) {
    it(`${name} matches torch.distributions.kl_divergence`, () => {
      const c = cases[name]!;
      const [p, q] = [new D(c.p), new D(c.q)];
      expectClose(name, kl(p, q), c.kl);
      expect(testing.tensorsLeftBehind(() => kl(p, q))).toBe(0);
      p.dispose();
      q.dispose();
    });
  }

  it('differentiates Gamma, Beta, Dirichlet, Laplace and Uniform KLs like finite differences', () => {
    const [a, b, c, d] = [[0.5, 2, 5], [1, 0.5, 3], [1, 1.5, 4], [2, 0.7, 1]].map((v) => tf.tensor(v)) as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
    const v = { validate: false };
    expectGradientsMatch('Gamma', (w, x, y, z) => kl(new Gamma({ concentration: w!, rate: x!, ...v }), new Gamma({ concentration: y!, rate: z!, ...v })).sum(), [a, b, c, d]);
    expectGradientsMatch('Beta', (w, x, y, z) => kl(new Beta({ concentration1: w!, concentration0: x!, ...v }), new Beta({ concentration1: y!, concentration0: z!, ...v })).sum(), [a, b, c, d]);
    expectGradientsMatch('Dirichlet', (w, x) => kl(new Dirichlet({ concentration: w!, ...v }), new Dirichlet({ concentration: x!, ...v })).sum(), [a, c]);
    const loc = tf.tensor([0.5, -1, 2]);
    expectGradientsMatch('ContinuousBernoulli', (x, y) => kl(new ContinuousBernoulli({ logits: x!, ...v }), new ContinuousBernoulli({ logits: y!, ...v })).sum(), [loc, b]);
    expectGradientsMatch('LogNormal', (w, x, y, z) => kl(new LogNormal({ loc: w!, scale: x!, ...v }), new LogNormal({ loc: y!, scale: z!, ...v })).sum(), [loc, b, c, d]);
    expectGradientsMatch('Laplace', (w, x, y, z) => kl(new Laplace({ loc: w!, scale: x!, ...v }), new Laplace({ loc: y!, scale: z!, ...v })).sum(), [loc, b, c, d]);
    const [low, high] = [tf.tensor([0, -1, 0]), tf.tensor([1, 1, 2])];
    const [qLow, qHigh] = [tf.tensor([-1, -2, -0.5]), tf.tensor([2, 1.5, 3])];
    expectGradientsMatch('Uniform', (w, x, y, z) => kl(new Uniform({ low: w!, high: x!, ...v }), new Uniform({ low: y!, high: z!, ...v })).sum(), [low, high, qLow, qHigh]);
    tf.dispose([a, b, c, d, loc, low, high, qLow, qHigh]);
  });
});
