import { describe, expect, it } from 'vitest';
import { capacityAnnealing, cyclical, linearWarmup } from './schedules.js';

describe('linearWarmup', () => {
  it('ramps from `from` to `to` over `steps` steps starting at `start`', () => {
    const beta = linearWarmup({ from: 0.2, to: 1, steps: 4, start: 2 });
    const expected = [0.2, 0.2, 0.2, 0.4, 0.6, 0.8, 1, 1, 1];
    [0, 1, 2, 3, 4, 5, 6, 7, 100].forEach((step, i) => expect(beta(step)).toBeCloseTo(expected[i]!, 12));
    const plain = linearWarmup({ steps: 10 });
    expect(plain(0)).toBe(0);
    expect(plain(2.5)).toBe(0.25);
    expect(plain(10)).toBe(1);
  });

  it('names bad options and steps', () => {
    expect(() => linearWarmup({ steps: 0 })).toThrow('linearWarmup: steps must be a positive integer, found 0');
    expect(() => linearWarmup({ steps: 3, to: NaN })).toThrow('linearWarmup: to must be a finite number, found NaN');
    expect(() => linearWarmup({ steps: 3 })(-1)).toThrow('linearWarmup schedule: step must be a finite number >= 0, found -1');
  });
});

describe('cyclical', () => {
  it('repeats a rise over the first `ratio` of each cycle, then holds the top (Fu et al. 2019)', () => {
    // 16 steps, 4 cycles of 4 steps, rising over the first half of each.
    const beta = cyclical({ steps: 16, cycles: 4, ratio: 0.5 });
    const first = [0, 1, 2, 3].map(beta);
    expect(first).toEqual([0, 0.5, 1, 1]);
    expect([4, 5, 6, 7].map(beta)).toEqual(first);
    expect([12, 13, 14, 15].map(beta)).toEqual(first);
    expect(beta(16)).toBe(1);
    expect(beta(1000)).toBe(1);
    const ranged = cyclical({ steps: 10, cycles: 1, ratio: 1, from: 0.5, to: 1.5 });
    expect(ranged(5)).toBe(1);
  });

  it('names a bad ratio', () => {
    expect(() => cyclical({ steps: 10, ratio: 0 })).toThrow('cyclical: ratio must be a number in (0, 1], found 0');
  });
});

describe('capacityAnnealing', () => {
  it('raises C linearly from min to max nats', () => {
    const c = capacityAnnealing({ max: 25, steps: 100 });
    expect([0, 50, 100, 200].map(c)).toEqual([0, 12.5, 25, 25]);
  });

  it('rejects max below min', () => {
    expect(() => capacityAnnealing({ max: 1, min: 2, steps: 5 })).toThrow(
      'capacityAnnealing: min and max must be numbers with 0 <= min <= max, found min 2, max 1',
    );
  });
});
