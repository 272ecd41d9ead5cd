/**
 * Helpers for the one error style every elbo package uses: name the thing, say what
 * was expected and what was found.
 */

/** Short, readable rendering of a value for an error message. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? value.slice(0, 57) + '...' : value);
  if (typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) {
    const head = value.slice(0, 6).map(describeValue).join(', ');
    return `[${head}${value.length > 6 ? `, ... (${value.length} items)` : ''}]`;
  }
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${(value as unknown as ArrayLike<number>).length})`;
  if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`;
  const shape = (value as { shape?: unknown }).shape;
  if (Array.isArray(shape)) return `Tensor of shape [${shape.join(', ')}]`;
  const ctor = (value as object).constructor;
  return ctor && ctor !== Object ? `a ${ctor.name}` : 'an object';
}

/**
 * Builds the standard error: `${where}: ${what} must be ${expected}, found ${found}`.
 * `found` is rendered with {@link describeValue} unless it is already a string
 * description (pass `{ raw: '...' }`).
 */
export function invalidArgument(
  where: string,
  what: string,
  expected: string,
  found: unknown,
): RangeError {
  const rendered =
    typeof found === 'object' && found !== null && 'raw' in found
      ? String((found as { raw: unknown }).raw)
      : describeValue(found);
  return new RangeError(`${where}: ${what} must be ${expected}, found ${rendered}`);
}

/** Formats a tensor shape as `[2, 3]`. */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}
