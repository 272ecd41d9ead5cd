import { invalidArgument } from '@elbo/runtime';

const WHERE = 'binSpikes';

/** Trial-aligned binning: one window per alignment time. */
export interface TrialBinning {
  /**
   * The trials: alignment times directly, or a table with `startTime` (and optional
   * `stopTime` and columns, e.g. an NwbIntervals from readNwb).
   */
  trials: ArrayLike<number> | { startTime: ArrayLike<number>; stopTime?: ArrayLike<number>; column?: (name: string) => { values: unknown } };
  /** What each window is aligned to: 'start_time' (default), 'stop_time', another numeric column, or times. */
  align?: string | ArrayLike<number>;
  /** [from, to] in seconds relative to the alignment time, e.g. [-0.25, 0.45]. */
  window: readonly [number, number];
  binSize: number;
}

/** One continuous stretch of time. */
export interface ContinuousBinning {
  start: number;
  stop: number;
  binSize: number;
}

export interface BinnedSpikes {
  /** Spike counts [trials, bins, neurons] (trials = 1 for continuous binning). */
  counts: Float32Array;
  shape: [number, number, number];
  /** bins + 1 edges in seconds: absolute for continuous binning, relative to `alignTimes` for trials. */
  binEdges: Float64Array;
  /** Alignment time of each trial (absolute edges are alignTimes[t] + binEdges); [0] for continuous binning. */
  alignTimes: Float64Array;
  binSize: number;
}

function finite(what: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidArgument(WHERE, what, 'a finite number', value);
  return value;
}

// Bins per span: whole bins only; a trailing partial bin (beyond 1e-9 relative slack) is dropped.
function binCount(span: number, binSize: number): number {
  const bins = Math.floor(span / binSize + 1e-9);
  if (bins < 1) throw invalidArgument(WHERE, 'binSize', `at most the window length ${span}`, binSize);
  return bins;
}

function alignmentTimes(options: TrialBinning): Float64Array {
  const { trials, align } = options;
  let times: ArrayLike<number>;
  if (align !== undefined && typeof align !== 'string') {
    times = align;
  } else if (typeof (trials as { length?: unknown }).length === 'number') {
    if (typeof align === 'string') throw invalidArgument(WHERE, 'align', 'times (trials is already a list of times)', align);
    times = trials as ArrayLike<number>;
  } else {
    const table = trials as Exclude<TrialBinning['trials'], ArrayLike<number>>;
    const key = align ?? 'start_time';
    if (key === 'start_time') times = table.startTime;
    else if (key === 'stop_time' && table.stopTime) times = table.stopTime;
    else if (table.column) times = table.column(key).values as ArrayLike<number>;
    else throw invalidArgument(WHERE, 'align', 'start_time, stop_time or a column of trials', key);
    if (typeof (times as { length?: unknown })?.length !== 'number' || Array.prototype.some.call(times, (v: unknown) => typeof v !== 'number')) {
      throw invalidArgument(WHERE, `align column ${key}`, 'numeric times', { raw: 'non-numeric values' });
    }
  }
  const out = Float64Array.from(times);
  out.forEach((t, i) => finite(`align time [${i}]`, t));
  return out;
}

function lowerBound(sorted: Float64Array, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Bins spike times (seconds, one array per neuron) into counts [trials, bins, neurons]:
 * either one continuous stretch `{ start, stop, binSize }` or trial windows
 * `{ trials, align, window, binSize }`. Bins are half-open [edge_i, edge_{i+1}).
 */
export function binSpikes(spikeTimes: readonly ArrayLike<number>[], options: ContinuousBinning | TrialBinning): BinnedSpikes {
  if (!Array.isArray(spikeTimes) || spikeTimes.length === 0) {
    throw invalidArgument(WHERE, 'spikeTimes', 'a non-empty array of per-neuron spike-time arrays', spikeTimes);
  }
  const binSize = finite('binSize', options.binSize);
  if (binSize <= 0) throw invalidArgument(WHERE, 'binSize', 'a positive number of seconds', binSize);
  let from: number;
  let alignTimes: Float64Array;
  let bins: number;
  let relative: boolean;
  if ('window' in options) {
    const window = options.window;
    if (!Array.isArray(window) || window.length !== 2) throw invalidArgument(WHERE, 'window', '[from, to] in seconds', window);
    from = finite('window[0]', window[0]);
    const to = finite('window[1]', window[1]);
    if (to <= from) throw invalidArgument(WHERE, 'window', 'from < to', window);
    bins = binCount(to - from, binSize);
    alignTimes = alignmentTimes(options);
    if (alignTimes.length === 0) throw invalidArgument(WHERE, 'trials', 'at least one trial', 0);
    relative = true;
  } else if ('start' in options && 'stop' in options) {
    from = finite('start', options.start);
    const stop = finite('stop', options.stop);
    if (stop <= from) throw invalidArgument(WHERE, 'stop', `> start (${from})`, stop);
    bins = binCount(stop - from, binSize);
    alignTimes = Float64Array.of(0);
    relative = false;
  } else {
    throw invalidArgument(WHERE, 'options', '{ binSize, start, stop } or { trials, window, binSize, align? }', options);
  }
  const binEdges = Float64Array.from({ length: bins + 1 }, (_, i) => from + i * binSize);
  const neurons = spikeTimes.length;
  const trials = alignTimes.length;
  const counts = new Float32Array(trials * bins * neurons);
  spikeTimes.forEach((times, n) => {
    const sorted = Float64Array.from(times);
    const bad = sorted.findIndex((t) => !Number.isFinite(t));
    if (bad >= 0) throw invalidArgument(WHERE, `spikeTimes[${n}][${bad}]`, 'a finite time', sorted[bad]);
    sorted.sort();
    for (let t = 0; t < trials; t++) {
      const offset = alignTimes[t]!;
      const lo = offset + binEdges[0]!;
      const hi = offset + binEdges[bins]!;
      for (let i = lowerBound(sorted, lo); i < sorted.length && sorted[i]! < hi; i++) {
        const time = sorted[i]!;
        let b = Math.min(bins - 1, Math.floor((time - lo) / binSize));
        // Guard the floor against rounding at the edges.
        while (b > 0 && time < offset + binEdges[b]!) b--;
        while (b < bins - 1 && time >= offset + binEdges[b + 1]!) b++;
        counts[(t * bins + b) * neurons + n]! += 1;
      }
    }
  });
  return { counts, shape: [trials, bins, neurons], binEdges, alignTimes: relative ? alignTimes : Float64Array.of(0), binSize };
}
