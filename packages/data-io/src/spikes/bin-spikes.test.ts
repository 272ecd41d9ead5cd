import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Generator } from '@elbo/runtime';
import { readNwb } from '../io/nwb.js';
import { binSpikes } from './bin-spikes.js';

const mcMaze = fileURLToPath(
  new URL('../../../../../shared/data/nlb_mc_maze_small_nwb/sub-Jenkins_ses-small_desc-test_ecephys.nwb', import.meta.url),
);

// Reference: test every spike against every bin's exact edges (no floor arithmetic).
function bruteForce(spikes: Float64Array[], aligns: number[], edges: number[]): number[] {
  const bins = edges.length - 1;
  const out = new Array<number>(aligns.length * bins * spikes.length).fill(0);
  aligns.forEach((a, t) => {
    spikes.forEach((times, n) => {
      for (const s of times) {
        for (let b = 0; b < bins; b++) if (s >= a + edges[b]! && s < a + edges[b + 1]!) out[(t * bins + b) * spikes.length + n]! += 1;
      }
    });
  });
  return out;
}

describe('binSpikes', () => {
  const rng = Generator.fromSeed(4);
  const spikes = [0, 1, 2, 3].map(() => Float64Array.from(rng.uniformArray(300), (u) => u * 10));

  it('continuous: matches a brute-force count, shape [1, bins, neurons], half-open bins', () => {
    const binned = binSpikes(spikes, { start: 1, stop: 9, binSize: 0.05 });
    expect(binned.shape).toEqual([1, 160, 4]);
    expect(binned.binEdges.length).toBe(161);
    expect(Array.from(binned.counts)).toEqual(bruteForce(spikes, [0], Array.from(binned.binEdges)));
  });

  it('trials: aligned windows match a brute-force count', () => {
    const binned = binSpikes(spikes, { trials: [1, 4.2, 7], window: [-0.5, 1], binSize: 0.1 });
    expect(binned.shape).toEqual([3, 15, 4]);
    expect(Array.from(binned.alignTimes)).toEqual([1, 4.2, 7]);
    expect(Array.from(binned.counts)).toEqual(bruteForce(spikes, [1, 4.2, 7], Array.from(binned.binEdges)));
  });

  it('a spike exactly on an edge goes to the bin it opens; one on the stop edge is dropped', () => {
    const binned = binSpikes([Float64Array.of(0, 0.5, 1)], { start: 0, stop: 1, binSize: 0.5 });
    expect(Array.from(binned.counts)).toEqual([1, 1]);
  });

  it('bins the MC_Maze trials: 100 x 35 bins of 20 ms x 107 units, every spike inside a trial counted once', async () => {
    const nwb = await readNwb(mcMaze);
    const times = nwb.units!.spikeTimes();
    const binned = binSpikes(times, { trials: nwb.trials!, align: 'move_onset_time', window: [-0.25, 0.45], binSize: 0.02 });
    expect(binned.shape).toEqual([100, 35, 107]);
    const starts = nwb.trials!.startTime;
    let inside = 0;
    for (const unit of times) for (const s of unit) for (const start of starts) if (s >= start && s < start + 0.7 - 1e-9) inside += 1;
    expect(binned.counts.reduce((a, b) => a + b, 0)).toBe(inside);
    nwb.close();
  });

  it('names bad input', () => {
    expect(() => binSpikes([Float64Array.of(0.1, Number.NaN)], { start: 0, stop: 1, binSize: 0.1 })).toThrow(
      /binSpikes: spikeTimes\[0\]\[1\] must be a finite time, found NaN/,
    );
    expect(() => binSpikes(spikes, { start: 1, stop: 0, binSize: 0.1 })).toThrow(/binSpikes: stop must be > start/);
    expect(() => binSpikes(spikes, { start: 0, stop: 1, binSize: 0 })).toThrow(/binSize must be a positive number/);
    expect(() => binSpikes(spikes, { trials: [1], window: [1, 0], binSize: 0.1 })).toThrow(/window must be from < to/);
    expect(() => binSpikes([], { start: 0, stop: 1, binSize: 0.1 })).toThrow(/spikeTimes must be a non-empty array/);
  });
});
