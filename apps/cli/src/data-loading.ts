import { binSpikes, readCsv, readIdx, readNpy, readNpz, readNwb } from '@elbo/data-io';
import type { NpyArray, NwbFile } from '@elbo/data-io';
import { CliError, EXIT, fileError, oneLine, optionError } from './errors.js';
import { detectFormat } from './data-format.js';
import type { DataFormat, FormatChoice } from './data-format.js';

/** How to read a data file: the --format, --key, --columns and NWB binning options. */
export interface DataOptions {
  readonly format: FormatChoice;
  /** Array inside an .npz (default: the first numeric array). */
  readonly key?: string | undefined;
  /** CSV columns to use, as a regular expression (default: `unit_*` columns when present, else every numeric column). */
  readonly columns?: string | undefined;
  /** NWB: bin width in seconds. */
  readonly binSize: number;
  /** NWB: trials column the window is aligned to. */
  readonly align: string;
  /** NWB: [from, to] seconds around the alignment time (default: 0 to the shortest trial). */
  readonly window?: readonly [number, number] | undefined;
  /** Continuous data (NWB without trials, 2-D arrays for sequences): steps per trial. */
  readonly trialBins: number;
  /** Use only the first N examples (rows, images or trials). */
  readonly limit?: number | undefined;
}

/** A data file read into one float32 array, with what the models need to know about it. */
export interface LoadedData {
  readonly path: string;
  readonly format: DataFormat;
  readonly values: Float32Array;
  /** [N, ...] as stored: images [N, 28, 28], trials [trials, bins, neurons], rows [N, D]. */
  readonly shape: number[];
  /** Every value a finite non-negative integer (spike counts). */
  readonly counts: boolean;
  /** Every value in [0, 1]. */
  readonly unitInterval: boolean;
  /** Images (IDX): one example per leading index; raw bytes were divided by 255. */
  readonly images: boolean;
  /** Time-bin width in seconds, when the data are binned spikes. */
  readonly binSize?: number;
  /** What was read, for logs and metrics.json. */
  readonly description: string;
}

/** Reads --data with the given options; every failure names the file and what was wrong. */
export async function loadData(path: string, options: DataOptions): Promise<LoadedData> {
  const format = await detectFormat(path, options.format);
  let raw: { values: Float32Array; shape: number[]; images?: boolean; binSize?: number; description: string };
  try {
    switch (format) {
      case 'idx':
        raw = await loadIdx(path);
        break;
      case 'npy':
        raw = fromNpy(await readNpy(path), `${path}`);
        break;
      case 'npz':
        raw = await loadNpz(path, options.key);
        break;
      case 'csv':
        raw = await loadCsv(path, options.columns);
        break;
      case 'nwb':
        raw = await loadNwb(path, options);
        break;
    }
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw fileError(path, `cannot be read as ${format} (${stripPrefix(oneLine(error), path)})`);
  }
  let { values, shape, description } = raw;
  if (options.limit !== undefined && options.limit < shape[0]!) {
    description += `, first ${options.limit} (--limit)`;
    const perExample = shape.slice(1).reduce((a, b) => a * b, 1);
    values = values.slice(0, options.limit * perExample);
    shape = [options.limit, ...shape.slice(1)];
  }
  let counts = true;
  let unitInterval = true;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) throw fileError(path, `value ${i} (flat index) must be finite, found ${v}`);
    if (counts && (v < 0 || v !== Math.round(v))) counts = false;
    if (unitInterval && (v < 0 || v > 1)) unitInterval = false;
  }
  if (values.length === 0) throw fileError(path, `holds no values (shape [${shape.join(', ')}])`);
  return {
    path,
    format,
    values,
    shape,
    counts,
    unitInterval,
    images: raw.images ?? false,
    ...(raw.binSize === undefined ? {} : { binSize: raw.binSize }),
    description,
  };
}

