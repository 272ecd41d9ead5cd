import type h5wasmDefault from 'h5wasm';
import type { Dataset, Entity, File as H5File, Group } from 'h5wasm';
import { fileError, nodeFs } from './source.js';
import type { DataSource } from './source.js';

type H5wasm = typeof h5wasmDefault;
type H5Module = Awaited<H5wasm['ready']>;

// Kept in a variable so bundlers do not pull the Node build into browser bundles.
const NODE_ENTRY = 'h5wasm/node';
const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

const loaded = new Map<string, Promise<{ h5: H5wasm; module: H5Module }>>();

/**
 * Loads an h5wasm build once: the Node build reads files from disk lazily; the
 * default build works everywhere on its in-memory file system. HDF5's diagnostic
 * printing is sent to /dev/null: failures are reported through our own errors.
 */
function loadH5wasm(entry: 'h5wasm' | typeof NODE_ENTRY): Promise<{ h5: H5wasm; module: H5Module }> {
  let promise = loaded.get(entry);
  if (!promise) {
    promise = (async () => {
      const imported = (entry === 'h5wasm' ? await import('h5wasm') : await import(/* @vite-ignore */ entry)) as { default: H5wasm };
      const h5 = imported.default;
      const module = await h5.ready;
      const fs = module.FS as unknown as { streams: unknown[]; close(s: unknown): void; open(p: string, f: string): unknown };
      if (fs.streams[2]) {
        fs.close(fs.streams[2]);
        fs.open('/dev/null', 'w'); // takes the lowest free descriptor: 2
      }
      return { h5, module };
    })();
    loaded.set(entry, promise);
  }
  return promise;
}

let memoryFileCounter = 0;

/** An open HDF5 file and the means to close it (and free its in-memory copy). */
export interface OpenHdf5 {
  file: H5File;
  name: string;
  close(): void;
}

const isNode = (): boolean =>
  typeof process !== 'undefined' && typeof (process as { versions?: { node?: string } }).versions?.node === 'string';

function hasSignature(bytes: Uint8Array): boolean {
  // The superblock may sit at 0, 512, 1024, 2048, ... (a user block before it).
  for (let offset = 0; offset + 8 <= bytes.length; offset = offset === 0 ? 512 : offset * 2) {
    if (HDF5_SIGNATURE.every((b, i) => bytes[offset + i] === b)) return true;
  }
  return false;
}

/** Opens an HDF5 file for reading: a path in Node (read lazily from disk), or bytes / a Blob (in memory). */
export async function openHdf5(reader: string, source: DataSource): Promise<OpenHdf5> {
  if (typeof source === 'string') {
    if (!isNode()) {
      throw fileError(reader, source, 'source', 'a File, Blob or bytes in a browser (paths need Node)', { raw: 'a path' });
    }
    const { open } = await nodeFs();
    let head: Uint8Array;
    try {
      const handle = await open(source, 'r');
      try {
        const { size } = await handle.stat();
        const probe = new Uint8Array(Math.min(size, 4096));
        await handle.read(probe, 0, probe.length, 0);
        head = probe;
      } finally {
        await handle.close();
      }
    } catch (error) {
      throw fileError(reader, source, 'the file', 'readable', { raw: (error as Error).message });
    }
    if (!hasSignature(head)) throw fileError(reader, source, 'HDF5 signature', 'present (an HDF5/NWB file)', { raw: 'not found' });
    const { h5 } = await loadH5wasm(NODE_ENTRY);
    const file = new h5.File(source, 'r');
    if (file.file_id < 0n) throw fileError(reader, source, 'HDF5 container', 'a readable HDF5 file', { raw: 'HDF5 could not open it' });
    return { file, name: source, close: () => void file.close() };
  }
  let bytes: Uint8Array;
  let name: string;
  if (source instanceof Uint8Array) {
    bytes = source;
    name = '<bytes>';
  } else if (source instanceof ArrayBuffer) {
    bytes = new Uint8Array(source);
    name = '<bytes>';
  } else if (typeof Blob !== 'undefined' && source instanceof Blob) {
    bytes = new Uint8Array(await source.arrayBuffer());
    name = typeof (source as { name?: unknown }).name === 'string' ? (source as File).name : '<blob>';
  } else {
    throw fileError(reader, '?', 'source', 'a path, a Uint8Array, an ArrayBuffer or a Blob/File', source);
  }
  if (!hasSignature(bytes.subarray(0, Math.min(bytes.length, 1 << 20)))) {
    throw fileError(reader, name, 'HDF5 signature', 'present (an HDF5/NWB file)', { raw: 'not found' });
  }
  const { h5, module } = await loadH5wasm('h5wasm');
  const path = `/elbo-memory-${++memoryFileCounter}.h5`;
  module.FS!.writeFile(path, bytes);
  const file = new h5.File(path, 'r');
  const unlink = (): void => {
    try {
      module.FS!.unlink(path);
    } catch {
      // already removed
    }
  };
  if (file.file_id < 0n) {
    unlink();
    throw fileError(reader, name, 'HDF5 container', 'a readable HDF5 file', { raw: 'HDF5 could not open it' });
  }
  return {
    file,
    name,
    close: () => {
      file.close();
      unlink();
    },
  };
}

/** Creates an HDF5 file in memory, lets `write` fill it, and returns its bytes. */
export async function writeHdf5InMemory(write: (file: H5File) => void): Promise<Uint8Array<ArrayBuffer>> {
  const { h5, module } = await loadH5wasm('h5wasm');
  const path = `/elbo-write-${++memoryFileCounter}.h5`;
  const file = new h5.File(path, 'w');
  try {
    write(file);
  } finally {
    file.close();
  }
  // A copy that owns a plain ArrayBuffer (usable in a Blob).
  const bytes = new Uint8Array(module.FS!.readFile(path) as Uint8Array);
  module.FS!.unlink(path);
  return bytes;
}

export const isGroup = (entity: Entity | null): entity is Group =>
  entity !== null && (entity as { type?: unknown }).type === 'Group';
export const isDataset = (entity: Entity | null): entity is Dataset =>
  entity !== null && (entity as { type?: unknown }).type === 'Dataset';
