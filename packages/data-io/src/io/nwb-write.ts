import type { Group } from 'h5wasm';
import { invalidArgument } from '@elbo/runtime';
import { writeHdf5InMemory } from './hdf5-file.js';

const WHERE = 'writeNwb';
const NWB_VERSION = '2.6.0';

/** An extra table column: one value per row (numbers or strings). */
export interface NwbColumnInput {
  values: ArrayLike<number> | readonly string[];
  description?: string;
}

export interface WriteNwbOptions {
  /** Unique identifier of the file. Default: a random UUID. */
  identifier?: string;
  sessionDescription: string;
  /** Session start, a Date or an ISO 8601 string with time zone. */
  sessionStartTime: Date | string;
  units?: {
    /** Spike times in seconds, one array per unit. */
    spikeTimes: readonly ArrayLike<number>[];
    /** Unit ids (integers). Default 0..n-1. */
    ids?: readonly number[];
    description?: string;
    columns?: Record<string, NwbColumnInput>;
  };
  trials?: {
    startTime: ArrayLike<number>;
    stopTime: ArrayLike<number>;
    description?: string;
    columns?: Record<string, NwbColumnInput>;
  };
}

const uuid = (): string => globalThis.crypto.randomUUID();

function checkFinite(what: string, values: ArrayLike<number>): Float64Array {
  const out = Float64Array.from(values);
  const bad = out.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw invalidArgument(WHERE, `${what}[${bad}]`, 'a finite number', out[bad]);
  return out;
}

function isoTime(value: Date | string): string {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw invalidArgument(WHERE, 'sessionStartTime', 'a valid date', value);
    return value.toISOString().replace('Z', '+00:00');
  }
  if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) {
    throw invalidArgument(WHERE, 'sessionStartTime', 'a Date or an ISO 8601 string', value);
  }
  return value;
}

// Attributes hdmf/pynwb put on every typed object.
function typed(entity: Group | ReturnType<Group['create_dataset']>, type: string, namespace: string, description?: string): void {
  entity.create_attribute('neurodata_type', type);
  entity.create_attribute('namespace', namespace);
  entity.create_attribute('object_id', uuid());
  if (description !== undefined) entity.create_attribute('description', description);
}

// The smallest unsigned type that holds every offset, as pynwb chooses.
function indexArray(length: number, max: number): Uint8Array | Uint16Array | Uint32Array {
  if (max <= 0xff) return new Uint8Array(length);
  if (max <= 0xffff) return new Uint16Array(length);
  if (max <= 0xffffffff) return new Uint32Array(length);
  throw invalidArgument(WHERE, 'units.spikeTimes', 'fewer than 2^32 spikes in all', max);
}

function writeColumns(table: Group, where: string, rows: number, columns: Record<string, NwbColumnInput> | undefined, taken: string[]): string[] {
  const names: string[] = [];
  for (const [name, column] of Object.entries(columns ?? {})) {
    if (taken.includes(name) || name === 'id' || name.endsWith('_index') || name.includes('/') || name.length === 0) {
      throw invalidArgument(WHERE, `${where}.columns name`, 'a new name (not id, *_index or a built-in column)', name);
    }
    if (column.values.length !== rows) throw invalidArgument(WHERE, `${where}.columns.${name}`, `${rows} values (one per row)`, column.values.length);
    const isText = Array.from(column.values as ArrayLike<unknown>).every((v) => typeof v === 'string');
    const data = isText ? (Array.from(column.values as readonly string[]) as string[]) : checkFinite(`${where}.columns.${name}`, column.values as ArrayLike<number>);
    const dataset = table.create_dataset({ name, data });
    typed(dataset, 'VectorData', 'hdmf-common', column.description ?? name);
    names.push(name);
  }
  return names;
}

function writeIds(table: Group, ids: readonly number[]): void {
  const dataset = table.create_dataset({ name: 'id', data: BigInt64Array.from(ids, (v) => BigInt(v)) });
  typed(dataset, 'ElementIdentifiers', 'hdmf-common');
}

/**
 * Writes a minimal valid NWB 2.x file (pynwb's layout: the NWBFile root, units as a
 * Units table with ragged spike times, trials as a TimeIntervals table) and returns
 * its bytes. Works in Node and browsers (h5wasm in memory).
 */
