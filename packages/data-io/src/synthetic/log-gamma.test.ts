import { describe, expect, it } from 'vitest';
import { logGamma } from './log-gamma.js';

describe('logGamma', () => {
  it('matches log((n - 1)!) for integers (relative 1e-12)', () => {
    let logFactorial = 0;
    for (let n = 1; n <= 170; n++) {
      if (n > 1) logFactorial += Math.log(n - 1);
      expect(Math.abs(logGamma(n) - logFactorial)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(logFactorial)));
    }
  });

  it('matches the closed forms at half-integers and below 1/2 (1e-12)', () => {
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12);
    expect(logGamma(1.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI) / 2), 12);
    // Γ(1/4) = 3.6256099082219083119...
    expect(logGamma(0.25)).toBeCloseTo(Math.log(3.625609908221908), 12);
  });
});
