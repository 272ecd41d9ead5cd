import { invalidArgument } from '@elbo/runtime';
import { fileError, loadBytes } from './source.js';
import type { DataSource } from './source.js';

/** The dtypes .npy files may hold here. */
export type NpyDtype =
  | 'float32' | 'float64'
  | 'int8' | 'int16' | 'int32' | 'int64'
  | 'uint8' | 'uint16' | 'uint32' | 'uint64'
  | 'bool'
  | 'unicode';

export type NpyData =
  | Float32Array | Float64Array
  | Int8Array | Int16Array | Int32Array | BigInt64Array
  | Uint8Array | Uint16Array | Uint32Array | BigUint64Array
  | string[];

/**
 * An n-dimensional array in C (row-major) order; bool data is a Uint8Array of 0/1 and
 * unicode (NumPy '<U') data an array of strings.
 */
export interface NpyArray {
  data: NpyData;
  shape: number[];
  dtype: NpyDtype;
}

interface DtypeInfo {
  dtype: NpyDtype;
  size: number;
  make: (buffer: ArrayBuffer, length: number) => NpyData;
}

const DTYPES: Record<string, DtypeInfo> = {
  f4: { dtype: 'float32', size: 4, make: (b, n) => new Float32Array(b, 0, n) },
  f8: { dtype: 'float64', size: 8, make: (b, n) => new Float64Array(b, 0, n) },
  i1: { dtype: 'int8', size: 1, make: (b, n) => new Int8Array(b, 0, n) },
  i2: { dtype: 'int16', size: 2, make: (b, n) => new Int16Array(b, 0, n) },
  i4: { dtype: 'int32', size: 4, make: (b, n) => new Int32Array(b, 0, n) },
  i8: { dtype: 'int64', size: 8, make: (b, n) => new BigInt64Array(b, 0, n) },
  u1: { dtype: 'uint8', size: 1, make: (b, n) => new Uint8Array(b, 0, n) },
  u2: { dtype: 'uint16', size: 2, make: (b, n) => new Uint16Array(b, 0, n) },
  u4: { dtype: 'uint32', size: 4, make: (b, n) => new Uint32Array(b, 0, n) },
  u8: { dtype: 'uint64', size: 8, make: (b, n) => new BigUint64Array(b, 0, n) },
  b1: { dtype: 'bool', size: 1, make: (b, n) => new Uint8Array(b, 0, n) },
};
const CODE_OF: Record<NpyDtype, string> = Object.fromEntries(
  Object.entries(DTYPES).map(([code, info]) => [info.dtype, code]),
) as Record<NpyDtype, string>;

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const SUPPORTED = 'one of <f4 <f8 <i1..<i8 <u1..<u8 |b1 <U (either byte order)';

/** Reads a .npy file (path, bytes or Blob) into a C-order, native-endian array. */
export async function readNpy(source: DataSource): Promise<NpyArray> {
  const { bytes, name } = await loadBytes('readNpy', source);
  return decodeNpy(bytes, { name });
}

/**
 * Decodes .npy bytes (format versions 1-3): any supported dtype in either byte
 * order, C or Fortran order. Fails naming the file and the part that is wrong.
 */
export function decodeNpy(bytes: Uint8Array, options: { name?: string; reader?: string } = {}): NpyArray {
  const reader = options.reader ?? 'readNpy';
  const file = options.name ?? '<bytes>';
  const fail = (part: string, expected: string, found: unknown): RangeError => fileError(reader, file, part, expected, found);
  if (bytes.length < 10 || MAGIC.some((m, i) => bytes[i] !== m)) {
    throw fail('magic string', '\\x93NUMPY', { raw: bytes.length < 10 ? `only ${bytes.length} bytes` : 'other bytes' });
  }
  const major = bytes[6]!;
  if (major < 1 || major > 3) throw fail('format version', '1, 2 or 3', major);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lengthBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lengthBytes) throw fail('header length', 'present', { raw: 'truncated file' });
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataStart = 8 + lengthBytes + headerLength;
  if (dataStart > bytes.length) {
    throw fail('header', `${headerLength} bytes`, { raw: `${bytes.length - 8 - lengthBytes} bytes (truncated)` });
  }
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(8 + lengthBytes, dataStart));
  const { info, littleEndian, fortranOrder, shape } = parseHeader(header, fail);

  let length = 1;
  for (const d of shape) length *= d;
  const byteLength = length * info.size;
  const available = bytes.length - dataStart;
  if (byteLength !== available) {
    throw fail('data', `${byteLength} bytes for shape [${shape.join(', ')}] of ${info.dtype}`, {
      raw: `${available} bytes${available < byteLength ? ' (truncated)' : ''}`,
    });
  }
  // Copy into a fresh, aligned buffer; swap to little endian (every JS platform) in place.
  const buffer = new ArrayBuffer(byteLength);
  const out = new Uint8Array(buffer);
  out.set(bytes.subarray(dataStart, dataStart + byteLength));
  if (!littleEndian && info.size > 1) swapBytes(out, info.dtype === 'unicode' ? 4 : info.size);
  let data = info.make(buffer, length);
  if (info.dtype === 'bool') {
    const bad = (data as Uint8Array).findIndex((v) => v > 1);
    if (bad >= 0) throw fail(`bool element ${bad}`, '0 or 1', (data as Uint8Array)[bad]);
  }
  if (fortranOrder && shape.length > 1) data = fortranToC(data, shape, info);
  return { data, shape, dtype: info.dtype };
}