export async function writeNwb(options: WriteNwbOptions): Promise<Uint8Array<ArrayBuffer>> {
  if (typeof options?.sessionDescription !== 'string') {
    throw invalidArgument(WHERE, 'sessionDescription', 'a string', options?.sessionDescription);
  }
  const start = isoTime(options.sessionStartTime);
  const identifier = options.identifier ?? uuid();
  const units = options.units;
  let spikeTimes: Float64Array[] = [];
  let unitIds: number[] = [];
  if (units) {
    if (!Array.isArray(units.spikeTimes)) throw invalidArgument(WHERE, 'units.spikeTimes', 'an array of spike-time arrays', units.spikeTimes);
    spikeTimes = units.spikeTimes.map((t, u) => checkFinite(`units.spikeTimes[${u}]`, t));
    unitIds = units.ids ? [...units.ids] : spikeTimes.map((_, i) => i);
    if (unitIds.length !== spikeTimes.length || !unitIds.every((v) => Number.isSafeInteger(v))) {
      throw invalidArgument(WHERE, 'units.ids', `${spikeTimes.length} integers`, units.ids);
    }
  }
  const trials = options.trials;
  let trialStart: Float64Array = new Float64Array(0);
  let trialStop: Float64Array = new Float64Array(0);
  if (trials) {
    trialStart = checkFinite('trials.startTime', trials.startTime);
    trialStop = checkFinite('trials.stopTime', trials.stopTime);
    if (trialStart.length !== trialStop.length) throw invalidArgument(WHERE, 'trials.stopTime', `${trialStart.length} values (as startTime)`, trialStop.length);
    const bad = trialStart.findIndex((s, i) => trialStop[i]! < s);
    if (bad >= 0) throw invalidArgument(WHERE, `trials.stopTime[${bad}]`, `>= startTime (${trialStart[bad]})`, trialStop[bad]);
  }

  return writeHdf5InMemory((file) => {
    file.create_attribute('namespace', 'core');
    file.create_attribute('neurodata_type', 'NWBFile');
    file.create_attribute('nwb_version', NWB_VERSION);
    file.create_attribute('object_id', uuid());
    file.create_dataset({ name: 'file_create_date', data: [new Date().toISOString().replace('Z', '+00:00')] });
    file.create_dataset({ name: 'identifier', data: identifier });
    file.create_dataset({ name: 'session_description', data: options.sessionDescription });
    file.create_dataset({ name: 'session_start_time', data: start });
    file.create_dataset({ name: 'timestamps_reference_time', data: start });
    for (const group of ['acquisition', 'analysis', 'general', 'processing', 'stimulus']) file.create_group(group);
    file.create_group('stimulus/presentation');
    file.create_group('stimulus/templates');

    if (trials) {
      const intervals = file.create_group('intervals');
      const table = intervals.create_group('trials');
      writeIds(table, Array.from(trialStart, (_, i) => i));
      const startSet = table.create_dataset({ name: 'start_time', data: trialStart });
      typed(startSet, 'VectorData', 'hdmf-common', 'Start time of epoch, in seconds');
      const stopSet = table.create_dataset({ name: 'stop_time', data: trialStop });
      typed(stopSet, 'VectorData', 'hdmf-common', 'Stop time of epoch, in seconds');
      const extra = writeColumns(table, 'trials', trialStart.length, trials.columns, ['start_time', 'stop_time']);
      table.create_attribute('colnames', ['start_time', 'stop_time', ...extra]);
      typed(table, 'TimeIntervals', 'core', trials.description ?? 'experimental trials');
    }

    if (units) {
      const table = file.create_group('units');
      writeIds(table, unitIds);
      const total = spikeTimes.reduce((n, t) => n + t.length, 0);
      const all = new Float64Array(total);
      const ends = indexArray(spikeTimes.length, total);
      let offset = 0;
      spikeTimes.forEach((t, u) => {
        all.set(t, offset);
        offset += t.length;
        ends[u] = offset;
      });
      const times = table.create_dataset({ name: 'spike_times', data: all });
      typed(times, 'VectorData', 'hdmf-common', 'the spike times for each unit');
      const index = table.create_dataset({ name: 'spike_times_index', data: ends });
      typed(index, 'VectorIndex', 'hdmf-common', "Index for VectorData 'spike_times'");
      index.create_attribute('target', times.create_reference());
      const extra = writeColumns(table, 'units', spikeTimes.length, units.columns, ['spike_times']);
      table.create_attribute('colnames', ['spike_times', ...extra]);
      typed(table, 'Units', 'core', units.description ?? 'data on spiking units');
    }
  });
}
