import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Generator } from '@elbo/runtime';
import { integrateLorenz, lorenzSpikes } from './lorenz.js';

const reference = JSON.parse(
  readFileSync(new URL('../../fixtures/lorenz_reference.json', import.meta.url), 'utf8'),
) as { initial: [number, number, number]; dt: number; steps: number; states: number[] };

describe('integrateLorenz', () => {
  const worstError = (dt: number): number => {
    const every = Math.round(reference.dt / dt);
    const path = integrateLorenz({ initial: reference.initial, steps: reference.steps * every, dt });
    let worst = 0;
    for (let i = 0; i <= reference.steps; i++) {
      for (let d = 0; d < 3; d++) worst = Math.max(worst, Math.abs(path[i * every * 3 + d]! - reference.states[i * 3 + d]!));
    }
    return worst;
  };

  it('matches SciPy DOP853 (rtol 1e-12) over one time unit within 3e-4 at dt 0.01', () => {
    expect(worstError(0.01)).toBeLessThan(3e-4);
  });

  it('converges at fourth order: halving dt cuts the error by more than 12 (2^4 = 16)', () => {
    expect(worstError(0.01) / worstError(0.005)).toBeGreaterThan(12);
  });

  it('rejects a step that blows up, naming dt', () => {
    expect(() => integrateLorenz({ initial: [1, 1, 1], steps: 1000, dt: 0.5 })).toThrow(/integrateLorenz: dt/);
  });
});

describe('lorenzSpikes', () => {
  const data = lorenzSpikes({ trials: 8, bins: 200, neurons: 20, binSize: 0.01, seed: 3 });

  it('returns the documented shapes', () => {
    expect(data.shape).toEqual([8, 200, 20]);
    expect(data.latentShape).toEqual([8, 200, 3]);
    expect(data.counts.length).toBe(8 * 200 * 20);
    expect(data.latents.length).toBe(8 * 200 * 3);
    expect(data.readout.weights.length).toBe(60);
  });

  it('standardises the latents per dimension (mean 0, std 1 to 1e-5)', () => {
    for (let d = 0; d < 3; d++) {
      let s = 0;
      let ss = 0;
      const n = data.latents.length / 3;
      for (let i = 0; i < n; i++) s += data.latents[i * 3 + d]!;
      for (let i = 0; i < n; i++) ss += (data.latents[i * 3 + d]! - s / n) ** 2;
      expect(Math.abs(s / n)).toBeLessThan(1e-5);
      expect(Math.abs(Math.sqrt(ss / n) - 1)).toBeLessThan(1e-5);
    }
  });

  it('latents follow the Lorenz flow: de-standardised steps match RK4 from the previous bin', () => {
    const { mean, std } = data.standardisation;
    const raw = (i: number): [number, number, number] => [0, 1, 2].map((d) => data.latents[i * 3 + d]! * std[d]! + mean[d]!) as [number, number, number];
    const next = integrateLorenz({ initial: raw(10), steps: 1, dt: 0.01 });
    const observed = raw(11);
    // float32 storage of standardised values limits agreement to about 1e-5 relative.
    for (let d = 0; d < 3; d++) expect(Math.abs(next[3 + d]! - observed[d]!)).toBeLessThan(1e-3);
  });

  it('log-rates are linear in the latents, rates are their exponential in Hz, base rates in [3, 8] Hz', () => {
    const { weights, bias } = data.readout;
    const neurons = 20;
    for (const i of [0, 777, 1599]) {
      for (let n = 0; n < neurons; n++) {
        let expected = bias[n]!;
        for (let k = 0; k < 3; k++) expected += data.latents[i * 3 + k]! * weights[k * neurons + n]!;
        expect(data.logRates[i * neurons + n]!).toBeCloseTo(expected, 4);
        expect(data.rates[i * neurons + n]! / Math.exp(data.logRates[i * neurons + n]!)).toBeCloseTo(1, 5);
      }
    }
    for (const b of bias) {
      expect(Math.exp(b)).toBeGreaterThanOrEqual(3);
      expect(Math.exp(b)).toBeLessThanOrEqual(8);
    }
  });

  it('counts are non-negative integers whose total matches the expected count within 5 standard deviations', () => {
    let total = 0;
    let expected = 0;
    for (let i = 0; i < data.counts.length; i++) {
      const c = data.counts[i]!;
      expect(Number.isInteger(c) && c >= 0).toBe(true);
      total += c;
      expected += data.rates[i]! * 0.01;
    }
    expect(Math.abs(total - expected)).toBeLessThan(5 * Math.sqrt(expected));
  });

  it('is reproducible from a seed or an explicit generator, and differs across seeds', () => {
    const again = lorenzSpikes({ trials: 8, bins: 200, neurons: 20, binSize: 0.01, seed: 3 });
    expect(again.counts).toEqual(data.counts);
    const viaRng = lorenzSpikes({ trials: 8, bins: 200, neurons: 20, binSize: 0.01, rng: Generator.fromSeed(3) });
    expect(viaRng.counts).toEqual(data.counts);
    const other = lorenzSpikes({ trials: 8, bins: 200, neurons: 20, binSize: 0.01, seed: 4 });
    expect(other.latents).not.toEqual(data.latents);
  });

  it('names bad options', () => {
    expect(() => lorenzSpikes({ trials: 0, bins: 10, neurons: 2 })).toThrow(/lorenzSpikes: trials must be an integer >= 1, found 0/);
    expect(() => lorenzSpikes({ trials: 1, bins: 10, neurons: 2, baseRate: [8, 3] })).toThrow(/baseRate/);
    expect(() => lorenzSpikes({ trials: 1, bins: 10, neurons: 2, binSize: -1 })).toThrow(/binSize/);
  });
});
