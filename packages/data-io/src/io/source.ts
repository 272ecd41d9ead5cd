import { invalidArgument } from '@elbo/runtime';

/** Where a reader gets its bytes: a file path (Node), bytes in memory, or a browser Blob/File. */
export type DataSource = string | Uint8Array | ArrayBuffer | Blob;

/** Reader error in the one elbo style, naming the reader, the file and the part: `readNpy(a.npy): header ...`. */
export function fileError(reader: string, file: string, part: string, expected: string, found: unknown): RangeError {
  return invalidArgument(`${reader}(${file})`, part, expected, found);
}

/** The bytes of `source` and a name for messages (the path, the File's name, or `<bytes>`). */
export async function loadBytes(reader: string, source: DataSource): Promise<{ bytes: Uint8Array; name: string }> {
  if (typeof source === 'string') {
    // Imported lazily so the package still bundles for browsers, where paths are not used.
    const { readFile } = await import('node:fs/promises');
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
