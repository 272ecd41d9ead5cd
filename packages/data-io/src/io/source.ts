import type * as NodeFsPromises from 'node:fs/promises';
import { invalidArgument } from '@elbo/runtime';

// Node's file system, imported only when a path is given; the specifier is kept in a
// variable so browser bundles do not try to include it.
const NODE_FS = 'node:fs/promises';

/** Node's `fs/promises`, for readers given a path. */
export function nodeFs(): Promise<typeof NodeFsPromises> {
  return import(/* @vite-ignore */ NODE_FS) as Promise<typeof NodeFsPromises>;
}

/** Where a reader gets its bytes: a file path (Node), bytes in memory, or a browser Blob/File. */
export type DataSource = string | Uint8Array | ArrayBuffer | Blob;

/** Reader error in the one elbo style, naming the reader, the file and the part: `readNpy(a.npy): header ...`. */
export function fileError(reader: string, file: string, part: string, expected: string, found: unknown): RangeError {
  return invalidArgument(`${reader}(${file})`, part, expected, found);
}

/** The bytes of `source` and a name for messages (the path, the File's name, or `<bytes>`). */
export async function loadBytes(reader: string, source: DataSource): Promise<{ bytes: Uint8Array; name: string }> {
  if (typeof source === 'string') {
    const { readFile } = await nodeFs();
    try {
      return { bytes: new Uint8Array(await readFile(source)), name: source };
    } catch (error) {
      throw fileError(reader, source, 'the file', 'readable', { raw: (error as Error).message });
    }
  }
  if (source instanceof Uint8Array) return { bytes: source, name: '<bytes>' };
  if (source instanceof ArrayBuffer) return { bytes: new Uint8Array(source), name: '<bytes>' };
  if (typeof Blob !== 'undefined' && source instanceof Blob) {
    const name = typeof (source as { name?: unknown }).name === 'string' ? (source as File).name : '<blob>';
    return { bytes: new Uint8Array(await source.arrayBuffer()), name };
  }
  throw invalidArgument(reader, 'source', 'a path, a Uint8Array, an ArrayBuffer or a Blob/File', source);
}
