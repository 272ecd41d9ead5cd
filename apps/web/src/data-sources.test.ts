import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readNwb, writeNpy, writeNpz } from '@elbo/data-io';
import { testing } from '@elbo/runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import { fromFile, lorenzData } from './data-sources';

const shared = fileURLToPath(new URL('../../../../shared/data/', import.meta.url));
const fileOf = (bytes: Uint8Array, name: string): File => new File([bytes as Uint8Array<ArrayBuffer>], name);
const fileFrom = (path: string): File => fileOf(readFileSync(path), path.split('/').pop()!);

beforeAll(async () => {
  await testing.initForTests({ seed: 3 });
});

describe('fromFile', () => {
  it('cuts a recording without trials (pynapple, 3 units) into chunks of 100 bins of 20 ms and keeps every spike inside them', async () => {
    const path = `${shared}nwb/pynapple_phy_A8604-211122.nwb`;
    const result = await fromFile(fileFrom(path));
    expect(result.units).toBe(3);
    const [chunks = 0, bins, neurons] = result.data.shape;
    expect([bins, neurons]).toEqual([100, 3]);
    expect(result.data.kind).toBe('counts');

    // Reference: count the spike times in the covered span directly.
    const nwb = await readNwb(path);
    const times = nwb.units!.spikeTimes();
    nwb.close();
    const start = Math.min(...times.map((t) => t[0]!));
    const stop = start + chunks * 100 * 0.02;
    const perUnit = times.map((t) => t.filter((s) => s >= start && s < stop).length);
    for (let unit = 0; unit < 3; unit++) {
      let binned = 0;
      for (let i = unit; i < result.data.x.length; i += 3) binned += result.data.x[i]!;
      expect(binned).toBe(perUnit[unit]);
    }
    expect(result.details).toContain('21,354 spikes');
  });

  it('bins MC_Maze by its trials table: 100 trials × 35 bins × 107 units', async () => {
    const result = await fromFile(fileFrom(`${shared}nlb_mc_maze_small_nwb/sub-Jenkins_ses-small_desc-test_ecephys.nwb`));
    expect(result.units).toBe(107);
    expect(result.data.shape).toEqual([100, 35, 107]);
    expect(result.details).toContain('100 trials');
  });

  it('reads .npy and .npz arrays and infers the likelihood from the values', async () => {
    const counts = fileOf(writeNpy({ data: Float64Array.of(0, 1, 2, 3, 4, 5), shape: [1, 2, 3] }), 'counts.npy');
    const unit = fileOf(writeNpz({ labels: { data: Int32Array.of(1, 2), shape: [2] }, pixels: { data: Float32Array.of(0, 0.5, 1, 0.25), shape: [2, 2] } }), 'images.npz');
    const real = fileOf(writeNpy({ data: Float32Array.of(-1.5, 2), shape: [1, 2] }), 'real.npy');
    const fromCounts = await fromFile(counts);
    expect(fromCounts.data.kind).toBe('counts');
    expect(Array.from(fromCounts.data.x)).toEqual([0, 1, 2, 3, 4, 5]);
    const fromNpz = await fromFile(unit);
    expect(fromNpz.data.name).toBe('images.npz:pixels');
    expect(fromNpz.data.kind).toBe('images');
    expect((await fromFile(real)).data.kind).toBe('real');
  });

  it('reads MNIST IDX files, scaling bytes to [0, 1]', async () => {
    const result = await fromFile(fileFrom(`${shared}mnist/t10k-images-idx3-ubyte.gz`));
    expect(result.data.shape).toEqual([10000, 784]);
    expect(result.data.imageShape).toEqual([28, 28]);
    expect(Math.max(...result.data.x.subarray(0, 784))).toBe(1);
  });

  it('names the file and what was expected for unusable input', async () => {
    await expect(fromFile(new File(['a,b'], 'table.csv'))).rejects.toThrow(/table\.csv: expected an \.nwb, \.npy, \.npz or IDX/);
    const vector = fileOf(writeNpy({ data: Float32Array.of(1, 2, 3), shape: [3] }), 'vector.npy');
    await expect(fromFile(vector)).rejects.toThrow(/vector\.npy: expected rank 2 .* or 3 .*, found shape \[3\]/);
    const withNaN = fileOf(writeNpy({ data: Float32Array.of(1, Number.NaN), shape: [1, 2] }), 'nan.npy');
    await expect(fromFile(withNaN)).rejects.toThrow(/nan\.npy: element 1 is NaN, expected finite values/);
  });
});

describe('lorenzData', () => {
  it('gives 64 trials × 50 bins × 30 neurons of non-negative integer counts, the same for the same seed', () => {
    const a = lorenzData(5);
    const b = lorenzData(5);
    expect(a.data.shape).toEqual([64, 50, 30]);
    expect(a.data.x.every((v) => v >= 0 && Number.isInteger(v))).toBe(true);
    expect(a.data.x).toEqual(b.data.x);
  });
});
