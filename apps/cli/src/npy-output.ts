import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeNpy } from '@elbo/data-io';
import { fileError } from './errors.js';

/** Writes a float32 .npy (creating its folder); a path that cannot be written is a one-line error naming --out. */
export async function writeNpyFile(path: string, data: Float32Array, shape: readonly number[], option = '--out'): Promise<void> {
  if (!path.toLowerCase().endsWith('.npy')) throw fileError(path, `${option} must name a .npy file`);
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, writeNpy({ data, shape }));
  } catch (error) {
    throw fileError(path, `cannot be written (${option}): ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}
