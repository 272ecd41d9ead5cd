import { invalidArgument } from '@elbo/runtime';

const WHERE = 'resampleToBins';

export interface ResampleOptions {
  /**
   * 'mean' (default): the average of the samples inside each bin, falling back to
   * linear interpolation at the bin centre for bins with no sample; 'interpolate':
   * linear interpolation at every bin centre.
   */
  method?: 'mean' | 'interpolate';
}

/**
 * Resamples a behavioural signal (hand velocity, position, ...) onto the bins of
 * {@link binSpikes}: `series.data` is [samples, dims] row-major at `series.timestamps`
 * (seconds, increasing); the result is [trials, bins, dims]. Bins outside the
 * signal's time range are an error, not extrapolated.
 */
export function resampleToBins(
  series: { data: ArrayLike<number>; timestamps: ArrayLike<number>; dims?: number },
  bins: { binEdges: ArrayLike<number>; alignTimes?: ArrayLike<number> },
  options: ResampleOptions = {},
): { data: Float32Array; shape: [number, number, number] } {
  const times = Float64Array.from(series.timestamps);
  const samples = times.length;
  if (samples < 2) throw invalidArgument(WHERE, 'series.timestamps', 'at least 2 samples', samples);
  const dims = series.dims ?? series.data.length / samples;
  if (!Number.isInteger(dims) || dims < 1 || dims * samples !== series.data.length) {
    throw invalidArgument(WHERE, 'series.data', `timestamps.length (${samples}) x dims values`, series.data.length);
  }
  for (let i = 0; i < samples; i++) {
    if (!Number.isFinite(times[i]!) || (i > 0 && times[i]! <= times[i - 1]!)) {
      throw invalidArgument(WHERE, `series.timestamps[${i}]`, 'finite and strictly increasing', times[i]);
    }
  }
  const method = options.method ?? 'mean';
  if (method !== 'mean' && method !== 'interpolate') throw invalidArgument(WHERE, 'method', "'mean' or 'interpolate'", method);
  const edges = Float64Array.from(bins.binEdges);
  const align = Float64Array.from(bins.alignTimes ?? [0]);
  const nBins = edges.length - 1;
  if (nBins < 1) throw invalidArgument(WHERE, 'bins.binEdges', 'at least 2 edges', edges.length);
  const out = new Float32Array(align.length * nBins * dims);
  const upper = (value: number): number => {
    let lo = 0;
    let hi = samples;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (times[mid]! <= value) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const lower = (value: number): number => {
    let lo = 0;
    let hi = samples;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (times[mid]! < value) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  for (let t = 0; t < align.length; t++) {
    for (let b = 0; b < nBins; b++) {
      const left = align[t]! + edges[b]!;
      const right = align[t]! + edges[b + 1]!;
      const at = (t * nBins + b) * dims;
      const first = lower(left);
      const last = lower(right); // samples [first, last) lie in [left, right)
      if (method === 'mean' && last > first) {
        for (let d = 0; d < dims; d++) {
          let s = 0;
          for (let i = first; i < last; i++) s += series.data[i * dims + d]!;
          out[at + d] = s / (last - first);
        }
        continue;
      }
      const centre = 0.5 * (left + right);
      const j = upper(centre);
      if (centre < times[0]! || centre > times[samples - 1]!) {
        throw invalidArgument(WHERE, `bin ${b} of trial ${t}`, `inside the signal's time range [${times[0]}, ${times[samples - 1]}]`, centre);
      }
      const i1 = Math.min(j, samples - 1);
      const i0 = i1 - 1;
      const w = (centre - times[i0]!) / (times[i1]! - times[i0]!);
      for (let d = 0; d < dims; d++) out[at + d] = (1 - w) * series.data[i0 * dims + d]! + w * series.data[i1 * dims + d]!;
    }
  }
  return { data: out, shape: [align.length, nBins, dims] };
}
