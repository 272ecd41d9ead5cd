import { Generator } from '@elbo/runtime';
import { describe, expect, it } from 'vitest';
import { KernelArray } from './kernel-array.js';
import { klDiagNormal, klStandardNormal } from './kl.js';
import { sampleNormal } from './random.js';
import { reparameterize, reparameterizeBackward, sampleWithKl, sampleWithKlBackward } from './sample.js';

function params(n: number, seed: number): { mu: Float32Array; logvar: Float32Array } {
  const g = Generator.fromSeed(seed);
  return { mu: g.normalArray(n).map((x) => 1.5 * x), logvar: g.normalArray(n).map((x) => x - 0.5) };
}

describe('reparameterize', () => {
  it('computes mu + exp(logvar / 2) eps within float32 rounding of the float64 value', () => {
    const { mu, logvar } = params(1001, 1);
    const eps = Generator.fromSeed(2).normalArray(1001);
    const z = reparameterize(mu, logvar, eps, new Float32Array(1001));
    let worst = 0;
    for (let i = 0; i < 1001; i++) {
      const term = Math.exp(logvar[i]! / 2) * eps[i]!;
      worst = Math.max(worst, Math.abs(z[i]! - (mu[i]! + term)) / (Math.abs(mu[i]!) + Math.abs(term)));
    }
    expect(worst).toBeLessThan(3e-7);
  });

  it('has the backward pass gradZ exp(logvar / 2) eps / 2', () => {
    const { mu, logvar } = params(77, 3);
    const eps = Generator.fromSeed(4).normalArray(77);
    const gradLogvar = reparameterizeBackward(logvar, eps, mu, new Float32Array(77));
    const expected = Array.from(logvar, (l, i) => (mu[i]! * Math.exp(l / 2) * eps[i]!) / 2);
    for (let i = 0; i < 77; i++) expect(Math.abs(gradLogvar[i]! - expected[i]!)).toBeLessThan(3e-7 * Math.abs(expected[i]!) + 1e-30);
  });
});

describe('sampleWithKl', () => {
  it('draws z exactly as reparameterize(mu, logvar, sampleNormal) and the KL of klStandardNormal', () => {
    for (const n of [1, 5, 16, 33, 1000]) {
      const { mu, logvar } = params(n, n);
      const g = Generator.fromSeed(7);
      const z = new Float32Array(n);
      const kl = new Float32Array(n);
      const eps = new Float32Array(n);
      const total = sampleWithKl(mu, logvar, { z, kl, eps, rng: g });
      const g2 = Generator.fromSeed(7);
      const eps2 = sampleNormal(new Float32Array(n), g2);
      expect(Array.from(eps)).toEqual(Array.from(eps2));
      expect(Array.from(z)).toEqual(Array.from(reparameterize(mu, logvar, eps2, new Float32Array(n))));
      const kl2 = new Float32Array(n);
      expect(total).toBe(klStandardNormal(mu, logvar, { out: kl2 }));
      expect(Array.from(kl)).toEqual(Array.from(kl2));
      expect(g.counter).toBe(g2.counter);
    }
  });

  it('draws eps within 1e-6 of the TypeScript normals and sums the KL of 4e6 elements within 1e-6', () => {
    const n = 4_000_000;
    const { mu, logvar } = params(n, 8);
    const z = new KernelArray(n);
    const eps = new KernelArray(n);
    const total = sampleWithKl(mu, logvar, { z, eps, rng: Generator.fromSeed(9) });
    const ref = Generator.fromSeed(9).fillNormal(new Float64Array(n));
    let expected = 0;
    let worstEps = 0;
    const e = eps.array;
    for (let i = 0; i < n; i++) {
      const v = Math.exp(logvar[i]!);
      expected += 0.5 * (v + mu[i]! ** 2 - 1 - logvar[i]!);
      worstEps = Math.max(worstEps, Math.abs(e[i]! - ref[i]!) / Math.max(1, Math.abs(ref[i]!)));
    }
    expect(worstEps).toBeLessThan(1e-6);
    expect(Math.abs(total - expected) / expected).toBeLessThan(1e-6);
    z.free();
    eps.free();
  });

  it('gives the same bits where logvar / 2 leaves exp\'s plain range (the fast groups fall back)', () => {
    const n = 100;
    const { mu, logvar } = params(n, 21);
    // Overflow to +Infinity, underflow to 0, and the edges of [-86.98, 88.72283], in different groups of sixteen.
    Object.assign(logvar, { 3: 300, 20: -300, 37: 177.46, 50: 177.44, 70: -173.97, 90: -173.95 });
    const z = new Float32Array(n);
    const kl = new Float32Array(n);
    const eps = new Float32Array(n);
    const total = sampleWithKl(mu, logvar, { z, kl, eps, rng: Generator.fromSeed(22) });
    expect(Array.from(z)).toEqual(Array.from(reparameterize(mu, logvar, eps, new Float32Array(n))));
    const kl2 = new Float32Array(n);
    expect(total).toBe(klStandardNormal(mu, logvar, { out: kl2 }));
    expect(total).toBe(Infinity);
    expect(Array.from(kl)).toEqual(Array.from(kl2));
  });

  it('uses a diagonal prior when given one', () => {
    const q = params(50, 10);
    const p = params(50, 11);
    const kl = new Float32Array(50);
    const total = sampleWithKl(q.mu, q.logvar, { z: new Float32Array(50), kl, prior: p, rng: Generator.fromSeed(1) });
    const kl2 = new Float32Array(50);
    expect(total).toBe(klDiagNormal(q, p, { out: kl2 }));
    expect(Array.from(kl)).toEqual(Array.from(kl2));
  });
});

