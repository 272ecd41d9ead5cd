import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { csvColumns, decodeCsv, readCsv } from './csv.js';

const trials = fileURLToPath(new URL('../../../../../shared/data/mc_maze_single_trials/', import.meta.url));

describe('readCsv', () => {
  it('reads an MC_Maze single-trial CSV: 182 unit columns of 0/1 spikes, 3,566 rows at 1 ms', async () => {
    const table = await readCsv(`${trials}trial_1356_data.csv`, { countColumns: /^unit_/ });
    expect(table.rowCount).toBe(3566);
    expect(table.columns.length).toBe(191);
    const units = csvColumns(table, /^unit_/);
    expect(units.shape).toEqual([3566, 182]);
    // 1,790 spikes: the sum over unit_ columns computed with Python's csv module.
    expect(units.data.reduce((a, b) => a + b, 0)).toBe(1790);
    const time = table.numeric.timestamp!;
    expect(time[1]! - time[0]!).toBeCloseTo(0.001, 9);
    expect(Object.keys(table.missing)).toEqual([]);
  });

  it('keeps text columns as text and counts empty numeric cells as missing', () => {
    const table = decodeCsv('name,x,y\na,1,\nb,2.5,3\n');
    expect(table.text.name).toEqual(['a', 'b']);
    expect(Array.from(table.numeric.x!)).toEqual([1, 2.5]);
    expect(table.missing).toEqual({ y: 1 });
  });

  it('rejects NaN, infinity, negatives and fractions in count columns, naming column and row', () => {
    expect(() => decodeCsv('t,unit_1\n0,1\n1,\n', { countColumns: /^unit_/, name: 'a.csv' })).toThrow(
      /readCsv\(a\.csv\): column unit_1, row 2 must be a finite integer count >= 0, found NaN/,
    );
    expect(() => decodeCsv('t,unit_1\n0,Infinity\n', { countColumns: ['unit_1'], name: 'a.csv' })).toThrow(/found Infinity/);
    expect(() => decodeCsv('t,unit_1\n0,-1\n', { countColumns: ['unit_1'] })).toThrow(/found -1/);
    expect(() => decodeCsv('t,unit_1\n0,0.5\n', { countColumns: ['unit_1'] })).toThrow(/found 0\.5/);
  });

  it('names ragged rows, duplicate or empty header names, and an empty file', () => {
    expect(() => decodeCsv('a,b\n1,2\n3\n', { name: 'r.csv' })).toThrow(/readCsv\(r\.csv\): row 2 must be 2 fields \(one per header column\), found 1/);
    expect(() => decodeCsv('a,a\n1,2\n')).toThrow(/header column 1 must be a unique name, found "a"/);
    expect(() => decodeCsv('a,,c\n1,2,3\n')).toThrow(/header column 1 must be a non-empty name/);
    expect(() => decodeCsv('')).toThrow(/header must be a header row, found an empty file/);
    expect(() => decodeCsv(new Uint8Array([0x61, 0xff, 0xfe]), { name: 'u.csv' })).toThrow(/readCsv\(u\.csv\): text must be valid UTF-8/);
  });
});
