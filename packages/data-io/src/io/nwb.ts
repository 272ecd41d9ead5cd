import type { Dataset, File as H5File, Group } from 'h5wasm';
import { fileError } from './source.js';
import type { DataSource } from './source.js';
import { isDataset, isGroup, openHdf5 } from './hdf5-file.js';

const READER = 'readNwb';

/** Values of a table column: numbers (as float64; booleans 0/1) or strings (text, or the paths of object references). */
export type NwbValues = Float64Array | string[];

export interface NwbColumn {
  name: string;
  description: string | null;
  /** All stored values, flattened in C order. */
  values: NwbValues;
  /** Shape of the stored dataset: [rows, ...] or, for ragged columns, [elements, ...]. */
  shape: number[];
  /** Ragged columns (with a `<name>_index`): row i holds elements [rowEnds[i - 1] (0 for i = 0), rowEnds[i]). */
  rowEnds: Float64Array | null;
}

/** A DynamicTable (units, trials, epochs, ...): columns read on demand. */
export interface NwbTable {
  path: string;
  neurodataType: string | null;
  description: string | null;
  /** Column names in the table's order (its `colnames` attribute). */
  columns: string[];
  rowCount: number;
  ids: Float64Array;
  column(name: string): NwbColumn;
}

/** A TimeIntervals table (trials, epochs, ...), with its start and stop times in seconds. */
export interface NwbIntervals extends NwbTable {
  startTime: Float64Array;
  stopTime: Float64Array;
}

/** The Units table: spike times from the ragged `spike_times` + `spike_times_index`. */
export interface NwbUnits extends NwbTable {
  /** Number of units. */
  count: number;
  /** Total number of spikes. */
  spikeCount: number;
  /** Spike times (s) of every unit, read in one go. */
  spikeTimes(): Float64Array[];
  /** Spike times (s) of unit `index` (a row, not an id), read lazily by slicing. */
  spikeTimesOf(index: number): Float64Array;
}

/** A TimeSeries (or subtype) under /acquisition or /processing; data are read lazily. */
export interface NwbTimeSeries {
  path: string;
  name: string;
  neurodataType: string | null;
  /** Shape of `data`: [time, ...]. */
  shape: number[];
  /** `unit` attribute of `data` (null when absent, as in some old files). */
  unit: string | null;
  /** Sampling rate (Hz) when the series has `starting_time` instead of `timestamps`. */
  rate: number | null;
  startingTime: number | null;
  hasTimestamps: boolean;
  /** Rows [start, stop) of `data` (default all), flattened, as float64. */
  read(range?: { start?: number; stop?: number }): { data: Float64Array; shape: number[] };
  /** Time in seconds of rows [start, stop): `timestamps`, or starting_time + i / rate. */
  timestamps(range?: { start?: number; stop?: number }): Float64Array;
}

export interface NwbFile {
  /** The path, File name, or `<bytes>`. */
  source: string;
  nwbVersion: string | null;
  identifier: string | null;
  sessionDescription: string | null;
  sessionStartTime: string | null;
  units: NwbUnits | null;
  /** Every TimeIntervals table under /intervals, by name (`trials`, `epochs`, ...). */
  intervals: Record<string, NwbIntervals>;
  trials: NwbIntervals | null;
  timeSeries: NwbTimeSeries[];
  /** Releases the file (and its in-memory copy). Lazy reads fail after this. */
  close(): void;
}

interface Context {
  file: H5File;
  name: string;
}

function fail(ctx: Context, part: string, expected: string, found: unknown): RangeError {
  return fileError(READER, ctx.name, part, expected, found);
}

// Runs an h5wasm access and turns its failures into our error naming the part.
function guarded<T>(ctx: Context, part: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof RangeError && error.message.startsWith(`${READER}(`)) throw error;
    throw fail(ctx, part, 'readable', { raw: (error as Error)?.message ?? String(error) });
  }
}

function attrText(entity: Group | Dataset, key: string): string | null {
  const attr = entity.attrs[key];
  if (!attr) return null;
  const value = attr.value;
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  return null;
}

function attrNumber(entity: Group | Dataset, key: string): number | null {
  const attr = entity.attrs[key];
  if (!attr) return null;
  const value = attr.value;
  if (typeof value === 'number') return value;
  if (ArrayBuffer.isView(value) && (value as Float64Array).length === 1) return Number((value as Float64Array)[0]);
  return null;
}

