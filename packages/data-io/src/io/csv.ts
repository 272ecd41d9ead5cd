import Papa from 'papaparse';
import { invalidArgument } from '@elbo/runtime';
import { fileError, loadBytes } from './source.js';
import type { DataSource } from './source.js';

export interface ReadCsvOptions {
  /** Columns holding counts (spikes): each value must be a finite integer >= 0. Names or a pattern. */
  countColumns?: readonly string[] | RegExp;
  /** Field delimiter. Default: detected by the parser (comma, tab, semicolon, ...). */
  delimiter?: string;
}

/**
 * A CSV table with a header row. Columns whose every non-empty cell is a number are
 * in `numeric` (empty cells become NaN and are counted in `missing`); the others are
 * in `text`.
 */
export interface CsvTable {
  columns: string[];
  rowCount: number;
  numeric: Record<string, Float64Array>;
  text: Record<string, string[]>;
  /** Empty cells per numeric column (only columns that have some). */
  missing: Record<string, number>;
}

/** Reads a CSV file with a header row through papaparse. */
export async function readCsv(source: DataSource, options: ReadCsvOptions = {}): Promise<CsvTable> {
  const { bytes, name } = await loadBytes('readCsv', source);
  return decodeCsv(bytes, { ...options, name });
}

export function decodeCsv(input: Uint8Array | string, options: ReadCsvOptions & { name?: string } = {}): CsvTable {
  const file = options.name ?? '<bytes>';
  const fail = (part: string, expected: string, found: unknown): RangeError => fileError('readCsv', file, part, expected, found);
  let text: string;
  if (typeof input === 'string') {
    text = input;
  } else {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(input);
    } catch {
      throw fail('text', 'valid UTF-8', { raw: 'invalid byte sequences' });
    }
  }
  const parsed = Papa.parse<string[]>(text, {
    header: false,
    skipEmptyLines: true,
    ...(options.delimiter !== undefined ? { delimiter: options.delimiter } : {}),
  });
  const quoteError = parsed.errors.find((e) => e.type === 'Quotes');
  if (quoteError) throw fail(`row ${quoteError.row ?? '?'}`, 'balanced quotes', { raw: quoteError.message });
  const rows = parsed.data;
  if (rows.length === 0) throw fail('header', 'a header row', { raw: 'an empty file' });
  const columns = rows[0]!.map((c) => c.trim());
  const seen = new Set<string>();
  columns.forEach((c, i) => {
    if (c.length === 0) throw fail(`header column ${i}`, 'a non-empty name', '');
    if (seen.has(c)) throw fail(`header column ${i}`, 'a unique name', c);
    seen.add(c);
  });
  const rowCount = rows.length - 1;
  for (let r = 1; r < rows.length; r++) {
    if (rows[r]!.length !== columns.length) {
      throw fail(`row ${r}`, `${columns.length} fields (one per header column)`, rows[r]!.length);
    }
  }

  const isCount = countMatcher(options.countColumns);
  const numeric: Record<string, Float64Array> = {};
  const textColumns: Record<string, string[]> = {};
  const missing: Record<string, number> = {};
  columns.forEach((column, c) => {
    const values = new Float64Array(rowCount);
    let empty = 0;
    let numericColumn = true;
    for (let r = 0; r < rowCount; r++) {
      const cell = rows[r + 1]![c]!.trim();
      if (cell === '') {
        values[r] = Number.NaN;
        empty += 1;
        continue;
      }
      const v = Number(cell);
      if (Number.isNaN(v) && cell !== 'NaN' && cell !== 'nan') {
        numericColumn = false;
        break;
      }
      values[r] = v;
    }
    if (isCount(column)) {
      if (!numericColumn) throw fail(`column ${column}`, 'numeric counts', { raw: 'text values' });
      const bad = values.findIndex((v) => !Number.isFinite(v) || v < 0 || !Number.isInteger(v));
      if (bad >= 0) throw fail(`column ${column}, row ${bad + 1}`, 'a finite integer count >= 0', values[bad]);
    }
    if (numericColumn) {
      numeric[column] = values;
      if (empty > 0) missing[column] = empty;
    } else {
      textColumns[column] = rows.slice(1).map((row) => row[c]!);
    }
  });
  return { columns, rowCount, numeric, text: textColumns, missing };
}

function countMatcher(spec: ReadCsvOptions['countColumns']): (column: string) => boolean {
  if (spec === undefined) return () => false;
  if (spec instanceof RegExp) return (column) => spec.test(column);
  if (Array.isArray(spec)) {
    const names = new Set(spec);
    return (column) => names.has(column);
  }
  throw invalidArgument('readCsv', 'countColumns', 'a list of column names or a RegExp', spec);
}

/**
 * Numeric columns of a table as a row-major Float32Array [rows, columns], in the
 * table's column order; `select` is a list of names or a pattern.
 */
export function csvColumns(
  table: CsvTable,
  select: readonly string[] | RegExp,
): { data: Float32Array; shape: [number, number]; columns: string[] } {
  const names = select instanceof RegExp ? table.columns.filter((c) => select.test(c)) : [...select];
  if (names.length === 0) throw invalidArgument('csvColumns', 'select', 'at least one matching column', select);
  const sources = names.map((n) => {
    const column = table.numeric[n];
    if (!column) throw invalidArgument('csvColumns', `column ${n}`, `a numeric column of the table`, n in table.text ? { raw: 'a text column' } : { raw: 'absent' });
    return column;
  });
  const data = new Float32Array(table.rowCount * names.length);
  for (let r = 0; r < table.rowCount; r++) for (let c = 0; c < names.length; c++) data[r * names.length + c] = sources[c]![r]!;
  return { data, shape: [table.rowCount, names.length], columns: names };
}
