import { Generator, testing } from '@elbo/runtime';
import { describe, expect, it } from 'vitest';
import { INITIALIZERS, initDense } from './initializers.js';

// Expected standard deviation of each scheme's weights and its distribution family.
const expected: Record<(typeof INITIALIZERS)[number], { std: (fanIn: number, fanOut: number) => number; family: 'uniform' | 'normal' }> = {
  glorotUniform: { std: (i, o) => Math.sqrt(2 / (i + o)), family: 'uniform' },
  glorotNormal: { std: (i, o) => Math.sqrt(2 / (i + o)), family: 'normal' },
  heUniform: { std: (i) => Math.sqrt(2 / i), family: 'uniform' },
  heNormal: { std: (i) => Math.sqrt(2 / i), family: 'normal' },
  lecunNormal: { std: (i) => Math.sqrt(1 / i), family: 'normal' },
  pytorch: { std: (i) => 1 / Math.sqrt(3 * i), family: 'uniform' },
};

describe('initDense', () => {
  it.each(INITIALIZERS)('%s draws weights from the documented distribution (KS test, 1% level)', (scheme) => {
    const fanIn = 300;
    const fanOut = 50;
    const { kernel, bias } = initDense(scheme, fanIn, fanOut, Generator.fromSeed(11));
    expect(kernel).toHaveLength(fanIn * fanOut);
    const std = expected[scheme].std(fanIn, fanOut);
    const bound = std * Math.sqrt(3);
    const cdf =
      expected[scheme].family === 'normal'
        ? (v: number) => testing.standardNormalCdf(v / std)
        : (v: number) => Math.min(1, Math.max(0, (v + bound) / (2 * bound)));
    expect(testing.ksStatistic(kernel, cdf)).toBeLessThan(testing.ksCritical01(kernel.length));
    if (scheme === 'pytorch') {
      expect(Math.max(...bias.map(Math.abs))).toBeLessThanOrEqual(1 / Math.sqrt(fanIn));
      expect(bias.some((b) => b !== 0)).toBe(true);
    } else {
      expect(bias.every((b) => b === 0)).toBe(true);
    }
  });

  it('rejects an unknown scheme', () => {
    expect(() => initDense('ones' as never, 2, 2, Generator.fromSeed(1))).toThrow(/scheme must be one of glorotUniform/);
  });
});
