import { testing } from '@elbo/runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import { Bernoulli } from './bernoulli.js';
import { Beta } from './beta.js';
import { ContinuousBernoulli } from './continuous-bernoulli.js';
import type { Distribution } from './distribution.js';
import { Gamma } from './gamma.js';
import { kl } from './kl.js';
import { Laplace } from './laplace.js';
import { LogNormal } from './log-normal.js';
import { NegativeBinomial } from './negative-binomial.js';
import { Normal } from './normal.js';
import { Poisson } from './poisson.js';
import { StudentT } from './student-t.js';
import { Uniform } from './uniform.js';

beforeAll(async () => {
  await testing.initForTests({ seed: 25 });
});

describe('kl: support mismatch', () => {
  it('is +Infinity, of the broadcast batch shape, when p has mass where q has none', () => {
    const real: Distribution[] = [new Normal({ loc: [0, 1], scale: 1 }), new Laplace({ loc: [0, 1], scale: 1 }), new StudentT({ df: 3, loc: [0, 1], scale: 1 })];
    const positive: Distribution[] = [new Gamma({ concentration: [2, 3], rate: 1 }), new LogNormal({ loc: [0, 1], scale: 1 })];
    const bounded: Distribution[] = [new Beta({ concentration1: [2, 3], concentration0: 1 }), new Uniform({ low: [0, 0], high: 1 }), new ContinuousBernoulli({ logits: [0, 1] })];
    const counts: Distribution[] = [new Poisson({ rate: [1, 2] }), new NegativeBinomial({ totalCount: 2, logits: [0, 1] })];
    const pairs: Array<[Distribution[], Distribution[]]> = [
      [real, [...positive, ...bounded]],
      [positive, bounded],
      [counts, [new Bernoulli({ logits: [0, 1] })]],
    ];
    let checked = 0;
    for (const [ps, qs] of pairs) {
      for (const p of ps) {
        for (const q of qs) {
          const v = kl(p, q);
          expect(v.shape, `${p.name} || ${q.name}`).toEqual([2]);
          expect(Array.from(v.dataSync()), `${p.name} || ${q.name}`).toEqual([Infinity, Infinity]);
          v.dispose();
          checked++;
        }
      }
    }
    expect(checked).toBe(23);
    [...real, ...positive, ...bounded, ...counts].forEach((d) => d.dispose());
  });
});
