import { InvalidArgumentError } from 'commander';

// Commander calls these with the raw text; the message becomes
// "option '--epochs <n>' argument 'x' is invalid. <message>".

export function positiveInteger(value: string): number {
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('Expected a positive integer.');
  return n;
}

export function nonNegativeInteger(value: string): number {
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n)) throw new InvalidArgumentError('Expected an integer >= 0.');
  return n;
}

export function positiveNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('Expected a finite number > 0.');
  return n;
}

/** `-0.25,0.45` (seconds around the alignment time). */
export function timeWindow(value: string): [number, number] {
  const parts = value.split(',').map((p) => Number(p.trim()));
  if (parts.length !== 2 || value.split(',').some((p) => p.trim() === '') || parts.some((p) => !Number.isFinite(p)) || parts[0]! >= parts[1]!) {
    throw new InvalidArgumentError('Expected two numbers "from,to" in seconds with from < to, e.g. -0.25,0.45.');
  }
  return [parts[0]!, parts[1]!];
}

/** `400` or `512,256`: hidden layer sizes. */
export function layerSizes(value: string): number[] {
  const parts = value.split(',').map((p) => p.trim());
  if (parts.some((p) => !/^\d+$/.test(p) || Number(p) < 1)) throw new InvalidArgumentError('Expected positive integers separated by commas, e.g. 512,256.');
  return parts.map(Number);
}

/** A seed: an integer in [0, 2^53). */
export function seed(value: string): number {
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n)) throw new InvalidArgumentError('Expected an integer in [0, 2^53).');
  return n;
}
