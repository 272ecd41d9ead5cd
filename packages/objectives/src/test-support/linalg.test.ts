import { describe, expect, it } from 'vitest';
import { cholesky, gaussianKl, gaussianLogDensity, identity, inverseSpd, logDetSpd, matMul, transpose } from './linalg.js';

// Checks of the oracles' own building blocks against hand-computed values.
describe('float64 linear algebra for the oracles', () => {
  const a = [
    [4, 2, 0.6],
    [2, 5, 1],
    [0.6, 1, 3],
  ];

  it('factors, inverts and takes log-determinants', () => {
    const l = cholesky(a);
    const back = matMul(l, transpose(l));
    back.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(a[i]![j]!, 12)));
    const product = matMul(a, inverseSpd(a));
    product.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(identity(3)[i]![j]!, 12)));
    // det by cofactor expansion: 4(15-1) - 2(6-0.6) + 0.6(2-3) = 56 - 10.8 - 0.6 = 44.6
    expect(logDetSpd(a)).toBeCloseTo(Math.log(44.6), 12);
  });

  it('gives the univariate Gaussian density and KL in one dimension', () => {
    expect(gaussianLogDensity([1.3], [0.5], [[4]])).toBeCloseTo(-0.5 * Math.log(2 * Math.PI * 4) - 0.64 / 8, 12);
    // KL[N(0.5, 4) || N(-1, 2.25)] = log(1.5/2) + (4 + 2.25)/(2 * 2.25) - 1/2
    expect(gaussianKl([0.5], [[4]], [-1], [[2.25]])).toBeCloseTo(Math.log(1.5 / 2) + 6.25 / 4.5 - 0.5, 12);
  });
});
