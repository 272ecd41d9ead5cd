import type { Benchmark, BenchContext, BenchOutput } from '../benchmark.js';
import { attempt, emptyOutput, pushComparison } from '../benchmark.js';
import { runVariantInChild } from '../child.js';
import { pythonScript, pythonWith, runPythonJson } from '../python.js';
import { compare, measurement } from '../result.js';
import type { Target } from '../result.js';
import type { KernelOp, KernelsParams, KernelTiming } from '../variants/kernels.js';

const CHILD_VARIANTS = ['typed-array', 'assemblyscript', 'tfjs-cpu', 'tfjs-wasm', 'elbo-cpu-assemblyscript', 'elbo-wasm-assemblyscript'];

const ISSUE_5 = 'issue 5 (@elbo/kernels)';
const TARGETS: Partial<Record<KernelOp, Target>> = {
  normal: { atLeast: 240e6, source: ISSUE_5 },
  'kl-forward': { atLeast: 750e6, source: ISSUE_5 },
  'fused-forward-backward': { atLeast: 150e6, source: ISSUE_5 },
};

interface NumpyOutput {
  readonly numpy: string;
  readonly normal: number[];
  readonly reparameterize: number[];
  readonly 'kl-forward': number[];
  readonly copy_bytes: number[];
}

export const kernels: Benchmark = {
  name: 'kernels',
  description: 'elementwise hot loops of VAE training (float32, one thread): normal draws, reparameterised sampling, KL, fused forward + backward',
  expectedMinutes: 2,
  async run(context: BenchContext): Promise<BenchOutput> {
    const params: KernelsParams = {
      size: context.smoke ? 1 << 16 : 1 << 22,
      warmup: context.smoke ? 1 : 2,
      repetitions: context.smoke ? 1 : (context.repetitions ?? 5),
      secondsPerRepetition: context.smoke ? 0.01 : 0.25,
      seed: 7,
    };
    const output = emptyOutput({ ...params });
    const m = output.measurements;
    for (const variant of CHILD_VARIANTS) {
      const timings = await attempt(output, variant, context, () =>
        runVariantInChild<KernelTiming[]>('kernels', variant, params, { timeoutSeconds: 300, verbose: context.verbose }),
      );
      for (const t of timings ?? []) {
        const target = variant === 'assemblyscript' && !t.flavour ? TARGETS[t.op] : undefined;
        m.push(
          measurement(
            {
              id: `${t.op}:${variant}${t.flavour ? `-${t.flavour}` : ''}`,
              label: `${t.op}: ${t.implementation}`,
              backend: t.backend,
              kernels: variant.includes('assemblyscript') ? 'assemblyscript' : variant === 'typed-array' ? '-' : 'tfjs-ops',
              unit: t.unit,
              higherIsBetter: true,
              warmup: params.warmup,
              details: { callsPerRepetition: t.throughput.callsPerRepetition, size: params.size },
              ...(target ? { target } : {}),
            },
            t.throughput.samples,
          ),
        );
      }
    }
    const copy = m.find((x) => x.id === 'copy:typed-array');
    if (copy) {
      // A KL pass reads two float32 per element and writes nothing; copy's bytes/s count
      // reads and writes, so the read share is half of it.
      m.push(
        measurement(
          {
            id: 'kl-forward:read-ceiling',
            label: 'kl-forward: read-bandwidth ceiling (copy bytes/s / 2 / 8 B)',
            backend: 'typed-array',
            kernels: '-',
            unit: 'elements/s',
            higherIsBetter: true,
          },
          copy.samples.map((bytes) => bytes / 2 / 8),
        ),
      );
    }
    await attempt(output, 'numpy', context, async () => {
      const python = pythonWith('numpy');
      if (!python) throw new Error('no python3 here can import numpy (apt-get install python3-numpy)');
      const np = await runPythonJson<NumpyOutput>(
        python,
        pythonScript('kernels.py'),
        ['--size', String(params.size), '--repetitions', String(params.repetitions), '--seconds', String(params.secondsPerRepetition)],
        300,
      );
      const row = (op: string, label: string, samples: number[], unit = 'elements/s'): void => {
        m.push(measurement({ id: `${op}:numpy`, label: `${op}: ${label}`, backend: `numpy ${np.numpy}`, kernels: '-', unit, higherIsBetter: true }, samples));
      };
      row('normal', 'NumPy float32 ziggurat', np.normal);
      row('reparameterize', 'NumPy expressions', np.reparameterize);
      row('kl-forward', 'NumPy expressions', np['kl-forward']);
      row('copy', 'np.copyto', np.copy_bytes, 'bytes/s');
    });

    const c = (name: string, a: string, b: string, target?: Target): void => pushComparison(output, compare(m, name, a, b, target));
    c('normal: AS / NumPy', 'normal:assemblyscript', 'normal:numpy', { atLeast: 2, source: ISSUE_5 });
    c('normal: AS / plain TS', 'normal:assemblyscript', 'normal:typed-array');
    c('normal: AS / tf.randomNormal wasm', 'normal:assemblyscript', 'normal-tf.randomNormal:tfjs-wasm');
    c('reparameterize: AS / tfjs-wasm ops', 'reparameterize:assemblyscript', 'reparameterize:tfjs-wasm');
    c('kl-forward: AS / tfjs-wasm ops', 'kl-forward:assemblyscript', 'kl-forward:tfjs-wasm');
    c('kl-forward: AS / read ceiling', 'kl-forward:assemblyscript', 'kl-forward:read-ceiling', { atLeast: 0.5, source: ISSUE_5 });
    c('fused: AS / tfjs-wasm ops', 'fused-forward-backward:assemblyscript', 'fused-forward-backward:tfjs-wasm');
    c('fused: AS / plain TS', 'fused-forward-backward:assemblyscript', 'fused-forward-backward:typed-array');
    c('fused: AS plugin on wasm / tfjs-wasm ops', 'fused-forward-backward:elbo-wasm-assemblyscript', 'fused-forward-backward:tfjs-wasm');
    c('fused: AS plugin on cpu / tfjs-cpu ops', 'fused-forward-backward:elbo-cpu-assemblyscript', 'fused-forward-backward:tfjs-cpu');

    output.references.push(
      { what: 'tf.randomNormal on tfjs-wasm', value: 34e6, unit: 'normals/s', source: ISSUE_5 },
      { what: 'plain JavaScript Box-Muller', value: 51e6, unit: 'normals/s', source: ISSUE_5 },
      { what: "NumPy's float32 ziggurat", value: 118e6, unit: 'normals/s', source: ISSUE_5 },
      { what: 'diagonal-Gaussian KL through tfjs-wasm ops', value: 107e6, unit: 'elements/s', source: ISSUE_5 },
      { what: 'reparameterised sampling through tfjs-wasm ops', value: 26e6, unit: 'elements/s', source: ISSUE_5 },
      { what: 'memory copy (read + write)', value: 24e9, unit: 'bytes/s', source: ISSUE_5 },
    );
    output.notes.push(
      `Arrays of ${params.size} float32 elements; KL is summed to a scalar and read back; "fused" draws eps, computes z and KL and the gradients of sum(gradZ * z) + KL w.r.t. mu and logvar (tfjs: tf.grads through the kernel plugin).`,
    );
    return output;
  },
};
