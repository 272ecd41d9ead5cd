import { formatShape, invalidArgument } from '@elbo/runtime';

/** Number of elements of a shape. */
export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function shapesEqual(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** The numpy broadcast of two shapes, or null when they do not broadcast. */
export function tryBroadcast(a: readonly number[], b: readonly number[]): number[] | null {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) return null;
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/**
 * Broadcasts named shapes together; throws naming every shape when they do not
 * broadcast, e.g. `Normal: the shapes of loc and scale must be broadcastable, found [2] and [3]`.
 */
export function broadcastShapes(where: string, named: Record<string, readonly number[]>): number[] {
  let out: number[] = [];
  for (const shape of Object.values(named)) {
    const next = tryBroadcast(out, shape);
    if (next === null) {
      const names = Object.keys(named);
      throw invalidArgument(
        where,
        `the shapes of ${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`,
        'broadcastable',
        { raw: Object.values(named).map(formatShape).join(' and ') },
      );
    }
    out = next;
  }
  return out;
}

/** Checks that `shape` is a list of non-negative integers (a sample shape). */
export function checkSampleShape(where: string, shape: unknown): number[] {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw invalidArgument(where, 'sampleShape', 'an array of non-negative integers', shape);
  }
  return shape as number[];
}

/** Multi-index of a flat (row-major) offset, for error messages. */
export function unravelIndex(flat: number, shape: readonly number[]): number[] {
  const index = new Array<number>(shape.length).fill(0);
  let rest = flat;
  for (let i = shape.length - 1; i >= 0; i--) {
    const d = shape[i]!;
    index[i] = d === 0 ? 0 : rest % d;
    rest = d === 0 ? rest : Math.floor(rest / d);
  }
  return index;
}