function toValues(ctx: Context, part: string, value: unknown): NwbValues {
  if (value === null || value === undefined) throw fail(ctx, part, 'a dataset with values', value);
  if (typeof value === 'string') return [value];
  if (typeof value === 'number' || typeof value === 'boolean') return Float64Array.of(Number(value));
  if (typeof value === 'bigint') return toValues(ctx, part, [value]);
  if (value instanceof BigInt64Array || value instanceof BigUint64Array || (Array.isArray(value) && typeof value[0] === 'bigint')) {
    const big = value as ArrayLike<bigint>;
    const out = new Float64Array(big.length);
    for (let i = 0; i < big.length; i++) {
      const v = Number(big[i]!);
      if (!Number.isSafeInteger(v)) throw fail(ctx, `${part}[${i}]`, 'an integer within +-2^53', big[i]);
      out[i] = v;
    }
    return out;
  }
  if (ArrayBuffer.isView(value)) return Float64Array.from(value as unknown as ArrayLike<number>);
  if (Array.isArray(value)) {
    if (value.length === 0) return new Float64Array(0);
    if (value.every((v) => typeof v === 'string')) return value as string[];
    if (value.every((v) => typeof v === 'number' || typeof v === 'boolean')) return Float64Array.from(value, Number);
    if (value.every((v) => v !== null && typeof v === 'object' && 'ref_data' in (v as object))) {
      return value.map((ref): string => {
        const target = guarded(ctx, part, () => ctx.file.dereference(ref as Parameters<H5File['dereference']>[0]));
        return target && 'path' in target ? String(target.path) : '';
      });
    }
  }
  throw fail(ctx, part, 'numbers, strings or object references', { raw: 'an unsupported HDF5 type (compound or nested)' });
}

function numeric(ctx: Context, part: string, values: NwbValues): Float64Array {
  if (!(values instanceof Float64Array)) throw fail(ctx, part, 'numeric', { raw: 'text values' });
  return values;
}

function getDataset(ctx: Context, group: Group, key: string, part: string): Dataset {
  const entity = guarded(ctx, part, () => group.get(key));
  if (!isDataset(entity)) throw fail(ctx, part, 'a dataset', entity === null ? { raw: 'missing' } : { raw: 'a group' });
  return entity;
}

function shapeOf(ctx: Context, dataset: Dataset, part: string): number[] {
  const shape = guarded(ctx, part, () => dataset.shape);
  return shape === null ? [] : shape;
}

// A VectorIndex: end offsets, integers, non-decreasing, within [0, targetLength].
function readIndex(ctx: Context, dataset: Dataset, part: string, targetLength: number): Float64Array {
  const ends = numeric(ctx, part, toValues(ctx, part, guarded(ctx, part, () => dataset.value)));
  let previous = 0;
  for (let i = 0; i < ends.length; i++) {
    const e = ends[i]!;
    if (!Number.isInteger(e) || e < previous || e > targetLength) {
      throw fail(ctx, `${part}[${i}]`, `an integer in [${previous}, ${targetLength}] (ragged index in range and non-decreasing)`, e);
    }
    previous = e;
  }
  return ends;
}

function makeTable(ctx: Context, group: Group, path: string): NwbTable {
  const part = path;
  const keys = guarded(ctx, part, () => group.keys());
  const colnamesAttr = group.attrs.colnames ? guarded(ctx, `${part} colnames`, () => group.attrs.colnames!.value) : null;
  const columns = Array.isArray(colnamesAttr)
    ? (colnamesAttr as unknown[]).map(String)
    : typeof colnamesAttr === 'string'
      ? [colnamesAttr]
      : keys.filter((k) => k !== 'id' && !k.endsWith('_index'));
  const ids = keys.includes('id')
    ? numeric(ctx, `${path}/id`, toValues(ctx, `${path}/id`, guarded(ctx, `${path}/id`, () => getDataset(ctx, group, 'id', `${path}/id`).value)))
    : new Float64Array(0);
  const rowCount = ids.length;
  const column = (name: string): NwbColumn => {
    const columnPart = `${path}/${name}`;
    if (!keys.includes(name)) throw fail(ctx, columnPart, `a column of the table (${columns.join(', ')})`, { raw: 'missing' });
    const dataset = getDataset(ctx, group, name, columnPart);
    const shape = shapeOf(ctx, dataset, columnPart);
    const values = toValues(ctx, columnPart, guarded(ctx, columnPart, () => dataset.value));
    let rowEnds: Float64Array | null = null;
    if (keys.includes(`${name}_index`)) {
      const indexPart = `${columnPart}_index`;
      rowEnds = readIndex(ctx, getDataset(ctx, group, `${name}_index`, indexPart), indexPart, shape[0] ?? 0);
      if (rowEnds.length !== rowCount) throw fail(ctx, indexPart, `${rowCount} entries (one per row)`, rowEnds.length);
    } else if ((shape[0] ?? 1) !== rowCount && rowCount > 0) {
      throw fail(ctx, columnPart, `${rowCount} rows (the length of id)`, shape[0]);
    }
    return { name, description: attrText(dataset, 'description'), values, shape, rowEnds };
  };
  return {
    path,
    neurodataType: attrText(group, 'neurodata_type'),
    description: attrText(group, 'description'),
    columns,
    rowCount,
    ids,
    column,
  };
}

