import { invalidArgument } from '@elbo/runtime';

/** Checks an option is an integer in [min, max]. */
export function checkInteger(where: string, name: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in [${min}, ${max}]`;
    throw invalidArgument(where, name, `an integer ${range}`, value);
  }
  return value;
}

/** Checks an option is a finite number greater than `above` (strictly). */
export function checkPositive(where: string, name: string, value: unknown, above = 0): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= above) {
    throw invalidArgument(where, name, `a finite number > ${above}`, value);
  }
  return value;
}

/** A `[low, high]` range or a single number (low = high), both positive and finite. */
export function checkRange(where: string, name: string, value: unknown): [number, number] {
  if (typeof value === 'number') {
    checkPositive(where, name, value);
    return [value, value];
  }
  if (
    Array.isArray(value) &&
    value.length === 2 &&
    value.every((v) => typeof v === 'number' && Number.isFinite(v) && v > 0) &&
    (value[0] as number) <= (value[1] as number)
  ) {
    return [value[0] as number, value[1] as number];
  }
  throw invalidArgument(where, name, 'a positive number or a [low, high] range with 0 < low <= high', value);
}
