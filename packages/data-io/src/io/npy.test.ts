import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeNpy, readNpy, writeNpy } from './npy.js';

const fixtures = fileURLToPath(new URL('../../fixtures/npy/', import.meta.url));
interface Entry {
  file: string;
  descr: string;
  fortran: boolean;
  shape: number[];
  values: (string | number | boolean)[];
}
const manifest = JSON.parse(readFileSync(`${fixtures}manifest.json`, 'utf8')) as Entry[];

const expected = (entry: Entry): (number | bigint)[] =>
  entry.values.map((v) =>
    typeof v === 'boolean' ? (v ? 1 : 0) : typeof v === 'string' ? (entry.descr.endsWith('8') && /[iu]/.test(entry.descr) ? BigInt(v) : Number(v)) : v,
  );

describe('readNpy on files written by NumPy (fixtures/make_fixtures.py)', () => {
  for (const entry of manifest) {
    it(`${entry.file} (${entry.descr}, ${entry.fortran ? 'Fortran' : 'C'} order) reads exactly`, async () => {
      const array = await readNpy(`${fixtures}${entry.file}`);
      expect(array.shape).toEqual(entry.shape);
      const values = Array.from(array.data as ArrayLike<number | bigint>);
      const want = expected(entry);
      if (entry.descr.endsWith('f4')) {
        // NumPy stored float32 values; the manifest holds them widened to float64 exactly.
        expect(values).toEqual(want.map((v) => Math.fround(v as number)));
      } else {
        expect(values).toEqual(want);
      }
    });
  }
});

describe('writeNpy', () => {
  for (const entry of manifest) {
    it(`reproduces ${entry.file} byte for byte`, async () => {
      const original = new Uint8Array(readFileSync(`${fixtures}${entry.file}`));
      const array = decodeNpy(original);
      const written = writeNpy(array, { bigEndian: entry.descr.startsWith('>'), fortranOrder: entry.fortran });
      expect(Buffer.from(written).equals(Buffer.from(original))).toBe(true);
    });
  }

  it('round-trips a 4-d float64 array in Fortran order and big endian', () => {
    const data = Float64Array.from({ length: 2 * 3 * 4 * 5 }, (_, i) => i * 0.5 - 7);
    const bytes = writeNpy({ data, shape: [2, 3, 4, 5] }, { fortranOrder: true, bigEndian: true });
    const back = decodeNpy(bytes);
    expect(back.shape).toEqual([2, 3, 4, 5]);
    expect(back.data).toEqual(data);
  });

  it('round-trips unicode strings (NumPy <U) in C and Fortran order', () => {
    const data = ['a', 'bc', 'déf', '𝛼', '', 'xyz'];
    for (const fortranOrder of [false, true]) {
      const back = decodeNpy(writeNpy({ data, shape: [2, 3] }, { fortranOrder }));
      expect(back.dtype).toBe('unicode');
      expect(back.data).toEqual(data);
    }
  });

  it('names a data length that does not match the shape, and a wrong dtype', () => {
    expect(() => writeNpy({ data: new Float32Array(5), shape: [2, 3] })).toThrow(/writeNpy: data length must be 6 for shape \[2, 3\], found 5/);
    expect(() => writeNpy({ data: new Float32Array(1), shape: [1], dtype: 'int32' })).toThrow(/writeNpy: dtype/);
  });
});

describe('readNpy errors name the file, the part and what is wrong', () => {
  const good = readFileSync(`${fixtures}f8_le_C.npy`);
  it('bad magic', () => {
    const bad = new Uint8Array(good);
    bad[1] = 0x41;
    expect(() => decodeNpy(bad, { name: 'x.npy' })).toThrow(/readNpy\(x\.npy\): magic string must be \\x93NUMPY/);
  });
  it('truncated data', () => {
    expect(() => decodeNpy(new Uint8Array(good.subarray(0, good.length - 3)), { name: 'x.npy' })).toThrow(
      /readNpy\(x\.npy\): data must be 192 bytes for shape \[2, 3, 4\] of float64, found 189 bytes \(truncated\)/,
    );
  });
  it('unsupported dtype', () => {
    const bytes = writeNpy({ data: new Float32Array(2), shape: [2] });
    const patched = bytes.slice();
    const at = Buffer.from(patched).indexOf(Buffer.from("'<f4'"));
    patched.set(Buffer.from("'<c8'"), at);
    expect(() => decodeNpy(patched, { name: 'c.npy' })).toThrow(/readNpy\(c\.npy\): dtype must be one of .*found "<c8"/);
  });
  it('a missing file', async () => {
    await expect(readNpy('/nonexistent/a.npy')).rejects.toThrow(/readNpy\(\/nonexistent\/a\.npy\): the file must be readable/);
  });
});
