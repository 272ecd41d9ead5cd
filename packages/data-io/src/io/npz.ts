import { unzipSync, zipSync } from 'fflate';
import { invalidArgument } from '@elbo/runtime';
import { decodeNpy, writeNpy } from './npy.js';
import type { NpyArray, NpyData, NpyDtype, WriteNpyOptions } from './npy.js';
import { fileError, loadBytes } from './source.js';
import type { DataSource } from './source.js';

const MAX_DEFLATE_RATIO = 1032;

/** Reads a .npz archive (np.savez or np.savez_compressed): one array per member, keyed without `.npy`. */
export async function readNpz(source: DataSource): Promise<Record<string, NpyArray>> {
  const { bytes, name } = await loadBytes('readNpz', source);
  return decodeNpz(bytes, { name });
}

export function decodeNpz(bytes: Uint8Array, options: { name?: string } = {}): Record<string, NpyArray> {
  const file = options.name ?? '<bytes>';
  if (bytes.length < 4 || bytes[0] !== 0x50 || bytes[1] !== 0x4b) {
    throw fileError('readNpz', file, 'magic', 'a zip archive (PK)', { raw: bytes.length < 4 ? `only ${bytes.length} bytes` : 'other bytes' });
  }
  let members: Record<string, Uint8Array>;
  try {
    members = unzipSync(bytes, {
      // A corrupted directory can claim gigabytes; deflate expands at most ~1032 times.
      filter: (info) => {
        if (info.originalSize > MAX_DEFLATE_RATIO * info.size + 1024 || (info.compression === 0 && info.originalSize !== info.size)) {
          throw fileError('readNpz', file, `member ${info.name} sizes`, 'consistent', { raw: `${info.originalSize} bytes from ${info.size}` });
        }
        return true;
      },
    });
  } catch (error) {
    if (error instanceof RangeError && error.message.startsWith('readNpz(')) throw error;
    throw fileError('readNpz', file, 'zip archive', 'readable', { raw: (error as Error).message });
  }
  const out: Record<string, NpyArray> = {};
  for (const [member, content] of Object.entries(members)) {
    if (!member.endsWith('.npy')) throw fileError('readNpz', file, `member ${member}`, 'a .npy file', member);
    out[member.slice(0, -4)] = decodeNpy(content, { name: `${file}:${member}`, reader: 'readNpz' });
  }
  return out;
}

/** Encodes arrays as a .npz archive (deflated like np.savez_compressed when `compress`, default true). */
export function writeNpz(
  arrays: Record<string, { data: NpyData; shape: readonly number[]; dtype?: NpyDtype }>,
  options: WriteNpyOptions & { compress?: boolean } = {},
): Uint8Array {
  const files: Record<string, Uint8Array> = {};
  for (const [key, array] of Object.entries(arrays)) {
    if (key.length === 0 || key.includes('/')) throw invalidArgument('writeNpz', 'array name', 'non-empty, without "/"', key);
    files[`${key}.npy`] = writeNpy(array, options);
  }
  return zipSync(files, { level: options.compress === false ? 0 : 6 });
}
