import { gunzipSync } from 'fflate';
import { fileError, loadBytes } from './source.js';
import type { DataSource } from './source.js';

export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

/** An IDX array (the MNIST format): data in C order and its shape. */
export interface IdxArray {
  data: IdxData;
  shape: number[];
  dtype: 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';
}

const TYPES: Record<number, { dtype: IdxArray['dtype']; size: number }> = {
  0x08: { dtype: 'uint8', size: 1 },
  0x09: { dtype: 'int8', size: 1 },
  0x0b: { dtype: 'int16', size: 2 },
  0x0c: { dtype: 'int32', size: 4 },
  0x0d: { dtype: 'float32', size: 4 },
  0x0e: { dtype: 'float64', size: 8 },
};

/** Reads an IDX file, gzip-compressed (`.gz`, detected by its magic bytes) or plain. */
export async function readIdx(source: DataSource): Promise<IdxArray> {
  const { bytes, name } = await loadBytes('readIdx', source);
  return decodeIdx(bytes, { name });
}

export function decodeIdx(input: Uint8Array, options: { name?: string } = {}): IdxArray {
  const file = options.name ?? '<bytes>';
  const fail = (part: string, expected: string, found: unknown): RangeError => fileError('readIdx', file, part, expected, found);
  let bytes = input;
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    // The trailer's size preallocates the output: refuse sizes deflate cannot reach.
    const claimed = bytes.length >= 18 ? new DataView(bytes.buffer, bytes.byteOffset + bytes.length - 4, 4).getUint32(0, true) : 0;
    if (claimed > 1032 * bytes.length + 1024) {
      throw fail('gzip trailer', `an uncompressed size deflate can reach from ${bytes.length} bytes`, claimed);
    }
    try {
      bytes = gunzipSync(bytes);
    } catch (error) {
      throw fail('gzip stream', 'complete and valid', { raw: (error as Error).message });
    }
  }
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) {
    throw fail('magic number', '0x0000TTRR (two zero bytes, type, rank)', { raw: bytes.length < 4 ? `only ${bytes.length} bytes` : `0x${Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join('')}` });
  }
  const type = TYPES[bytes[2]!];
  if (type === undefined) throw fail('data type', 'one of 0x08 0x09 0x0b 0x0c 0x0d 0x0e', `0x${bytes[2]!.toString(16)}`);
  const rank = bytes[3]!;
  if (rank === 0) throw fail('rank', 'at least 1', 0);
  const headerLength = 4 + 4 * rank;
  if (bytes.length < headerLength) throw fail('dimensions', `${rank} uint32 sizes`, { raw: 'truncated header' });
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  for (let k = 0; k < rank; k++) shape.push(view.getUint32(4 + 4 * k, false));
  const length = shape.reduce((a, b) => a * b, 1);
  const available = bytes.length - headerLength;
  if (length * type.size !== available) {
    throw fail('data', `${length * type.size} bytes for shape [${shape.join(', ')}] of ${type.dtype}`, {
      raw: `${available} bytes${available < length * type.size ? ' (truncated)' : ''}`,
    });
  }
  let data: IdxData;
  switch (type.dtype) {
    case 'uint8':
      data = bytes.slice(headerLength);
      break;
    case 'int8':
      data = new Int8Array(bytes.slice(headerLength).buffer);
      break;
    default: {
      // Multi-byte IDX values are big endian.
      const get = {
        int16: (o: number) => view.getInt16(o, false),
        int32: (o: number) => view.getInt32(o, false),
        float32: (o: number) => view.getFloat32(o, false),
        float64: (o: number) => view.getFloat64(o, false),
      }[type.dtype];
      const Ctor = { int16: Int16Array, int32: Int32Array, float32: Float32Array, float64: Float64Array }[type.dtype];
      const out = new Ctor(length);
      for (let i = 0; i < length; i++) out[i] = get(headerLength + i * type.size);
      data = out;
    }
  }
  return { data, shape, dtype: type.dtype };
}