function parseHeader(
  header: string,
  fail: (part: string, expected: string, found: unknown) => RangeError,
): { info: DtypeInfo; littleEndian: boolean; fortranOrder: boolean; shape: number[] } {
  const text = header.trim();
  if (!text.startsWith('{') || !text.endsWith('}')) throw fail('header', 'a Python dict literal', text.slice(0, 60));
  const descr = /['"]descr['"]\s*:\s*['"]([^'"]*)['"]/.exec(text);
  if (!descr) throw fail('header descr', `a dtype string (${SUPPORTED})`, text.slice(0, 60));
  const code = descr[1]!;
  const order = code[0]!;
  const unicodeWidth = /^U(\d+)$/.exec(code.slice(1));
  const info = unicodeWidth && '<>='.includes(order) ? unicodeInfo(Number(unicodeWidth[1])) : DTYPES[code.slice(1)];
  if (!'<>|='.includes(order) || info === undefined || (order === '|' && info.size > 1)) {
    throw fail('dtype', SUPPORTED, code);
  }
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(text);
  if (!fortran) throw fail('header fortran_order', 'True or False', text.slice(0, 60));
  const shapeMatch = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(text);
  if (!shapeMatch) throw fail('header shape', 'a tuple of integers', text.slice(0, 60));
  const parts = shapeMatch[1]!.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  const shape = parts.map((s) => (/^\d+L?$/.test(s) ? Number.parseInt(s, 10) : Number.NaN));
  if (shape.some((d) => !Number.isSafeInteger(d))) throw fail('header shape', 'non-negative integers', shapeMatch[0]);
  return { info, littleEndian: order !== '>', fortranOrder: fortran[1] === 'True', shape };
}

// NumPy 'U<n>': n UTF-32 code units per element, padded with zeros.
function unicodeInfo(width: number): DtypeInfo {
  return {
    dtype: 'unicode',
    size: 4 * width,
    make: (buffer, length) => {
      const units = new Uint32Array(buffer, 0, length * width);
      return Array.from({ length }, (_, i) => {
        let text = '';
        for (let j = 0; j < width; j++) {
          const unit = units[i * width + j]!;
          if (unit === 0) break;
          text += String.fromCodePoint(unit > 0x10ffff ? 0xfffd : unit);
        }
        return text;
      });
    },
  };
}

function swapBytes(bytes: Uint8Array, size: number): void {
  for (let i = 0; i < bytes.length; i += size) {
    for (let a = i, b = i + size - 1; a < b; a++, b--) {
      const t = bytes[a]!;
      bytes[a] = bytes[b]!;
      bytes[b] = t;
    }
  }
}

// Fortran order: the first index varies fastest. For each position of the C-order
// walk, the offset of the same element in Fortran order.
function fortranOffsets(shape: readonly number[]): Float64Array {
  const n = shape.reduce((a, b) => a * b, 1);
  const rank = shape.length;
  const strides = new Array<number>(rank);
  let s = 1;
  for (let k = 0; k < rank; k++) {
    strides[k] = s;
    s *= shape[k]!;
  }
  const offsets = new Float64Array(n);
  const index = new Array<number>(rank).fill(0);
  let offset = 0;
  for (let i = 0; i < n; i++) {
    offsets[i] = offset;
    for (let k = rank - 1; k >= 0; k--) {
      index[k]! += 1;
      offset += strides[k]!;
      if (index[k]! < shape[k]!) break;
      offset -= index[k]! * strides[k]!;
      index[k] = 0;
    }
  }
  return offsets;
}

function fortranToC(data: NpyData, shape: number[], info: DtypeInfo): NpyData {
  const n = data.length;
  const offsets = fortranOffsets(shape);
  const out = (Array.isArray(data) ? new Array<string>(n) : info.make(new ArrayBuffer(n * info.size), n)) as unknown as {
    [i: number]: number | bigint | string;
  };
  const src = data as unknown as { [i: number]: number | bigint | string };
  for (let i = 0; i < n; i++) out[i] = src[offsets[i]!]!;
  return out as unknown as NpyData;
}

// C-order bytes of an array to Fortran-order bytes: the C order of the transposed
// array (shape reversed) read as Fortran order of the original.
function cToFortranBytes(body: Uint8Array, size: number, shape: readonly number[]): Uint8Array {
  const offsets = fortranOffsets([...shape].reverse());
  const out = new Uint8Array(body.length);
  for (let i = 0; i < offsets.length; i++) out.set(body.subarray(offsets[i]! * size, offsets[i]! * size + size), i * size);
  return out;
}

function dtypeOf(data: NpyData): NpyDtype {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Int8Array) return 'int8';
  if (data instanceof Int16Array) return 'int16';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof BigInt64Array) return 'int64';
  if (data instanceof Uint8Array) return 'uint8';
  if (data instanceof Uint16Array) return 'uint16';
  if (data instanceof Uint32Array) return 'uint32';
  if (data instanceof BigUint64Array) return 'uint64';
  if (Array.isArray(data) && data.every((v) => typeof v === 'string')) return 'unicode';
  throw invalidArgument('writeNpy', 'data', 'a typed array of a supported dtype', data);
}