function makeIntervals(ctx: Context, group: Group, path: string): NwbIntervals {
  const table = makeTable(ctx, group, path);
  const times = (key: string): Float64Array => {
    const values = numeric(ctx, `${path}/${key}`, table.column(key).values);
    const bad = values.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw fail(ctx, `${path}/${key}[${bad}]`, 'a finite time', values[bad]);
    return values;
  };
  return { ...table, startTime: times('start_time'), stopTime: times('stop_time') };
}

function makeUnits(ctx: Context, group: Group, path: string): NwbUnits {
  const table = makeTable(ctx, group, path);
  const keys = guarded(ctx, path, () => group.keys());
  const timesPart = `${path}/spike_times`;
  const indexPart = `${path}/spike_times_index`;
  let ends: Float64Array = new Float64Array(0);
  let timesDataset: Dataset | null = null;
  if (keys.includes('spike_times')) {
    timesDataset = getDataset(ctx, group, 'spike_times', timesPart);
    const total = shapeOf(ctx, timesDataset, timesPart)[0] ?? 0;
    ends = keys.includes('spike_times_index')
      ? readIndex(ctx, getDataset(ctx, group, 'spike_times_index', indexPart), indexPart, total)
      : Float64Array.of(total);
    if (table.rowCount > 0 && ends.length !== table.rowCount) throw fail(ctx, indexPart, `${table.rowCount} entries (one per unit)`, ends.length);
  }
  const count = table.rowCount > 0 ? table.rowCount : ends.length;
  const checkFinite = (times: Float64Array, offset: number): Float64Array => {
    const bad = times.findIndex((t) => !Number.isFinite(t));
    if (bad >= 0) throw fail(ctx, `${timesPart}[${offset + bad}]`, 'a finite spike time', times[bad]);
    return times;
  };
  const range = (unit: number): [number, number] => [unit === 0 ? 0 : ends[unit - 1]!, ends[unit]!];
  return {
    ...table,
    count,
    spikeCount: ends.length > 0 ? ends[ends.length - 1]! : 0,
    spikeTimes(): Float64Array[] {
      if (!timesDataset) return Array.from({ length: count }, () => new Float64Array(0));
      const ds = timesDataset;
      const all = checkFinite(numeric(ctx, timesPart, toValues(ctx, timesPart, guarded(ctx, timesPart, () => ds.value))), 0);
      return Array.from({ length: count }, (_, u) => all.slice(...range(u)));
    },
    spikeTimesOf(unit: number): Float64Array {
      if (!Number.isInteger(unit) || unit < 0 || unit >= count) throw fail(ctx, 'unit index', `an integer in [0, ${count})`, unit);
      if (!timesDataset) return new Float64Array(0);
      const ds = timesDataset;
      const [start, stop] = range(unit);
      if (stop === start) return new Float64Array(0);
      const values = toValues(ctx, timesPart, guarded(ctx, timesPart, () => ds.slice([[start, stop]])));
      return checkFinite(numeric(ctx, timesPart, values), start);
    },
  };
}

function makeTimeSeries(ctx: Context, group: Group, path: string): NwbTimeSeries {
  const dataPart = `${path}/data`;
  const data = getDataset(ctx, group, 'data', dataPart);
  const shape = shapeOf(ctx, data, dataPart);
  const keys = guarded(ctx, path, () => group.keys());
  const hasTimestamps = keys.includes('timestamps');
  let rate: number | null = null;
  let startingTime: number | null = null;
  if (!hasTimestamps) {
    const starting = getDataset(ctx, group, 'starting_time', `${path}/starting_time`);
    const value = toValues(ctx, `${path}/starting_time`, guarded(ctx, `${path}/starting_time`, () => starting.value));
    startingTime = numeric(ctx, `${path}/starting_time`, value)[0] ?? null;
    rate = attrNumber(starting, 'rate');
    if (rate === null || !(rate > 0)) throw fail(ctx, `${path}/starting_time rate`, 'a positive sampling rate', rate);
  }
  const rows = shape[0] ?? 1;
  const bounds = (part: string, r?: { start?: number; stop?: number }): [number, number] => {
    const start = r?.start ?? 0;
    const stop = r?.stop ?? rows;
    if (!Number.isInteger(start) || !Number.isInteger(stop) || start < 0 || stop > rows || start > stop) {
      throw fail(ctx, part, `a row range within [0, ${rows}]`, { raw: `[${start}, ${stop})` });
    }
    return [start, stop];
  };
  return {
    path,
    name: path.slice(path.lastIndexOf('/') + 1),
    neurodataType: attrText(group, 'neurodata_type'),
    shape,
    unit: attrText(data, 'unit'),
    rate,
    startingTime,
    hasTimestamps,
    read(r) {
      const [start, stop] = bounds(`${dataPart} range`, r);
      const raw = shape.length === 0 ? guarded(ctx, dataPart, () => data.value) : stop === start ? [] : guarded(ctx, dataPart, () => data.slice([[start, stop]]));
      return { data: numeric(ctx, dataPart, toValues(ctx, dataPart, raw)), shape: [stop - start, ...shape.slice(1)] };
    },
    timestamps(r) {
      const [start, stop] = bounds(`${path}/timestamps range`, r);
      if (hasTimestamps) {
        const ds = getDataset(ctx, group, 'timestamps', `${path}/timestamps`);
        if (stop === start) return new Float64Array(0);
        return numeric(ctx, `${path}/timestamps`, toValues(ctx, `${path}/timestamps`, guarded(ctx, `${path}/timestamps`, () => ds.slice([[start, stop]]))));
      }
      return Float64Array.from({ length: stop - start }, (_, i) => startingTime! + (start + i) / rate!);
    },
  };
}

