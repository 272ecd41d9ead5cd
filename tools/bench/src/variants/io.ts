import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Generator } from '@elbo/runtime';
import { importOptional } from '../optional.js';
import { MC_MAZE_NWB } from '../paths.js';
import { measureThroughput } from '../timing.js';
import type { Throughput } from '../timing.js';

export interface IoParams {
  readonly warmup: number;
  readonly repetitions: number;
  /** Bin width for the MC_Maze spike counts, seconds. */
  readonly binSize: number;
  /** Trial window around movement onset, seconds (the MC_Maze protocol of the seq-vae benchmark). */
  readonly window: readonly [number, number];
  /** Float32 elements of the .npy file read back. */
  readonly npyElements: number;
  /** Where the .npy file is written (the parent passes it to Python too). */
  readonly npyPath: string;
}

export interface IoTiming {
  readonly id: string;
  readonly label: string;
  readonly unit: string;
  readonly throughput: Throughput;
  readonly details: Record<string, unknown>;
}

interface NwbUnits {
  count: number;
  spikeCount: number;
  spikeTimes(): Float64Array[];
}
interface NwbFile {
  units: NwbUnits | null;
  trials: { rowCount: number; column(name: string): { values: Float64Array | string[] } } | null;
  close(): void;
}
interface BinnedCounts {
  counts: Float32Array;
  shape: number[];
}
interface DataIo {
  readNwb(source: string): Promise<NwbFile>;
  readNpy(source: string): Promise<{ data: ArrayLike<number>; shape: number[] }>;
  writeNpy(array: { data: Float32Array; shape: number[] }): Uint8Array;
  binSpikes?(
    spikeTimes: Float64Array[],
    options: { trials: Float64Array; window: readonly [number, number]; binSize: number },
  ): BinnedCounts;
}

export interface IoOutput {
  readonly timings: IoTiming[];
  /** Pieces that could not be measured, with the reason. */
  readonly missing: { id: string; reason: string }[];
}

/** Each timed piece runs `repetitions` times; one "call" is one whole read (or binning). */
export async function runVariant(variant: string, params: IoParams): Promise<IoOutput> {
  if (variant !== 'data-io') throw new Error(`unknown io variant '${variant}'`);
  const io = await importOptional<DataIo>('@elbo/data-io');
  const output: IoOutput = { timings: [], missing: [] };
  const options = (workPerCall: number) => ({
    warmup: params.warmup,
    repetitions: params.repetitions,
    callsPerRepetition: 1,
    workPerCall,
  });

  // .npy: a float32 file written once with writeNpy, then read back from disk.
  const data = Generator.fromSeed(3).uniformArray(params.npyElements);
  const bytes = io.writeNpy({ data, shape: [params.npyElements] });
  writeFileSync(params.npyPath, bytes);
  const npy = await measureThroughput(async () => {
    const array = await io.readNpy(params.npyPath);
    if (array.data.length !== params.npyElements) throw new Error('readNpy returned the wrong length');
  }, options(bytes.length));
  output.timings.push({
    id: 'npy-read',
    label: `readNpy (${(bytes.length / 2 ** 20).toFixed(0)} MiB float32 file)`,
    unit: 'bytes/s',
    throughput: npy,
    details: { bytes: bytes.length },
  });

  if (typeof io.readNwb !== 'function') {
    output.missing.push({ id: 'nwb-read', reason: '@elbo/data-io does not export readNwb yet' });
    return output;
  }
  // NWB: open the file, read every unit's spike times and the trials' movement onsets.
  let spikeTimes: Float64Array[] = [];
  let onsets = new Float64Array(0);
  let spikes = 0;
  const readNwb = async (): Promise<void> => {
    const file = await io.readNwb(MC_MAZE_NWB);
    try {
      if (!file.units || !file.trials) throw new Error('the MC_Maze file has no units or trials table');
      spikeTimes = file.units.spikeTimes();
      const values = file.trials.column('move_onset_time').values;
      if (!(values instanceof Float64Array)) throw new Error('move_onset_time is not numeric');
      onsets = values.slice();
      spikes = file.units.spikeCount;
    } finally {
      file.close();
    }
  };
  output.timings.push({
    id: 'nwb-read',
    label: 'readNwb (MC_Maze_small): spike times + move onsets',
    unit: 'reads/s',
    throughput: await measureThroughput(readNwb, options(1)),
    details: { bytes: statSync(MC_MAZE_NWB).size, units: spikeTimes.length, spikes, trials: onsets.length },
  });

  const binSpikes = io.binSpikes;
  if (typeof binSpikes !== 'function') {
    output.missing.push({ id: 'nwb-bin', reason: '@elbo/data-io has no binSpikes yet' });
    return output;
  }
  const bins = Math.round((params.window[1] - params.window[0]) / params.binSize);
  output.timings.push({
    id: 'nwb-bin',
    label: `binSpikes: ${onsets.length} trials x ${bins} bins x ${spikeTimes.length} units`,
    unit: 'binnings/s',
    throughput: await measureThroughput(() => binSpikes(spikeTimes, { trials: onsets, window: params.window, binSize: params.binSize }), options(1)),
    details: { binSize: params.binSize, window: params.window },
  });
  return output;
}

/** A scratch folder for the .npy file shared by the Node and Python readers. */
export function scratchDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'elbo-bench-io-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
