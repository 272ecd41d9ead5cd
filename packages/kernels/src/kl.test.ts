import { Generator } from '@elbo/runtime';
import { describe, expect, it } from 'vitest';
import { KernelArray } from './kernel-array.js';
import { klDiagNormal, klDiagNormalGrad, klStandardNormal, klStandardNormalGrad } from './kl.js';

// Float64 references, written in the scale form (the kernels use log-variances):
// KL[N(m1, s1^2) || N(m2, s2^2)] = log(s2 / s1) + (s1^2 + (m1 - m2)^2) / (2 s2^2) - 1/2.
function klRef(m1: number, lv1: number, m2: number, lv2: number): number {
  const s1 = Math.exp(lv1 / 2);
  const s2 = Math.exp(lv2 / 2);
  return Math.log(s2 / s1) + (s1 * s1 + (m1 - m2) ** 2) / (2 * s2 * s2) - 0.5;
}

// Its partial derivatives, from the scale form by hand.
function klRefGrad(m1: number, lv1: number, m2: number, lv2: number): [number, number, number, number] {
  const v1 = Math.exp(lv1);
  const v2 = Math.exp(lv2);
  const dm = (m1 - m2) / v2;
  return [dm, -0.5 + v1 / (2 * v2), -dm, 0.5 - (v1 + (m1 - m2) ** 2) / (2 * v2)];
}

/** Gaussian parameters from the seeded stream: mu ~ N(0, 1.5^2), logvar ~ N(-0.5, 1). */
function params(n: number, seed: number): { mu: Float32Array; logvar: Float32Array } {
  const g = Generator.fromSeed(seed);
  const mu = g.normalArray(n).map((x) => 1.5 * x);
  const logvar = g.normalArray(n).map((x) => x - 0.5);
  return { mu, logvar };
}

/** Largest error relative to the magnitude of the terms that float32 cancels. */
function worstScaled(actual: ArrayLike<number>, expected: ArrayLike<number>, scale: (i: number) => number): number {
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!) / scale(i));
  return worst;
}

