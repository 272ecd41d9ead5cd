import { fileURLToPath } from 'node:url';
import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { decodeIdx, readIdx } from './idx.js';

const mnist = fileURLToPath(new URL('../../../../../shared/data/mnist/', import.meta.url));

// An IDX file built by hand from the format description (big-endian sizes and values).
function idxBytes(type: number, shape: number[], values: number[], size: number): Uint8Array {
  const bytes = new Uint8Array(4 + 4 * shape.length + values.length * size);
  const view = new DataView(bytes.buffer);
  bytes.set([0, 0, type, shape.length]);
  shape.forEach((d, k) => view.setUint32(4 + 4 * k, d, false));
  const at = 4 + 4 * shape.length;
  values.forEach((v, i) => {
    if (type === 0x0b) view.setInt16(at + i * 2, v, false);
    if (type === 0x0c) view.setInt32(at + i * 4, v, false);
    if (type === 0x0d) view.setFloat32(at + i * 4, v, false);
    if (type === 0x0e) view.setFloat64(at + i * 8, v, false);
    if (type === 0x08 || type === 0x09) view.setInt8(at + i, v);
  });
  return bytes;
}

describe('readIdx', () => {
  it('reads the MNIST test images: 10,000 images of 28 x 28 uint8 (gzip)', async () => {
    const images = await readIdx(`${mnist}t10k-images-idx3-ubyte.gz`);
    expect(images.dtype).toBe('uint8');
    expect(images.shape).toEqual([10_000, 28, 28]);
    expect(images.data.length).toBe(7_840_000);
  });

  it('reads the MNIST test labels: 10,000 digits 0-9 with the known class counts', async () => {
    const labels = await readIdx(`${mnist}t10k-labels-idx1-ubyte.gz`);
    expect(labels.shape).toEqual([10_000]);
    const counts = new Array<number>(10).fill(0);
    for (const l of labels.data) counts[l]! += 1;
    // The published MNIST test-set class counts.
    expect(counts).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
  });

  it('reads every IDX value type, plain or gzip', () => {
    const cases: [number, number, number[]][] = [
      [0x09, 1, [-3, 5, 127, -128]],
      [0x0b, 2, [-300, 300, 32767, -32768]],
      [0x0c, 4, [-70000, 1, 2, 2147483647]],
      [0x0d, 4, [0.5, -1.25, 3, 1e-3]],
      [0x0e, 8, [Math.PI, -Math.E, 1e300, 0]],
    ];
    for (const [type, size, values] of cases) {
      const bytes = idxBytes(type, [2, 2], values, size);
      for (const input of [bytes, gzipSync(bytes)]) {
        const array = decodeIdx(input);
        expect(array.shape).toEqual([2, 2]);
        expect(Array.from(array.data)).toEqual(type === 0x0d ? values.map(Math.fround) : values);
      }
    }
  });

  it('names bad magic, an unknown type and truncated data', () => {
    expect(() => decodeIdx(new Uint8Array([1, 0, 8, 1, 0, 0, 0, 0]), { name: 'a.idx' })).toThrow(/readIdx\(a\.idx\): magic number/);
    expect(() => decodeIdx(new Uint8Array([0, 0, 7, 1, 0, 0, 0, 0]), { name: 'a.idx' })).toThrow(/data type must be one of .* found "0x7"/);
    const bytes = idxBytes(0x08, [3, 2], [1, 2, 3, 4, 5, 6], 1);
    expect(() => decodeIdx(bytes.subarray(0, bytes.length - 1), { name: 'a.idx' })).toThrow(
      /readIdx\(a\.idx\): data must be 6 bytes for shape \[3, 2\] of uint8, found 5 bytes \(truncated\)/,
    );
    const gz = gzipSync(bytes);
    expect(() => decodeIdx(gz.subarray(0, gz.length - 6), { name: 'a.gz' })).toThrow(/readIdx\(a\.gz\)/);
    const lying = gz.slice();
    lying.set([0xff, 0xff, 0xff, 0x7f], lying.length - 4); // claims 2 GB uncompressed
    expect(() => decodeIdx(lying, { name: 'a.gz' })).toThrow(/readIdx\(a\.gz\): gzip trailer must be an uncompressed size deflate can reach/);
  });
});
