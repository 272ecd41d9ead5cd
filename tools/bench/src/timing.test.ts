import { describe, expect, it } from 'vitest';
import { measureThroughput } from './timing.js';

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
    // Each call sleeps >= 20 ms, so at most 50 calls per second.
    expect(t.max).toBeLessThanOrEqual(50);
    expect(t.median).toBeGreaterThan(5);
  });
  it('rejects meaningless options', async () => {
    await expect(measureThroughput(() => 0, { warmup: 0, repetitions: 0, callsPerRepetition: 1, workPerCall: 1 })).rejects.toThrow(
      /repetitions must be a positive integer/,
    );
  });
});
