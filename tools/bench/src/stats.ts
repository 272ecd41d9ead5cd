/** Summary of repeated measurements: the median is the figure, min/max the spread. */
export interface Summary {
  readonly repetitions: number;
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  /** (max - min) / median: how noisy the repetitions were (0.1 = 10 %). */
  readonly relativeSpread: number;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median: no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) throw new RangeError('summarize: no values');
  for (const v of values) {
    if (!Number.isFinite(v)) throw new RangeError(`summarize: non-finite measurement ${v}`);
  }
  const m = median(values);
  const min = Math.min(...values);
  const max = Math.max(...values);
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return { repetitions: values.length, median: m, min, max, mean, relativeSpread: m === 0 ? 0 : (max - min) / Math.abs(m) };
}

/**
 * Ratio of two summaries' medians with a conservative range: the smallest and largest
 * ratio the repetitions allow (min/max and max/min).
 */
export function ratio(numerator: Summary, denominator: Summary): { median: number; low: number; high: number } {
  return {
    median: numerator.median / denominator.median,
    low: numerator.min / denominator.max,
    high: numerator.max / denominator.min,
  };
}
