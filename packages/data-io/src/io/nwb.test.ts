import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { raggedRows, readNwb } from './nwb.js';
import { writeNwb } from './nwb-write.js';
import type { NwbFile } from './nwb.js';

const data = fileURLToPath(new URL('../../../../../shared/data/', import.meta.url));
const mcMaze = `${data}nlb_mc_maze_small_nwb/sub-Jenkins_ses-small_desc-test_ecephys.nwb`;

describe('readNwb on the MC_Maze small test file (path, read lazily)', () => {
  let nwb: NwbFile;
  beforeAll(async () => {
    nwb = await readNwb(mcMaze);
  });
  afterAll(() => nwb.close());

  it('has 107 units and 32,897 spikes (uint16 spike_times_index)', () => {
    expect(nwb.nwbVersion).toBe('2.4.0');
    expect(nwb.units!.count).toBe(107);
    expect(nwb.units!.spikeCount).toBe(32_897);
    const all = nwb.units!.spikeTimes();
    expect(all.length).toBe(107);
    expect(all.reduce((n, t) => n + t.length, 0)).toBe(32_897);
  });

  it('slices one unit lazily, identical to the full read', () => {
    const all = nwb.units!.spikeTimes();
    // First spikes and index entries as h5py reads them.
    expect(Array.from(all[0]!.subarray(0, 3))).toEqual([0.0643, 0.190633, 0.267733]);
    expect(all[0]!.length).toBe(142);
    expect(all[1]!.length).toBe(290 - 142);
    for (const u of [0, 50, 106]) expect(nwb.units!.spikeTimesOf(u)).toEqual(all[u]);
  });

  it('has 100 trials of 0.70 s with move onset 0.25 s after start, and unit columns', () => {
    const trials = nwb.trials!;
    expect(trials.rowCount).toBe(100);
    expect(trials.columns).toEqual(['start_time', 'stop_time', 'move_onset_time', 'split']);
    for (let i = 0; i < 100; i++) expect(trials.stopTime[i]! - trials.startTime[i]!).toBeCloseTo(0.7, 6);
    const onset = trials.column('move_onset_time').values as Float64Array;
    for (let i = 0; i < 100; i++) expect(onset[i]! - trials.startTime[i]!).toBeCloseTo(0.25, 6);
    expect(new Set(trials.column('split').values as string[])).toEqual(new Set(['test']));
    expect(nwb.units!.columns).toEqual(['heldout', 'spike_times', 'obs_intervals', 'electrodes']);
    const obs = nwb.units!.column('obs_intervals');
    expect(obs.shape).toEqual([10_700, 2]);
    expect(raggedRows(obs).length).toBe(107);
  });
});

describe('readNwb from other sources', () => {
  it('reads the same file from a Uint8Array, an ArrayBuffer and a Blob/File', async () => {
    const bytes = new Uint8Array(readFileSync(mcMaze));
    const file = new File([bytes], 'mc_maze.nwb');
    for (const source of [bytes, bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength), file]) {
      const nwb = await readNwb(source as Uint8Array | ArrayBuffer | Blob);
      expect(nwb.units!.spikeCount).toBe(32_897);
      expect(nwb.trials!.rowCount).toBe(100);
      nwb.close();
    }
    const named = await readNwb(file);
    expect(named.source).toBe('mc_maze.nwb');
    named.close();
  });

  it('reads the pynapple file: 3 units, 21,354 spikes, one wake epoch with ragged tags', async () => {
    const nwb = await readNwb(`${data}nwb/pynapple_phy_A8604-211122.nwb`);
    expect(nwb.units!.count).toBe(3);
    expect(nwb.units!.spikeCount).toBe(21_354);
    const epochs = nwb.intervals.epochs!;
    expect(epochs.rowCount).toBe(1);
    expect(raggedRows(epochs.column('tags'))).toEqual([['wake']]);
    nwb.close();
  });

  it('reads TimeSeries with starting_time and rate, with and without a unit', async () => {
    const nwb = await readNwb(`${data}nwb/pynwb_back_compat/1.5.1_timeseries_no_unit.nwb`);
    expect(nwb.timeSeries.map((t) => t.path)).toEqual(['/acquisition/test_timeseries']);
    const series = nwb.timeSeries[0]!;
    expect(series.unit).toBeNull();
    expect(series.rate).toBe(1);
    expect(series.read().shape).toEqual(series.shape);
    nwb.close();
    const ext = await readNwb(`${data}nwb/pynwb_back_compat/2.1.0_nwbfile_with_extension.nwb`);
    const ts = ext.timeSeries[0]!;
    expect(ts.neurodataType).toBe('TimeSeriesWithID');
    expect(ts.shape).toEqual([3]);
    expect(Array.from(ts.read().data)).toEqual([1, 2, 3]); // h5py: [1. 2. 3.]
    expect(Array.from(ts.read({ start: 1, stop: 3 }).data)).toEqual([2, 3]);
    expect(Array.from(ts.timestamps())).toEqual([ts.startingTime!, ts.startingTime! + 1, ts.startingTime! + 2]);
    ext.close();
  });

  it('names a file that is not HDF5, and a missing one', async () => {
    await expect(readNwb(`${data}README.md`)).rejects.toThrow(/readNwb\(.*README\.md\): HDF5 signature must be present/);
    await expect(readNwb(new Uint8Array(100))).rejects.toThrow(/readNwb\(<bytes>\): HDF5 signature/);
    await expect(readNwb('/nonexistent.nwb')).rejects.toThrow(/readNwb\(\/nonexistent\.nwb\): the file must be readable/);
  });
});

describe('readNwb validation of written-then-corrupted files', () => {
  // 777 + 457 spikes: writeNwb stores the index as uint16 [777, 1234], bytes 09 03 d2 04.
  const spikeTimes = [Float64Array.from({ length: 777 }, (_, i) => 0.001 * (i + 1)), Float64Array.from({ length: 457 }, (_, i) => 1 + 0.01 * i)];
  const patch = (bytes: Uint8Array, find: number[], replace: number[]): Uint8Array => {
    const at = Buffer.from(bytes).indexOf(Buffer.from(find));
    expect(at).toBeGreaterThan(0);
    expect(Buffer.from(bytes).indexOf(Buffer.from(find), at + 1)).toBe(-1); // unique
    const out = bytes.slice();
    out.set(replace, at);
    return out;
  };
  const write = (): Promise<Uint8Array> =>
    writeNwb({ sessionDescription: 'v', sessionStartTime: '2026-11-21T00:00:00+00:00', units: { spikeTimes } });

  it('a ragged index beyond the data is named', async () => {
    const bad = patch(await write(), [0x09, 0x03, 0xd2, 0x04], [0x09, 0x03, 0xff, 0xff]);
    await expect(readNwb(bad)).rejects.toThrow(
      /readNwb\(<bytes>\): \/units\/spike_times_index\[1\] must be an integer in \[777, 1234\] \(ragged index in range and non-decreasing\), found 65535/,
    );
  });

  it('a NaN or infinite spike time is named with its position', async () => {
    const value = new Uint8Array(Float64Array.of(1 + 0.01 * 5).buffer);
    const nan = new Uint8Array(Float64Array.of(Number.NaN).buffer);
    const nwb = await readNwb(patch(await write(), Array.from(value), Array.from(nan)));
    expect(() => nwb.units!.spikeTimes()).toThrow(/readNwb\(<bytes>\): \/units\/spike_times\[782\] must be a finite spike time, found NaN/);
    expect(() => nwb.units!.spikeTimesOf(1)).toThrow(/spike_times\[782\] must be a finite spike time/);
    nwb.close();
  });
});
