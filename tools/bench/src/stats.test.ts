import { describe, expect, it } from 'vitest';
import { median, ratio, summarize } from './stats.js';

describe('median', () => {
  it('takes the middle value of an odd count and the mean of the middle two of an even count', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
  it('refuses an empty list', () => {
    expect(() => median([])).toThrow(/no values/);
  });
});

describe('summarize', () => {
  it('reports median, extremes, mean and relative spread', () => {
    const s = summarize([10, 12, 8, 11, 9]);
    expect(s).toEqual({ repetitions: 5, median: 10, min: 8, max: 12, mean: 10, relativeSpread: 0.4 });
  });
  it('refuses non-finite measurements instead of reporting them', () => {
    expect(() => summarize([1, Number.NaN])).toThrow(/non-finite/);
    expect(() => summarize([1, Number.POSITIVE_INFINITY])).toThrow(/non-finite/);
  });
});

describe('ratio', () => {
  it('divides medians and bounds the ratio by the extremes of both sides', () => {
    const r = ratio(summarize([90, 100, 110]), summarize([40, 50, 60]));
    expect(r.median).toBe(2);
    expect(r.low).toBeCloseTo(90 / 60, 12);
    expect(r.high).toBeCloseTo(110 / 40, 12);
  });
});
