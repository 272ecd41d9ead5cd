import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeNpz, readNpz, writeNpz } from './npz.js';

const dir = fileURLToPath(new URL('../../fixtures/npz/', import.meta.url));
const manifest = JSON.parse(readFileSync(`${dir}manifest.json`, 'utf8')) as Record<string, { shape: number[]; values: number[] }>;
const sharedData = fileURLToPath(new URL('../../../../../shared/data/', import.meta.url));

describe('readNpz', () => {
  for (const file of ['plain.npz', 'compressed.npz']) {
    it(`reads ${file} written by np.savez${file === 'plain.npz' ? '' : '_compressed'}`, async () => {
      const arrays = await readNpz(`${dir}${file}`);
      expect(Object.keys(arrays).sort()).toEqual(['counts', 'labels']);
      expect(arrays.counts!.shape).toEqual(manifest.counts!.shape);
      expect(Array.from(arrays.counts!.data as Float32Array)).toEqual(manifest.counts!.values);
      expect(arrays.labels!.dtype).toBe('int16');
      expect(Array.from(arrays.labels!.data as Int16Array)).toEqual(manifest.labels!.values);
    });
  }

  it('reads the MC_Maze evaluation fixture in ../shared/data (40 x 35 x 35 float64 counts)', async () => {
    const arrays = await readNpz(`${sharedData}nlb_mc_maze_small_fixture/nlb_mc_maze_small_20.npz`);
    expect(Object.keys(arrays).sort()).toEqual([
      'source_intent', 'source_neural', 'source_sample_rate_hz', 'source_session_id',
      'target_intent', 'target_neural', 'target_sample_rate_hz', 'target_session_id',
    ]);
    expect(arrays.source_session_id!.dtype).toBe('unicode');
    expect(arrays.source_session_id!.shape).toEqual([]);
    expect(arrays.source_session_id!.data).toEqual(['mc_maze_small_20-even']); // as np.load reports
    expect(Array.from(arrays.source_sample_rate_hz!.data as Float64Array)).toEqual([50]);
    expect(arrays.source_neural!.shape).toEqual([40, 35, 35]);
    expect(arrays.source_intent!.shape).toEqual([40, 2]);
    const counts = arrays.source_neural!.data as Float64Array;
    expect(counts.every((c) => Number.isInteger(c) && c >= 0)).toBe(true);
  });

  it('round-trips through writeNpz, compressed or stored', () => {
    for (const compress of [true, false]) {
      const bytes = writeNpz(
        { a: { data: Float32Array.of(1, 2, 3, 4), shape: [2, 2] }, flags: { data: Uint8Array.of(1, 0, 1), shape: [3], dtype: 'bool' } },
        { compress },
      );
      const back = decodeNpz(bytes);
      expect(back.a!.shape).toEqual([2, 2]);
      expect(Array.from(back.a!.data as Float32Array)).toEqual([1, 2, 3, 4]);
      expect(back.flags!.dtype).toBe('bool');
    }
  });

  it('names a file that is not a zip archive, and a broken member', () => {
    expect(() => decodeNpz(new Uint8Array([1, 2, 3, 4, 5]), { name: 'a.npz' })).toThrow(/readNpz\(a\.npz\): magic must be a zip archive/);
    const bytes = writeNpz({ a: { data: Float32Array.of(1, 2), shape: [2] } }, { compress: false });
    const broken = bytes.slice();
    // Corrupt the stored member's NumPy magic (the zip stores it uncompressed).
    const at = Buffer.from(broken).indexOf(Buffer.from('NUMPY'));
    broken[at] = 0x58;
    expect(() => decodeNpz(broken, { name: 'b.npz' })).toThrow(/readNpz|b\.npz/);
  });
});
