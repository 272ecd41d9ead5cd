import * as tf from '@tensorflow/tfjs';
import { testing } from '@elbo/runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectClose, expectGradientsMatch, loadFixture } from './fixture.test-helper.js';
import { digamma, lgamma, logFactorial } from './special.js';
import { lgammaScalar } from './special-scalar.js';

const ref = loadFixture<{ x: number[]; lgamma: number[]; digamma: number[] }>('special');

beforeAll(async () => {
  await testing.initForTests({ seed: 0 });
});

describe('special functions', () => {
  it('lgamma and digamma match scipy.special from 1e-3 to 1e5 (float32: |err| <= 1e-5 max(|ref|, 1))', () => {
    const x = tf.tensor(ref.x);
    expectClose('lgamma', lgamma(x), ref.lgamma);
    expectClose('digamma', digamma(x), ref.digamma);
    x.dispose();
  });

  it('the gradient of lgamma is digamma, and digamma differentiates like finite differences', () => {
    const x = tf.tensor(ref.x);
    expectClose('lgamma gradient', tf.grad((t) => lgamma(t).sum())(x), ref.digamma);
    x.dispose();
    const moderate = tf.tensor([0.3, 1, 2.5, 9]);
    expectGradientsMatch('digamma', (t) => digamma(t!).sum(), [moderate], { step: 1e-3, tolerance: 1e-2 });
    moderate.dispose();
  });

  it('logFactorial is exact below 128 and lgamma(k + 1) above; lgammaScalar agrees with SciPy', () => {
    const k = tf.tensor([0, 1, 5, 127, 128, 300.5]);
    const expected = [0, 0, Math.log(120), lgammaScalar(128), lgammaScalar(129), lgammaScalar(301.5)];
    expectClose('logFactorial', logFactorial(k), expected);
    k.dispose();
    for (let i = 0; i < ref.x.length; i++) {
      expect(Math.abs(lgammaScalar(ref.x[i]!) - ref.lgamma[i]!) / Math.max(1, Math.abs(ref.lgamma[i]!))).toBeLessThan(1e-12);
    }
  });
});