/** Rows for the VAE: images stay one example each; sequences become one row per time step. */
export function asRows(data: LoadedData): { values: Float32Array; rows: number; columns: number; rowShape: number[] } {
  const { shape } = data;
  if (shape.length === 1) return { values: data.values, rows: shape[0]!, columns: 1, rowShape: [1] };
  if (data.images || shape.length === 2) {
    const columns = shape.slice(1).reduce((a, b) => a * b, 1);
    return { values: data.values, rows: shape[0]!, columns, rowShape: shape.slice(1) };
  }
  const columns = shape[shape.length - 1]!;
  return { values: data.values, rows: data.values.length / columns, columns, rowShape: [columns] };
}

/** Trials for the SeqVAE: [trials, steps, features]; 2-D data [T, D] are cut into trials of `trialBins` steps. */
export function asSequences(data: LoadedData, trialBins: number): { values: Float32Array; shape: [number, number, number] } {
  const { shape } = data;
  if (shape.length === 3) return { values: data.values, shape: [shape[0]!, shape[1]!, shape[2]!] };
  if (shape.length === 2) {
    const [steps, features] = [shape[0]!, shape[1]!];
    const trials = Math.floor(steps / trialBins);
    if (trials < 1) throw optionError('--trial-bins', `at most the ${steps} rows of ${data.path}`, trialBins);
    return { values: data.values.slice(0, trials * trialBins * features), shape: [trials, trialBins, features] };
  }
  throw fileError(data.path, `must hold sequences [trials, steps, features] or rows [steps, features] for seq-vae, found shape [${shape.join(', ')}]`);
}

async function loadIdx(path: string): Promise<{ values: Float32Array; shape: number[]; images: boolean; description: string }> {
  const idx = await readIdx(path);
  const images = idx.dtype === 'uint8' && idx.shape.length >= 2;
  const values = images ? Float32Array.from(idx.data, (v) => v / 255) : Float32Array.from(idx.data);
  return { values, shape: idx.shape, images, description: `IDX ${idx.dtype} [${idx.shape.join(', ')}]${images ? ', pixels / 255' : ''}` };
}

function fromNpy(array: NpyArray, name: string): { values: Float32Array; shape: number[]; description: string } {
  if (Array.isArray(array.data)) throw new Error(`${name} holds strings (${array.dtype}), expected numbers`);
  const data = array.data as ArrayLike<number | bigint>;
  const values = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) values[i] = Number(data[i]!);
  const shape = array.shape.length === 0 ? [1] : array.shape;
  return { values, shape, description: `${array.dtype} [${array.shape.join(', ')}]` };
}

async function loadNpz(path: string, key: string | undefined): Promise<{ values: Float32Array; shape: number[]; description: string }> {
  const arrays = await readNpz(path);
  const names = Object.keys(arrays);
  const numeric = names.filter((n) => !Array.isArray(arrays[n]!.data) && arrays[n]!.shape.length >= 1);
  const chosen = key ?? numeric[0];
  if (chosen === undefined) throw fileError(path, `holds no numeric array (arrays: ${names.join(', ') || 'none'})`);
  const array = arrays[chosen];
  if (array === undefined) throw optionError('--key', `one of the arrays in ${path} (${names.join(', ')})`, chosen);
  const loaded = fromNpy(array, `${path}:${chosen}`);
  return { ...loaded, description: `array '${chosen}' ${loaded.description}` };
}

