import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { writeNpy, writeNpz } from '@elbo/data-io';
import { detectFormat, formatFromBytes, formatFromName } from './data-format.js';

const SHARED = join(import.meta.dirname, '../../../../shared/data');
const dir = mkdtempSync(join(tmpdir(), 'elbo-cli-format-'));

function file(name: string, bytes: Uint8Array | string): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

describe('formatFromName', () => {
  it('knows every extension the readers take', () => {
    expect(formatFromName('a/b.nwb')).toBe('nwb');
    expect(formatFromName('x.NPY')).toBe('npy');
    expect(formatFromName('x.npz')).toBe('npz');
    expect(formatFromName('t10k-images-idx3-ubyte.gz')).toBe('idx');
    expect(formatFromName('train-labels.idx1-ubyte')).toBe('idx');
    expect(formatFromName('trial.csv')).toBe('csv');
    expect(formatFromName('data.bin')).toBeUndefined();
  });
});

describe('formatFromBytes', () => {
  it('recognises each magic number', () => {
    expect(formatFromBytes(writeNpy({ data: Float32Array.of(1, 2), shape: [2] }))).toBe('npy');
    expect(formatFromBytes(writeNpz({ x: { data: Float64Array.of(1), shape: [1] } }))).toBe('npz');
    const idx = Uint8Array.of(0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 2, 1, 2, 3, 4);
    expect(formatFromBytes(idx)).toBe('idx');
    expect(formatFromBytes(new Uint8Array(gzipSync(idx)))).toBe('idx');
    expect(formatFromBytes(new TextEncoder().encode('a,b\n1,2\n'))).toBe('csv');
    expect(formatFromBytes(Uint8Array.of(0xff, 0xfe, 0x00, 0x01))).toBeUndefined();
  });
});

describe('detectFormat', () => {
  it('detects the real files in ../shared/data', async () => {
    expect(await detectFormat(join(SHARED, 'nlb_mc_maze_small_nwb/sub-Jenkins_ses-small_desc-test_ecephys.nwb'))).toBe('nwb');
    expect(await detectFormat(join(SHARED, 'mnist/t10k-images-idx3-ubyte.gz'))).toBe('idx');
    expect(await detectFormat(join(SHARED, 'nlb_mc_maze_small_fixture/nlb_mc_maze_small_20.npz'))).toBe('npz');
  });

  it('falls back to the magic bytes when the extension says nothing', async () => {
    expect(await detectFormat(file('counts.bin', writeNpy({ data: Float32Array.of(1, 2, 3), shape: [3] })))).toBe('npy');
  });

  it('lets --format win over the extension', async () => {
    expect(await detectFormat(file('table.txt', 'a,b\n1,2\n'), 'csv')).toBe('csv');
  });

  it('names the file and what it found when nothing matches', async () => {
    await expect(detectFormat(file('noise.bin', Uint8Array.of(0xde, 0xad, 0xbe, 0xef)))).rejects.toThrow(
      /noise\.bin: could not detect the format .* found bytes de ad be ef; pass --format/,
    );
    await expect(detectFormat(join(dir, 'missing.npy'))).rejects.toThrow(/missing\.npy: no such file/);
    await expect(detectFormat(file('empty.npy', new Uint8Array(0)))).rejects.toThrow(/empty\.npy: is empty/);
  });
});