export interface WriteNpyOptions {
  /** Write big-endian ('>') data. Default false (little endian, as NumPy on every common machine). */
  bigEndian?: boolean;
  /** Store in Fortran (column-major) order. The input is always C order. Default false. */
  fortranOrder?: boolean;
}

/**
 * Encodes an array (C order in memory) as .npy bytes, format version 1.0 (2.0 when
 * the header needs it). `dtype` defaults to the typed array's; pass 'bool' for a
 * Uint8Array of 0/1.
 */
export function writeNpy(array: { data: NpyData; shape: readonly number[]; dtype?: NpyDtype }, options: WriteNpyOptions = {}): Uint8Array {
  const shape = [...array.shape];
  if (shape.some((d) => !Number.isSafeInteger(d) || d < 0)) throw invalidArgument('writeNpy', 'shape', 'non-negative integers', array.shape);
  const length = shape.reduce((a, b) => a * b, 1);
  if (array.data.length !== length) {
    throw invalidArgument('writeNpy', 'data length', `${length} for shape [${shape.join(', ')}]`, array.data.length);
  }
  const natural = dtypeOf(array.data);
  const dtype = array.dtype ?? natural;
  if (dtype !== natural && !(dtype === 'bool' && natural === 'uint8')) {
    throw invalidArgument('writeNpy', 'dtype', `${natural} (the data's type)`, dtype);
  }
  if (dtype === 'bool' && (array.data as Uint8Array).some((v) => v > 1)) {
    throw invalidArgument('writeNpy', 'bool data', '0 or 1 values', { raw: 'a value > 1' });
  }
  let code: string;
  let info: DtypeInfo;
  let body: Uint8Array;
  if (dtype === 'unicode') {
    const strings = array.data as string[];
    const points = strings.map((t) => Array.from(t, (c) => c.codePointAt(0)!));
    const width = Math.max(1, ...points.map((p) => p.length));
    const units = new Uint32Array(length * width);
    points.forEach((p, i) => units.set(p, i * width));
    code = `U${width}`;
    info = unicodeInfo(width);
    body = new Uint8Array(units.buffer);
  } else {
    code = CODE_OF[dtype];
    info = DTYPES[code]!;
    const data = array.data as Exclude<NpyData, string[]>;
    body = new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
  }
  const order = info.size === 1 ? '|' : options.bigEndian ? '>' : '<';
  const fortran = options.fortranOrder === true && shape.length > 1;
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${order}${code}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': ${shapeText}, }`;
  const version = header.length + 11 > 65535 ? 2 : 1;
  const prefix = version === 1 ? 10 : 12;
  // Pad with spaces so the data starts on a 64-byte boundary; the header ends in '\n'.
  const total = Math.ceil((prefix + header.length + 1) / 64) * 64;
  header = header.padEnd(total - prefix - 1, ' ') + '\n';
  const bytes = new Uint8Array(total + body.length);
  bytes.set(MAGIC, 0);
  bytes[6] = version;
  bytes[7] = 0;
  const view = new DataView(bytes.buffer);
  if (version === 1) view.setUint16(8, header.length, true);
  else view.setUint32(8, header.length, true);
  for (let i = 0; i < header.length; i++) bytes[prefix + i] = header.charCodeAt(i);
  let payload = body;
  if (fortran) {
    payload = cToFortranBytes(body, info.size, shape);
  }
  if (order === '>') swapBytes(payload, dtype === 'unicode' ? 4 : info.size);
  bytes.set(payload, total);
  return bytes;
}
