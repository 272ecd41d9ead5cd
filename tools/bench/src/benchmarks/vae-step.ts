import type { Benchmark, BenchContext, BenchOutput } from '../benchmark.js';
import { attempt, emptyOutput, pushComparison } from '../benchmark.js';
import { runVariantInChild } from '../child.js';
import { pythonScript, pythonWith, runPythonJson } from '../python.js';
import { compare, measurement } from '../result.js';
import type { VaeStepOutput, VaeStepParams } from '../variants/vae-step.js';

interface Variant {
  readonly id: string;
  readonly label: string;
}

const VARIANTS: readonly Variant[] = [
  { id: 'plain@tfjs-cpu', label: 'plain tfjs step, tfjs-backend-cpu' },
  { id: 'plain@tfjs-wasm', label: 'plain tfjs step, tfjs-backend-wasm' },
  { id: 'plain@elbo-wasm-tfjs-ops', label: 'plain tfjs step, elbo wasm()' },
  { id: 'vae@elbo-cpu-tfjs-ops', label: '@elbo/vae step, cpu' },
  { id: 'vae@elbo-cpu-assemblyscript', label: '@elbo/vae step, cpu + AS kernels' },
  { id: 'vae@elbo-wasm-tfjs-ops', label: '@elbo/vae step, wasm()' },
  { id: 'vae@elbo-wasm-assemblyscript', label: '@elbo/vae step, wasm() + AS kernels' },
];

const PYTORCH_ID = 'pytorch-1-thread';
const ISSUE_4 = 'issue 4 (backend-wasm), measured on this machine before the work';

interface PytorchOutput {
  readonly samples_per_second: number[];
  readonly torch: string;
  readonly threads: number;
}

export const vaeStep: Benchmark = {
  name: 'vae-step',
  description: 'samples/s of one training step of the canonical VAE (784-400-20, Bernoulli, batch 128, Adam)',
  expectedMinutes: 4,
  async run(context: BenchContext): Promise<BenchOutput> {
    const params: VaeStepParams = {
      batchSize: 128,
      warmup: context.smoke ? 1 : 5,
      repetitions: context.smoke ? 1 : (context.repetitions ?? 5),
      stepsPerRepetition: context.smoke ? 2 : 10,
      seed: 1,
    };
    const output = emptyOutput({ ...params });
    for (const variant of VARIANTS) {
      // tfjs-backend-cpu is ~20x slower than the rest: fewer steps keep the suite short
      // (one cpu step already takes longer than ten wasm steps).
      const onCpu = variant.id === 'plain@tfjs-cpu' || variant.id.startsWith('vae@elbo-cpu');
      const own = onCpu ? { ...params, warmup: Math.min(2, params.warmup), stepsPerRepetition: Math.min(2, params.stepsPerRepetition) } : params;
      const result = await attempt(output, variant.id, context, () =>
        runVariantInChild<VaeStepOutput>('vae-step', variant.id, own, { timeoutSeconds: 300, verbose: context.verbose }),
      );
      if (!result) continue;
      const { throughput, target } = result;
      output.measurements.push(
        measurement(
          {
            id: variant.id,
            label: variant.label,
            backend: target.backend + (target.simd ? ' (simd)' : ''),
            kernels: target.kernels,
            unit: 'samples/s',
            higherIsBetter: true,
            warmup: throughput.warmup,
            details: { stepsPerRepetition: throughput.callsPerRepetition, notes: target.notes },
          },
          throughput.samples,
        ),
      );
    }
    // PyTorch is ~20x faster per step: more steps per repetition for a timing of similar length.
    const torchSteps = context.smoke ? 2 : 50;
    await attempt(output, PYTORCH_ID, context, async () => {
      const python = pythonWith('torch');
      if (!python) throw new Error('no python3 here can import torch (apt-get install python3-torch)');
      const torch = await runPythonJson<PytorchOutput>(
        python,
        pythonScript('vae_step.py'),
        ['--batch', '128', '--warmup', String(params.warmup), '--repetitions', String(params.repetitions), '--steps', String(torchSteps)],
        300,
      );
      output.measurements.push(
        measurement(
          {
            id: PYTORCH_ID,
            label: `PyTorch ${torch.torch}, ${torch.threads} thread`,
            backend: 'pytorch',
            kernels: 'aten',
            unit: 'samples/s',
            higherIsBetter: true,
            warmup: params.warmup,
            details: { stepsPerRepetition: torchSteps },
          },
          torch.samples_per_second,
        ),
      );
    });
    const m = output.measurements;
    for (const ours of ['vae@elbo-wasm-tfjs-ops', 'vae@elbo-wasm-assemblyscript', 'plain@elbo-wasm-tfjs-ops']) {
      pushComparison(output, compare(m, `${ours} / plain tfjs-wasm`, ours, 'plain@tfjs-wasm', { atLeast: 6, source: 'issue 4' }));
      pushComparison(output, compare(m, `${ours} / PyTorch`, ours, PYTORCH_ID, { atLeast: 0.3, source: 'issue 4' }));
    }
    pushComparison(output, compare(m, 'plain tfjs-wasm / plain tfjs-cpu', 'plain@tfjs-wasm', 'plain@tfjs-cpu'));
    pushComparison(output, compare(m, 'vae cpu+AS / vae cpu', 'vae@elbo-cpu-assemblyscript', 'vae@elbo-cpu-tfjs-ops'));
    pushComparison(output, compare(m, 'vae wasm+AS / vae wasm', 'vae@elbo-wasm-assemblyscript', 'vae@elbo-wasm-tfjs-ops'));
    output.references.push(
      { what: 'plain tfjs-backend-wasm step', value: 990, unit: 'samples/s', source: ISSUE_4 },
      { what: 'PyTorch 1.13, one CPU thread', value: 20000, unit: 'samples/s', source: ISSUE_4 },
    );
    output.notes.push('Each variant runs in its own Node process (tfjs backends are process-global); inputs are synthetic batches of uniform intensities.');
    return output;
  },
};
