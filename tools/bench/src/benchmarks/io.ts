import { join } from 'node:path';
import type { Benchmark, BenchContext, BenchOutput } from '../benchmark.js';
import { attempt, emptyOutput, pushComparison } from '../benchmark.js';
import { runVariantInChild } from '../child.js';
import { MC_MAZE_NWB } from '../paths.js';
import { pythonScript, pythonWith, runPythonJson } from '../python.js';
import { compare, measurement } from '../result.js';
import type { IoOutput, IoParams } from '../variants/io.js';
import { scratchDir } from '../variants/io.js';

interface PythonIo {
  readonly h5py: string;
  readonly numpy: string;
  readonly nwb_reads_per_second: number[];
  readonly binnings_per_second: number[];
  readonly npy_bytes_per_second: number[];
}

/** Per-second rates of one whole operation to milliseconds per operation. */
const toMs = (perSecond: number): number => 1000 / perSecond;

export const io: Benchmark = {
  name: 'io',
  description: 'NWB read and spike binning of MC_Maze_small; .npy read throughput (@elbo/data-io beside h5py/NumPy)',
  expectedMinutes: 1,
  async run(context: BenchContext): Promise<BenchOutput> {
    const scratch = scratchDir();
    try {
      const params: IoParams = {
        warmup: 1,
        repetitions: context.smoke ? 1 : (context.repetitions ?? 5),
        binSize: 0.005,
        window: [-0.25, 0.45],
        npyElements: context.smoke ? 1 << 16 : 1 << 24,
        npyPath: join(scratch.dir, 'bench.npy'),
      };
      const output = emptyOutput({ ...params, nwb: MC_MAZE_NWB, npyPath: undefined });
      const m = output.measurements;
      const ours = await attempt(output, 'data-io', context, () =>
        runVariantInChild<IoOutput>('io', 'data-io', params, { timeoutSeconds: 300, verbose: context.verbose }),
      );
      for (const t of ours?.timings ?? []) {
        const common = { id: `${t.id}:data-io`, label: t.label, backend: 'node', kernels: '-', warmup: params.warmup, details: t.details };
        m.push(
          t.unit === 'bytes/s'
            ? measurement({ ...common, unit: t.unit, higherIsBetter: true }, t.throughput.samples)
            : measurement({ ...common, unit: 'ms', higherIsBetter: false }, t.throughput.samples.map(toMs)),
        );
      }
      output.skipped.push(...(ours?.missing ?? []));
      // Python reads the .npy file the Node variant wrote, so it only runs after it.
      if (ours) {
        await attempt(output, 'h5py+numpy', context, async () => {
          const python = pythonWith('h5py', 'numpy');
          if (!python) throw new Error('no python3 here can import h5py and numpy (apt-get install python3-h5py)');
          const py = await runPythonJson<PythonIo>(
            python,
            pythonScript('io_read.py'),
            [
              '--nwb', MC_MAZE_NWB,
              '--npy', params.npyPath,
              '--bin-size', String(params.binSize),
              '--window', String(params.window[0]), String(params.window[1]),
              '--repetitions', String(params.repetitions),
            ],
            300,
          );
          const backend = `h5py ${py.h5py}, numpy ${py.numpy}`;
          const row = (id: string, label: string, unit: string, samples: number[]): void => {
            m.push(measurement({ id, label, backend, kernels: '-', unit, higherIsBetter: unit !== 'ms', warmup: 1 }, samples));
          };
          row('nwb-read:python', 'h5py: spike times + move onsets', 'ms', py.nwb_reads_per_second.map(toMs));
          row('nwb-bin:python', 'NumPy binning (np.histogram per trial and unit)', 'ms', py.binnings_per_second.map(toMs));
          row('npy-read:python', 'np.load', 'bytes/s', py.npy_bytes_per_second);
        });
      }
      pushComparison(output, compare(m, 'NWB read time: data-io / h5py', 'nwb-read:data-io', 'nwb-read:python'));
      pushComparison(output, compare(m, 'binning time: data-io / NumPy', 'nwb-bin:data-io', 'nwb-bin:python'));
      pushComparison(output, compare(m, '.npy read: data-io / np.load', 'npy-read:data-io', 'npy-read:python'));
      output.notes.push('Reads are from the page cache after the warm-up (files this size stay cached): they measure parsing and copying, not the disk.');
      return output;
    } finally {
      scratch.remove();
    }
  },
};