describe('KL against N(0, I)', () => {
  it('sums 4e6 elements within 1e-6 of the float64 reference', () => {
    const n = 4_000_000;
    const { mu, logvar } = params(n, 1);
    let expected = 0;
    for (let i = 0; i < n; i++) expected += klRef(mu[i]!, logvar[i]!, 0, 0);
    const total = klStandardNormal(mu, logvar);
    expect(Math.abs(total - expected) / expected).toBeLessThan(1e-6);
  });

  it('gives the same bits in groups where logvar / 2 leaves exp\'s plain range (the fast groups fall back)', () => {
    const n = 100;
    const { mu, logvar } = params(n, 5);
    // Overflow, underflow, and the edges of [-86.98, 88.72283], in different groups of sixteen.
    Object.assign(logvar, { 3: 300, 20: -300, 37: 177.46, 50: 177.44, 70: -173.97, 90: -173.95 });
    const out = new Float32Array(n);
    expect(klStandardNormal(mu, logvar, { out })).toBe(Infinity);
    // One element at a time takes the plain exp.
    const single = Array.from(mu, (m, i) => klStandardNormal(Float32Array.of(m), Float32Array.of(logvar[i]!)));
    expect(Array.from(out)).toEqual(single);
  });

  it('sums the same bits without out as with it and as klStandardNormalGrad, in and out of exp\'s plain range', () => {
    // 203 = 3 blocks of 64 (the no-out loop's four groups a turn) + 11 (two vectors and a
    // partial one); 93 = 64 + one group of 16 + 13.
    for (const n of [203, 93]) {
      const { mu, logvar } = params(n, 6);
      // Underflow of e^(logvar / 2), both sides of the range edge and a large e^logvar.
      Object.assign(logvar, { 5: -300, 70: -173.97, 71: -173.95, 140: 80, 150: -173.96 });
      const out = new Float32Array(n);
      const withOut = klStandardNormal(mu, logvar, { out });
      expect(Number.isFinite(withOut)).toBe(true);
      expect(klStandardNormal(mu, logvar)).toBe(withOut);
      const grad = klStandardNormalGrad(mu, logvar, { gradMu: new Float32Array(n), gradLogvar: new Float32Array(n) });
      expect(grad).toBe(withOut);
      const single = Array.from(mu, (m, i) => klStandardNormal(Float32Array.of(m), Float32Array.of(logvar[i]!)));
      expect(Array.from(out)).toEqual(single);
    }
  });

  it('is elementwise within float32 rounding of the terms, and has the closed-form gradients', () => {
    const n = 10_001;
    const { mu, logvar } = params(n, 2);
    const out = new Float32Array(n);
    const gradMu = new Float32Array(n);
    const gradLogvar = new Float32Array(n);
    const total = klStandardNormalGrad(mu, logvar, { weight: 2, out, gradMu, gradLogvar });
    const scale = (i: number): number => Math.exp(logvar[i]!) + mu[i]! ** 2 + Math.abs(logvar[i]!) + 1;
    expect(worstScaled(out, Array.from(mu, (m, i) => klRef(m, logvar[i]!, 0, 0)), scale)).toBeLessThan(5e-7);
    expect(Math.abs(total - klStandardNormal(mu, logvar))).toBe(0);
    expect(worstScaled(gradMu, Array.from(mu, (m) => 2 * m), (i) => Math.abs(mu[i]!) + 1e-30)).toBeLessThan(1e-7);
    const dLogvar = Array.from(logvar, (l) => 2 * 0.5 * (Math.exp(l) - 1));
    expect(worstScaled(gradLogvar, dLogvar, (i) => Math.exp(logvar[i]!) + 1)).toBeLessThan(5e-7);
  });

  it('takes an upstream gradient per element and matches central finite differences', () => {
    const mu = Float32Array.from([-2, -0.5, 0, 0.3, 1.7, 4]);
    const logvar = Float32Array.from([-3, -1, 0, 0.5, 2, -0.2]);
    const gradKl = Float32Array.from([1, 0.5, -1, 2, 0.25, 3]);
    const gradMu = new Float32Array(6);
    const gradLogvar = new Float32Array(6);
    klStandardNormalGrad(mu, logvar, { gradKl, gradMu, gradLogvar });
    const weighted = (m: Float32Array, l: Float32Array): number => {
      const out = new Float32Array(6);
      klStandardNormal(m, l, { out });
      return out.reduce((s, x, i) => s + x * gradKl[i]!, 0);
    };
    for (const [which, analytic] of [
      ['mu', gradMu],
      ['logvar', gradLogvar],
    ] as const) {
      for (let i = 0; i < 6; i++) {
        const shifted = (h: number): number => {
          const m = mu.slice();
          const l = logvar.slice();
          (which === 'mu' ? m : l)[i]! += h;
          return weighted(m, l);
        };
        const numeric = (shifted(1e-2) - shifted(-1e-2)) / 2e-2;
        expect(Math.abs(analytic[i]! - numeric)).toBeLessThan(2e-3 * Math.max(1, Math.abs(numeric)));
      }
    }
  });
});