describe('sampleWithKlBackward', () => {
  it('gives gz + g dKL/dmu and gz sigma eps / 2 + g dKL/dlogvar against N(0, I)', () => {
    const n = 203;
    const { mu, logvar } = params(n, 12);
    const eps = Generator.fromSeed(13).normalArray(n);
    const gradZ = Generator.fromSeed(14).normalArray(n);
    const gradMu = new Float32Array(n);
    const gradLogvar = new Float32Array(n);
    sampleWithKlBackward({ mu, logvar, eps, gradZ, weight: 0.5, gradMu, gradLogvar });
    for (let i = 0; i < n; i++) {
      const s = Math.exp(logvar[i]! / 2);
      const gm = gradZ[i]! + 0.5 * mu[i]!;
      const gl = (gradZ[i]! * s * eps[i]!) / 2 + 0.5 * 0.5 * (s * s - 1);
      const scale = Math.abs(gradZ[i]!) + Math.abs(mu[i]!) + Math.abs(gradZ[i]! * s * eps[i]!) + s * s + 1;
      expect(Math.abs(gradMu[i]! - gm) / scale).toBeLessThan(3e-7);
      expect(Math.abs(gradLogvar[i]! - gl) / scale).toBeLessThan(3e-7);
    }
  });

  it('gives the same bits in its N(0, I), one-weight loop as in its general one, in and out of exp\'s plain range', () => {
    const n = 100;
    const { mu, logvar } = params(n, 23);
    Object.assign(logvar, { 3: 300, 20: -300, 37: 177.46, 50: 177.44, 70: -173.97, 90: -173.95 });
    const eps = Generator.fromSeed(24).normalArray(n);
    const gradZ = Generator.fromSeed(25).normalArray(n);
    const gradMu = new Float32Array(n);
    const gradLogvar = new Float32Array(n);
    const gradMu2 = new Float32Array(n);
    const gradLogvar2 = new Float32Array(n);
    sampleWithKlBackward({ mu, logvar, eps, gradZ, weight: 0.25, gradMu, gradLogvar });
    // A per-element gradKl takes the general loop.
    sampleWithKlBackward({ mu, logvar, eps, gradZ, gradKl: new Float32Array(n).fill(0.25), gradMu: gradMu2, gradLogvar: gradLogvar2 });
    expect(Array.from(gradMu)).toEqual(Array.from(gradMu2));
    expect(Array.from(gradLogvar)).toEqual(Array.from(gradLogvar2));
    expect(gradLogvar[3]).toBe(Infinity);
  });

  it('gives the prior-KL gradients, including the prior parameters, with gradKl per element', () => {
    const n = 67;
    const q = params(n, 15);
    const p = params(n, 16);
    const eps = Generator.fromSeed(17).normalArray(n);
    const gradKl = Generator.fromSeed(18).uniformArray(n);
    const out = [0, 1, 2, 3].map(() => new Float32Array(n));
    sampleWithKlBackward({
      mu: q.mu, logvar: q.logvar, eps, prior: p, gradKl,
      gradMu: out[0]!, gradLogvar: out[1]!, gradPriorMu: out[2]!, gradPriorLogvar: out[3]!,
    });
    for (let i = 0; i < n; i++) {
      const v1 = Math.exp(q.logvar[i]!);
      const v2 = Math.exp(p.logvar[i]!);
      const d = q.mu[i]! - p.mu[i]!;
      const g = gradKl[i]!;
      const expected = [g * d / v2, g * (-0.5 + v1 / (2 * v2)), -g * d / v2, g * (0.5 - (v1 + d * d) / (2 * v2))];
      const scale = g * (Math.abs(d) / v2 + v1 / v2 + (d * d) / v2 + 1);
      for (let k = 0; k < 4; k++) expect(Math.abs(out[k]![i]! - expected[k]!) / scale).toBeLessThan(5e-7);
    }
  });
});

describe('bad input', () => {
  it('is rejected with messages naming the argument, and the generator does not move', () => {
    const a = Float32Array.from([0, 1, 2]);
    const g = Generator.fromSeed(1);
    expect(() => sampleWithKl(a, Float32Array.from([0, NaN, 1]), { z: new Float32Array(3), rng: g })).toThrow(
      'sampleWithKl: logvar[1] must be finite, found NaN',
    );
    expect(g.counter).toBe(0);
    expect(() => sampleWithKl(a, a, { z: new Float32Array(4), rng: g })).toThrow("sampleWithKl: z's length must be 3 (the length of mu), found 4");
    expect(() => sampleWithKl(a, a, {} as never)).toThrow('sampleWithKl: z must be an output array, found undefined');
    expect(() => reparameterize(a, a, Float32Array.from([1, 2]), new Float32Array(3))).toThrow(
      "reparameterize: eps's length must be 3 (the length of mu), found 2",
    );
    expect(() =>
      sampleWithKlBackward({ mu: a, logvar: a, eps: a, gradZ: Float32Array.from([0, 0, NaN]), gradMu: a.slice(), gradLogvar: a.slice() }),
    ).toThrow('sampleWithKlBackward: gradZ[2] must be a number, found NaN');
  });
});