// Walks a group for TimeSeries: groups with a `data` dataset and `timestamps` or `starting_time`.
function findTimeSeries(ctx: Context, group: Group, path: string, depth: number, out: NwbTimeSeries[]): void {
  if (depth > 8) return;
  const keys = guarded(ctx, path, () => group.keys());
  if (keys.includes('data') && (keys.includes('timestamps') || keys.includes('starting_time'))) {
    out.push(makeTimeSeries(ctx, group, path));
    return;
  }
  for (const key of keys) {
    const child = guarded(ctx, `${path}/${key}`, () => group.get(key));
    if (isGroup(child)) findTimeSeries(ctx, child, `${path}/${key}`, depth + 1, out);
  }
}

function rootText(ctx: Context, key: string): string | null {
  const entity = guarded(ctx, key, () => ctx.file.get(key));
  if (!isDataset(entity)) return null;
  const value = guarded(ctx, key, () => entity.value);
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  return null;
}

/**
 * Reads an NWB 2.x file: a path (Node; datasets stay on disk and are read lazily), a
 * Uint8Array or ArrayBuffer, or a browser Blob/File (copied into h5wasm's in-memory
 * file system). Tables and series are described at once; spike times and series data
 * are read when asked for. Call `close()` when done.
 */
export async function readNwb(source: DataSource): Promise<NwbFile> {
  const opened = await openHdf5(READER, source);
  const ctx: Context = { file: opened.file, name: opened.name };
  try {
    const root = opened.file;
    const rootKeys = guarded(ctx, '/', () => root.keys());
    const unitsGroup = rootKeys.includes('units') ? guarded(ctx, 'units', () => root.get('units')) : null;
    const units = isGroup(unitsGroup) ? makeUnits(ctx, unitsGroup, '/units') : null;
    const intervals: Record<string, NwbIntervals> = {};
    const intervalsGroup = rootKeys.includes('intervals') ? guarded(ctx, 'intervals', () => root.get('intervals')) : null;
    if (isGroup(intervalsGroup)) {
      for (const key of guarded(ctx, '/intervals', () => intervalsGroup.keys())) {
        const child = guarded(ctx, `/intervals/${key}`, () => intervalsGroup.get(key));
        if (isGroup(child)) intervals[key] = makeIntervals(ctx, child, `/intervals/${key}`);
      }
    }
    const timeSeries: NwbTimeSeries[] = [];
    for (const top of ['acquisition', 'processing']) {
      if (!rootKeys.includes(top)) continue;
      const group = guarded(ctx, top, () => root.get(top));
      if (isGroup(group)) findTimeSeries(ctx, group, `/${top}`, 0, timeSeries);
    }
    const version = root.attrs.nwb_version ? guarded(ctx, 'nwb_version', () => root.attrs.nwb_version!.value) : null;
    return {
      source: opened.name,
      nwbVersion: typeof version === 'string' ? version : null,
      identifier: rootText(ctx, 'identifier'),
      sessionDescription: rootText(ctx, 'session_description'),
      sessionStartTime: rootText(ctx, 'session_start_time'),
      units,
      intervals,
      trials: intervals.trials ?? null,
      timeSeries,
      close: opened.close,
    };
  } catch (error) {
    opened.close();
    throw error;
  }
}

/** Splits a ragged column into one array per row. */
export function raggedRows(column: NwbColumn): NwbValues[] {
  if (!column.rowEnds) throw fileError(READER, column.name, 'column', 'a ragged column (with an _index)', { raw: 'a plain column' });
  const width = column.shape.slice(1).reduce((a, b) => a * b, 1);
  const ends = column.rowEnds;
  return Array.from(ends, (end, i) => column.values.slice((i === 0 ? 0 : ends[i - 1]!) * width, end * width));
}
