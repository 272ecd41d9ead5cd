import { describe, expect, it } from 'vitest';
import { measureThroughput, throughputFromEndTimes } from './timing.js';

describe('measureThroughput', () => {
  it('excludes warm-up calls and times repetitions x calls', async () => {
    let calls = 0;
    let finishes = 0;
    const t = await measureThroughput(
      () => {
        calls++;
      },
      { warmup: 3, repetitions: 4, callsPerRepetition: 5, workPerCall: 10 },
      () => {
        finishes++;
      },
    );
    expect(calls).toBe(3 + 4 * 5);
    expect(finishes).toBe(1 + 4);
    expect(t.samples).toHaveLength(4);
    expect(t.repetitions).toBe(4);
    expect(t.min).toBeGreaterThan(0);
  });
  it('measures work per second of a call that takes a known time', async () => {
    const t = await measureThroughput(() => new Promise((resolve) => setTimeout(resolve, 20)), {
      warmup: 0,
      repetitions: 3,
      callsPerRepetition: 2,
      workPerCall: 1,
    });
    // Each call sleeps 20 ms, so about 50 calls per second at most. Node's timers run on
    // a millisecond clock and can fire up to 1 ms early by performance.now() (seen in CI:
    // 50.1), so the bound allows 19 ms a call.
    expect(t.max).toBeLessThanOrEqual(1000 / 19);
    expect(t.median).toBeGreaterThan(5);
  });
  it('rejects meaningless options', async () => {
    await expect(measureThroughput(() => 0, { warmup: 0, repetitions: 0, callsPerRepetition: 1, workPerCall: 1 })).rejects.toThrow(
      /repetitions must be a positive integer/,
    );
  });
});

describe('throughputFromEndTimes', () => {
  it('drops the warm-up calls and groups the rest into repetitions', () => {
    // Warm-up calls end at 0 and 10 s (the slow first call is excluded); then calls of
    // 1 s each, then of 2 s each.
    const ends = [0, 10, 11, 12, 14, 16];
    const t = throughputFromEndTimes(ends, { warmup: 2, repetitions: 2, callsPerRepetition: 2, workPerCall: 100 });
    expect(t.samples).toEqual([100, 50]);
    expect(t.median).toBe(75);
  });
  it('says how many end times it needed', () => {
    expect(() => throughputFromEndTimes([1, 2], { warmup: 1, repetitions: 2, callsPerRepetition: 1, workPerCall: 1 })).toThrow(/expected 3 end times, found 2/);
  });
});
