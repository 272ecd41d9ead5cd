import { describe, expect, it } from 'vitest';
import { poissonLds } from './poisson-lds.js';

describe('poissonLds', () => {
  const data = poissonLds({ trials: 20, steps: 100, latentDim: 2, neurons: 15, binSize: 0.05, seed: 9 });

  it('log-rates are C x + bias (log Hz) and rates their exponential', () => {
    const { C, bias } = data.params;
    for (const i of [0, 555, 1999]) {
      for (let n = 0; n < 15; n++) {
        const expected = bias[n]! + C[n]![0]! * data.latents[i * 2]! + C[n]![1]! * data.latents[i * 2 + 1]!;
        expect(data.logRates[i * 15 + n]!).toBeCloseTo(expected, 4);
      }
    }
  });

  it('counts per neuron average rate * binSize within 5 standard errors', () => {
    for (let n = 0; n < 15; n++) {
      let total = 0;
      let expected = 0;
      for (let i = 0; i < 2000; i++) {
        total += data.counts[i * 15 + n]!;
        expected += data.rates[i * 15 + n]! * 0.05;
      }
      expect(Math.abs(total - expected)).toBeLessThan(5 * Math.sqrt(expected) + 1);
    }
  });

  it('names bad input', () => {
    expect(() => poissonLds({ trials: 1, steps: 1, latentDim: 1, neurons: 2, bias: [0] })).toThrow(
      /poissonLds: bias must be a vector of 2 finite numbers/,
    );
  });
});