async function loadCsv(path: string, columns: string | undefined): Promise<{ values: Float32Array; shape: number[]; description: string }> {
  const table = await readCsv(path);
  const numeric = table.columns.filter((c) => table.numeric[c] !== undefined);
  let pattern: RegExp | undefined;
  if (columns !== undefined) {
    try {
      pattern = new RegExp(columns);
    } catch {
      throw optionError('--columns', 'a regular expression', columns);
    }
  }
  const units = numeric.filter((c) => /^unit_/.test(c));
  const chosen = pattern ? numeric.filter((c) => pattern.test(c)) : units.length > 0 ? units : numeric;
  if (chosen.length === 0) {
    throw fileError(path, `has no numeric column${pattern ? ` matching --columns ${columns}` : ''} (numeric columns: ${numeric.slice(0, 8).join(', ') || 'none'})`);
  }
  for (const c of chosen) {
    if ((table.missing[c] ?? 0) > 0) throw fileError(path, `column ${c} has ${table.missing[c]} empty cells, expected numbers in every row`);
  }
  const rows = table.rowCount;
  const values = new Float32Array(rows * chosen.length);
  chosen.forEach((c, j) => {
    const column = table.numeric[c]!;
    for (let i = 0; i < rows; i++) values[i * chosen.length + j] = column[i]!;
  });
  return { values, shape: [rows, chosen.length], description: `CSV ${rows} rows x ${chosen.length} columns (${chosen[0]}${chosen.length > 1 ? ` ... ${chosen[chosen.length - 1]}` : ''})` };
}

async function loadNwb(path: string, options: DataOptions): Promise<{ values: Float32Array; shape: number[]; binSize: number; description: string }> {
  const nwb: NwbFile = await readNwb(path);
  try {
    if (nwb.units === null || nwb.units.count === 0) throw fileError(path, 'has no units table with spike times (units/spike_times), expected sorted spikes');
    const spikes = nwb.units.spikeTimes();
    const { binSize } = options;
    if (nwb.trials !== null && nwb.trials.rowCount > 0) {
      const window = options.window ?? [0, shortestTrial(nwb, path)];
      let binned;
      try {
        binned = binSpikes(spikes, { trials: nwb.trials, align: options.align, window, binSize });
      } catch (error) {
        throw new CliError(`${path}: --bin-size ${binSize} --align ${options.align} --window ${window.join(',')}: ${stripPrefix(oneLine(error), 'binSpikes')}`, EXIT.usage);
      }
      const [trials, bins, neurons] = binned.shape;
      return {
        values: binned.counts,
        shape: [trials, bins, neurons],
        binSize,
        description: `NWB ${neurons} units, ${trials} trials aligned to ${options.align}, window [${window.join(', ')}] s, ${bins} bins of ${binSize * 1000} ms`,
      };
    }
    // No trials: bin the whole recording and cut it into consecutive trials.
    let first = Infinity;
    let last = -Infinity;
    for (const unit of spikes) {
      if (unit.length === 0) continue;
      first = Math.min(first, unit[0]!);
      last = Math.max(last, unit[unit.length - 1]!);
    }
    if (!Number.isFinite(first)) throw fileError(path, 'has units but no spikes');
    const totalBins = Math.floor((last - first) / binSize) + 1;
    const trials = Math.floor(totalBins / options.trialBins);
    if (trials < 1) throw optionError('--trial-bins', `at most the ${totalBins} bins of ${path} at --bin-size ${binSize}`, options.trialBins);
    const stop = first + trials * options.trialBins * binSize;
    const binned = binSpikes(spikes, { start: first, stop, binSize });
    const neurons = binned.shape[2];
    return {
      values: binned.counts.slice(0, trials * options.trialBins * neurons),
      shape: [trials, options.trialBins, neurons],
      binSize,
      description: `NWB ${neurons} units, no trials table: ${trials} consecutive segments of ${options.trialBins} bins of ${binSize * 1000} ms`,
    };
  } finally {
    nwb.close();
  }
}

function shortestTrial(nwb: NwbFile, path: string): number {
  const trials = nwb.trials!;
  if (!trials.stopTime) throw optionError('--window', `given for ${path} (its trials have no stop_time)`, undefined);
  let shortest = Infinity;
  for (let i = 0; i < trials.rowCount; i++) shortest = Math.min(shortest, trials.stopTime[i]! - trials.startTime[i]!);
  return shortest;
}

// Library messages start with their own `reader(file):` prefix; the CLI already names the file.
function stripPrefix(message: string, name: string): string {
  const at = message.indexOf(name);
  const colon = message.indexOf(': ');
  if (at >= 0 && colon > at && colon < at + name.length + 4) return message.slice(colon + 2);
  return message;
}
