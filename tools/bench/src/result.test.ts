import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatNumber, formatPrecise, formatResult, table } from './format.js';
import { machineInfo } from './machine.js';
import { compare, measurement, writeResult } from './result.js';
import type { BenchResult } from './result.js';

const fast = measurement(
  { id: 'fast', label: 'fast one', backend: 'wasm', kernels: 'tfjs-ops', unit: 'samples/s', higherIsBetter: true },
  [600, 620, 610],
);
const slow = measurement(
  { id: 'slow', label: 'slow one', backend: 'wasm', kernels: '-', unit: 'samples/s', higherIsBetter: true },
  [100, 95, 105],
);

describe('compare', () => {
  it('gives the ratio of medians and whether it meets the target', () => {
    const c = compare([fast, slow], 'fast / slow', 'fast', 'slow', { atLeast: 6, source: 'test' });
    expect(c?.median).toBeCloseTo(6.1, 12);
    expect(c?.met).toBe(true);
    expect(compare([fast, slow], 'fast / slow', 'fast', 'slow', { atLeast: 7, source: 'test' })?.met).toBe(false);
    expect(compare([fast, slow], 'x', 'fast', 'slow', { atMost: 6.2, source: 'test' })?.met).toBe(true);
  });
  it('returns undefined when a side was not measured (a skipped variant)', () => {
    expect(compare([fast], 'fast / slow', 'fast', 'slow')).toBeUndefined();
  });
});

describe('writeResult', () => {
  const dir = mkdtempSync(join(tmpdir(), 'elbo-bench-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes <dir>/<benchmark>.json that reads back to the same result', () => {
    const result: BenchResult = {
      benchmark: 'unit-test',
      description: 'a result written by the harness test',
      startedAt: new Date(0).toISOString(),
      durationSeconds: 1.5,
      machine: machineInfo(),
      versions: { '@tensorflow/tfjs': '4.22.0', '@elbo/kernels': null },
      options: { repetitions: 3 },
      measurements: [fast, slow],
      comparisons: [compare([fast, slow], 'fast / slow', 'fast', 'slow')!],
      references: [{ what: 'slow before', value: 99, unit: 'samples/s', source: 'an issue' }],
      skipped: [{ id: 'missing', reason: 'not built\nsecond line' }],
      notes: ['a note'],
    };
    const path = writeResult(result, dir);
    expect(path).toBe(join(dir, 'unit-test.json'));
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(result);

    const text = formatResult(result);
    expect(text).toContain('fast one');
    expect(text).toContain('6.100x');
    expect(text).toContain('skipped missing: not built');
    expect(text).not.toContain('second line');
  });
});

describe('formatting', () => {
  it('writes large numbers with SI prefixes and three significant digits', () => {
    expect(formatNumber(1_234_567)).toBe('1.23 M');
    expect(formatNumber(957)).toBe('957');
    expect(formatNumber(12.345)).toBe('12.3');
    expect(formatNumber(-126.94)).toBe('-127');
    expect(formatNumber(0.01234)).toBe('0.0123');
  });
  it('keeps four significant digits for quality figures', () => {
    expect(formatPrecise(126.94)).toBe('126.9');
    expect(formatPrecise(0.95123)).toBe('0.9512');
    expect(formatPrecise(-8.5811)).toBe('-8.581');
    expect(formatPrecise(12345)).toBe('12.3 k');
  });
  it('pads table columns to the widest cell', () => {
    expect(table(['a', 'bb'], [['xxx', '1']]).split('\n')).toEqual(['a    bb', '---  --', 'xxx   1']);
  });
});
