import { Generator, testing } from '@elbo/runtime';
import { describe, expect, it } from 'vitest';
import { KernelArray } from './kernel-array.js';
import { sampleBernoulli, sampleNormal, samplePoisson, sampleUniform } from './random.js';

const SEED = 0x1234_5678_9abcn;

describe('uniform draws', () => {
  it('are the TypeScript generator stream bit for bit, for any length and counter', () => {
    // 2^32 - 43 and 2^32 - 16: the low counter word wraps in a later group of eight blocks, mid-group and at its start.
    for (const counter of [0, 7, 2 ** 32 - 2, 2 ** 32 - 43, 2 ** 32 - 16, 2 ** 40 + 5]) {
      for (const n of [1, 3, 4, 15, 16, 17, 64, 100_003]) {
        const base = Generator.fromSeed(SEED);
        const state = { key: base.key, counter };
        const ours = new Generator(state);
        const theirs = new Generator(state);
        expect(Array.from(sampleUniform(new Float32Array(n), ours))).toEqual(Array.from(theirs.uniformArray(n)));
        expect(ours.counter).toBe(theirs.counter);
      }
    }
  });

  it('leave the generator where the TypeScript stream continues', () => {
    const ours = Generator.fromSeed(3);
    const theirs = Generator.fromSeed(3);
    sampleUniform(new Float32Array(10), ours);
    theirs.uniformArray(10);
    expect(Array.from(ours.normalArray(9))).toEqual(Array.from(theirs.normalArray(9)));
  });
});

describe('normal draws', () => {
  it('are within 1e-6 max(1, |x|) of the float64 TypeScript path on 1e6 draws', () => {
    const n = 1_000_000;
    const ours = sampleNormal(new Float32Array(n), Generator.fromSeed(SEED));
    const theirs = Generator.fromSeed(SEED).fillNormal(new Float64Array(n));
    let worst = 0;
    for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(ours[i]! - theirs[i]!) / Math.max(1, Math.abs(theirs[i]!)));
    expect(worst).toBeLessThan(1e-6);
  });

  it('give odd lengths the prefix of the even stream and advance by whole blocks', () => {
    const g = Generator.fromSeed(9);
    const odd = sampleNormal(new Float32Array(7), g);
    expect(g.counter).toBe(2);
    const even = sampleNormal(new Float32Array(8), Generator.fromSeed(9));
    expect(Array.from(odd)).toEqual(Array.from(even.subarray(0, 7)));
  });

  it('are the same in a KernelArray (in place) as in a Float32Array (copied)', () => {
    const plain = sampleNormal(new Float32Array(1001), Generator.fromSeed(4));
    const inPlace = sampleNormal(new KernelArray(1001), Generator.fromSeed(4));
    expect(Array.from(inPlace.array)).toEqual(Array.from(plain));
    inPlace.free();
  });

  it('have mean 0, variance 1 and pass a KS test at the 1% level on 1e6 draws', () => {
    const n = 1_000_000;
    const x = sampleNormal(new Float32Array(n), Generator.fromSeed(11));
    const { mean, variance } = testing.meanAndVariance(x);
    expect(Math.abs(mean)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(variance - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    expect(testing.ksStatistic(x, testing.standardNormalCdf)).toBeLessThan(testing.ksCritical01(n));
  });
});

describe('Bernoulli draws', () => {
  it('are u_i < p_i for the TypeScript uniforms, with one p or one per draw', () => {
    const n = 1003;
    const u = Generator.fromSeed(5).uniformArray(n);
    const one = sampleBernoulli(new Float32Array(n), 0.3, Generator.fromSeed(5));
    expect(Array.from(one)).toEqual(Array.from(u, (x) => (x < 0.3 ? 1 : 0)));
    const probs = Float32Array.from({ length: n }, (_, i) => i / (n - 1));
    const each = sampleBernoulli(new Float32Array(n), probs, Generator.fromSeed(5));
    expect(Array.from(each)).toEqual(Array.from(u, (x, i) => (x < probs[i]! ? 1 : 0)));
  });

  it('have mean p on 1e6 draws', () => {
    const n = 1_000_000;
    const x = sampleBernoulli(new Float32Array(n), 0.2, Generator.fromSeed(6));
    const { mean } = testing.meanAndVariance(x);
    expect(Math.abs(mean - 0.2)).toBeLessThan(5 * Math.sqrt(0.16 / n));
  });
});

describe('Poisson draws', () => {
  it.each([1e-3, 0.1, 1, 4.5, 9.99, 10, 31.6, 1000])('match mean and variance for rate %f', (rate) => {
    const n = 200_000;
    const x = samplePoisson(new Float32Array(n), rate, Generator.fromSeed(Math.round(rate * 1000)));
    expect(x.every((v) => Number.isInteger(v) && v >= 0)).toBe(true);
    const { mean, variance } = testing.meanAndVariance(x);
    // Standard errors of the sample mean and variance of Poisson(rate) draws.
    expect(Math.abs(mean - rate)).toBeLessThan(5 * Math.sqrt(rate / n));
    expect(Math.abs(variance - rate)).toBeLessThan(5 * Math.sqrt((rate + 2 * rate * rate) / n));
  });

  it('take one block per draw and accept a rate per draw', () => {
    const g = Generator.fromSeed(2);
    const rates = Float32Array.from([0, 0.5, 50, 3, 0, 1e3]);
    const x = samplePoisson(new Float32Array(6), rates, g);
    expect(g.counter).toBe(6);
    expect(x[0]).toBe(0);
    expect(x[4]).toBe(0);
    expect(Math.abs(x[5]! - 1e3)).toBeLessThan(200);
  });
});

describe('bad input', () => {
  it('is rejected with messages naming the argument', () => {
    const out = new Float32Array(4);
    expect(() => sampleBernoulli(out, Float32Array.from([0.1, NaN, 0.2, 0.3]))).toThrow(
      'sampleBernoulli: probs[1] must be in [0, 1], found NaN',
    );
    expect(() => sampleBernoulli(out, 1.5)).toThrow('sampleBernoulli: probs must be in [0, 1], found 1.5');
    expect(() => samplePoisson(out, Float32Array.from([1, 2, -1, 0]))).toThrow(
      'samplePoisson: rates[2] must be finite and >= 0, found -1',
    );
    expect(() => samplePoisson(out, new Float32Array(3))).toThrow("samplePoisson: rates's length must be 4 (the length of out) or 1, found 3");
    expect(() => sampleNormal([1, 2] as never)).toThrow('sampleNormal: out must be a Float32Array or KernelArray, found [1, 2]');
    expect(() => sampleNormal(out, {} as never)).toThrow('sampleNormal: rng must be a Generator from @elbo/runtime, found an object');
    const freed = new KernelArray(4);
    freed.free();
    expect(() => sampleUniform(freed)).toThrow('sampleUniform: out must be a live KernelArray, found a freed KernelArray');
  });

  it('leaves the generator untouched when it rejects', () => {
    const g = Generator.fromSeed(1);
    expect(() => samplePoisson(new Float32Array(4), NaN, g)).toThrow();
    expect(g.counter).toBe(0);
  });
});