describe('KL between diagonal Gaussians', () => {
  it('sums 4e6 elements within 1e-6 of the float64 reference', () => {
    const n = 4_000_000;
    const q = params(n, 3);
    const p = params(n, 4);
    let expected = 0;
    for (let i = 0; i < n; i++) expected += klRef(q.mu[i]!, q.logvar[i]!, p.mu[i]!, p.logvar[i]!);
    const total = klDiagNormal(q, p);
    expect(Math.abs(total - expected) / expected).toBeLessThan(1e-6);
  });

  it('has the closed-form gradients in all four parameters, in one pass with the KL', () => {
    const n = 4099;
    const q = params(n, 5);
    const p = params(n, 6);
    const grads = [0, 1, 2, 3].map(() => new Float32Array(n));
    const out = new Float32Array(n);
    klDiagNormalGrad(q, p, { out, gradQMu: grads[0]!, gradQLogvar: grads[1]!, gradPMu: grads[2]!, gradPLogvar: grads[3]! });
    const scale = (i: number): number =>
      (Math.exp(q.logvar[i]! - p.logvar[i]!) + (q.mu[i]! - p.mu[i]!) ** 2 * Math.exp(-p.logvar[i]!) + Math.abs(q.logvar[i]! - p.logvar[i]!) + 1);
    const reference = Array.from(q.mu, (m, i) => klRef(m, q.logvar[i]!, p.mu[i]!, p.logvar[i]!));
    expect(worstScaled(out, reference, scale)).toBeLessThan(5e-7);
    const refGrads = Array.from(q.mu, (m, i) => klRefGrad(m, q.logvar[i]!, p.mu[i]!, p.logvar[i]!));
    for (let k = 0; k < 4; k++) {
      expect(worstScaled(grads[k]!, refGrads.map((g) => g[k]!), scale)).toBeLessThan(5e-7);
    }
  });

  it('stays exact for equal distributions with log-variances of +/-60', () => {
    const q = { mu: Float32Array.from([0, 1]), logvar: Float32Array.from([-60, 60]) };
    const out = new Float32Array(2);
    expect(klDiagNormal(q, q, { out })).toBe(0);
    expect(Array.from(out)).toEqual([0, 0]);
  });

  it('works in place on KernelArrays with the same results', () => {
    const q = params(37, 7);
    const p = params(37, 8);
    const plain = new Float32Array(37);
    klDiagNormal(q, p, { out: plain });
    const k = [q.mu, q.logvar, p.mu, p.logvar].map((a) => KernelArray.from(a));
    const out = new KernelArray(37);
    klDiagNormal({ mu: k[0]!, logvar: k[1]! }, { mu: k[2]!, logvar: k[3]! }, { out });
    expect(Array.from(out.array)).toEqual(Array.from(plain));
    [...k, out].forEach((a) => a.free());
  });
});

describe('edge cases', () => {
  it('returns 0 for empty arrays and +Infinity (not an error) when exp(logvar) overflows', () => {
    const empty = new Float32Array(0);
    expect(klStandardNormal(empty, empty)).toBe(0);
    expect(klDiagNormal({ mu: empty, logvar: empty }, { mu: empty, logvar: empty })).toBe(0);
    expect(klStandardNormal(Float32Array.of(0), Float32Array.of(100))).toBe(Infinity);
  });
});

describe('bad input', () => {
  it('is rejected with messages naming the argument', () => {
    const a = Float32Array.from([0, 1, 2]);
    const b = Float32Array.from([0, 1]);
    expect(() => klStandardNormal(a, b)).toThrow("klStandardNormal: logvar's length must be 3 (the length of mu), found 2");
    expect(() => klStandardNormal(a, Float32Array.from([0, NaN, 0]))).toThrow('klStandardNormal: logvar[1] must be finite, found NaN');
    expect(() => klStandardNormal(Float32Array.from([0, 0, Infinity]), a)).toThrow('klStandardNormal: mu[2] must be finite, found Infinity');
    expect(() => klDiagNormal({ mu: a, logvar: a }, { mu: a, logvar: b })).toThrow(
      "klDiagNormal: p.logvar's length must be 3 (the length of q.mu), found 2",
    );
    expect(() => klDiagNormal({ mu: a, logvar: a }, { mu: Float32Array.from([NaN, 0, 0]), logvar: a })).toThrow(
      'klDiagNormal: p.mu[0] must be finite, found NaN',
    );
    expect(() => klStandardNormal(a, a, { out: new Float32Array(2) })).toThrow("klStandardNormal: out's length must be 3 (the length of mu), found 2");
    expect(() => klStandardNormal(Array.from(a) as never, a)).toThrow('klStandardNormal: mu must be a Float32Array or KernelArray, found [0, 1, 2]');
    expect(() => klStandardNormalGrad(a, a, { gradMu: new Float32Array(3) } as never)).toThrow(
      'klStandardNormalGrad: gradLogvar must be an output array, found undefined',
    );
    expect(() => klStandardNormalGrad(a, a, { weight: NaN, gradMu: a.slice(), gradLogvar: a.slice() })).toThrow(
      'klStandardNormalGrad: weight must be a finite number, found NaN',
    );
  });
});
