import { describe, expect, it } from 'vitest';
import { binSpikes } from './bin-spikes.js';
import { resampleToBins } from './resample-to-bins.js';

describe('resampleToBins', () => {
  // A linear signal x(t) = (2t + 1, -t) sampled at 1 kHz: the mean over a bin of whole
  // samples and the value at the bin centre are both closed forms.
  const timestamps = Float64Array.from({ length: 5000 }, (_, i) => i / 1000);
  const data = new Float64Array(10_000);
  timestamps.forEach((t, i) => {
    data[2 * i] = 2 * t + 1;
    data[2 * i + 1] = -t;
  });

  it('interpolates at bin centres exactly for a linear signal (1e-5)', () => {
    const bins = binSpikes([Float64Array.of(1)], { trials: [1, 2.5], window: [-0.2, 0.3], binSize: 0.05 });
    const out = resampleToBins({ data, timestamps }, bins, { method: 'interpolate' });
    expect(out.shape).toEqual([2, 10, 2]);
    for (let t = 0; t < 2; t++) {
      for (let b = 0; b < 10; b++) {
        const centre = [1, 2.5][t]! - 0.2 + (b + 0.5) * 0.05;
        expect(out.data[(t * 10 + b) * 2]!).toBeCloseTo(2 * centre + 1, 5);
        expect(out.data[(t * 10 + b) * 2 + 1]!).toBeCloseTo(-centre, 5);
      }
    }
  });

  it('averages the samples inside each bin: for a linear signal, the value at the bin centre (1e-5)', () => {
    // Samples half-way between milliseconds, so none sits on a bin edge: each 20 ms bin
    // holds 20 samples centred on the bin centre.
    const shifted = timestamps.map((t) => t + 0.0005);
    const bins = binSpikes([Float64Array.of(1)], { start: 0.1, stop: 0.2, binSize: 0.02 });
    const out = resampleToBins({ data, timestamps: shifted }, bins);
    for (let b = 0; b < 5; b++) {
      const centre = 0.11 + 0.02 * b;
      // data holds 2 t + 1 at t = shifted time - 0.0005.
      expect(out.data[b * 2]!).toBeCloseTo(2 * (centre - 0.0005) + 1, 5);
    }
  });

  it('refuses bins outside the signal and unsorted timestamps', () => {
    const bins = binSpikes([Float64Array.of(1)], { trials: [4.9], window: [0, 0.5], binSize: 0.1 });
    expect(() => resampleToBins({ data, timestamps }, bins)).toThrow(/resampleToBins: bin 1 of trial 0 must be inside the signal's time range/);
    expect(() => resampleToBins({ data: [1, 2, 3], timestamps: [0, 2, 1] }, bins)).toThrow(/series\.timestamps\[2\] must be finite and strictly increasing/);
  });
});
