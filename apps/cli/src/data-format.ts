import { open } from 'node:fs/promises';
import { extname } from 'node:path';
import { constants, gunzipSync } from 'node:zlib';
import { CliError, EXIT, fileError, optionError } from './errors.js';

export const FORMATS = ['auto', 'nwb', 'npy', 'npz', 'idx', 'csv'] as const;
export type FormatChoice = (typeof FORMATS)[number];
export type DataFormat = Exclude<FormatChoice, 'auto'>;

const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
const NPY_MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];

/**
 * The format of a data file: from --format when given, else from the extension, else
 * from its first bytes (HDF5 signature, NumPy magic, zip, IDX magic, gzip'd IDX, text).
 */
export async function detectFormat(path: string, choice: FormatChoice = 'auto'): Promise<DataFormat> {
  const head = await readHead(path);
  if (choice !== 'auto') return choice;
  const byName = formatFromName(path);
  if (byName !== undefined) return byName;
  const byMagic = formatFromBytes(head);
  if (byMagic !== undefined) return byMagic;
  const shown = Array.from(head.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join(' ');
  throw new CliError(
    `${path}: could not detect the format (expected .nwb, .npy, .npz, .idx/-ubyte[.gz] or .csv, or their magic bytes), found bytes ${shown || '(empty file)'}; pass --format`,
    EXIT.failure,
  );
}

export function formatFromName(path: string): DataFormat | undefined {
  const name = path.toLowerCase().replace(/\.gz$/, '');
  const ext = extname(name);
  if (ext === '.nwb' || ext === '.h5' || ext === '.hdf5') return 'nwb';
  if (ext === '.npy') return 'npy';
  if (ext === '.npz') return 'npz';
  if (ext === '.csv' || ext === '.tsv') return 'csv';
  if (ext === '.idx' || /-ubyte$/.test(name) || /\.idx\d-ubyte$/.test(name)) return 'idx';
  return undefined;
}

export function formatFromBytes(head: Uint8Array): DataFormat | undefined {
  const startsWith = (magic: readonly number[]): boolean => magic.every((b, i) => head[i] === b);
  if (startsWith(HDF5_SIGNATURE)) return 'nwb';
  if (startsWith(NPY_MAGIC)) return 'npy';
  if (startsWith([0x50, 0x4b, 0x03, 0x04])) return 'npz';
  if (isIdxMagic(head)) return 'idx';
  if (startsWith([0x1f, 0x8b])) {
    try {
      // Inflate just enough to see the IDX magic of a gzip'd MNIST file.
      if (isIdxMagic(gunzipSync(head, { finishFlush: constants.Z_SYNC_FLUSH }))) return 'idx';
    } catch {
      // Not a gzip stream after all: fall through.
    }
    return undefined;
  }
  if (head.length > 0 && head.every((b) => b === 0x09 || b === 0x0a || b === 0x0d || (b >= 0x20 && b < 0x7f))) return 'csv';
  return undefined;
}

function isIdxMagic(head: Uint8Array): boolean {
  return head.length >= 4 && head[0] === 0 && head[1] === 0 && [0x08, 0x09, 0x0b, 0x0c, 0x0d, 0x0e].includes(head[2]!) && head[3]! >= 1 && head[3]! <= 4;
}

async function readHead(path: string): Promise<Uint8Array> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw fileError(path, 'no such file (--data)');
    if (code === 'EISDIR') throw fileError(path, 'is a directory, expected a data file (--data)');
    throw fileError(path, `cannot be read (${code ?? String(error)})`);
  }
  try {
    const buffer = new Uint8Array(4096);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    if (bytesRead === 0) throw fileError(path, 'is empty, expected a data file');
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

export function parseFormat(value: string): FormatChoice {
  if (!(FORMATS as readonly string[]).includes(value)) throw optionError('--format', `one of ${FORMATS.join(', ')}`, value);
  return value as FormatChoice;
}
