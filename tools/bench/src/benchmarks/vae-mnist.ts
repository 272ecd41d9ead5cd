import { join } from 'node:path';
import type { Benchmark, BenchContext, BenchOutput } from '../benchmark.js';
import { attempt, emptyOutput, pushComparison } from '../benchmark.js';
import { runJsonProcess } from '../json-process.js';
import { REPO_ROOT } from '../paths.js';
import { pythonWith, runPythonJson } from '../python.js';
import { compare, measurement } from '../result.js';
import type { Target } from '../result.js';

const SCRIPTS = join(REPO_ROOT, 'packages', 'models', 'vae', 'scripts');
const ISSUE_7 = 'issue 7 (@elbo/vae): pytorch/examples VAE, same split and budget';
/** The issue's PyTorch figures, nats per test image. */
const PYTORCH_FIGURES: Record<number, { negativeElbo: number; negativeLogLikelihood: number }> = {
  10: { negativeElbo: 126.9, negativeLogLikelihood: 120.7 },
  30: { negativeElbo: 113.9, negativeLogLikelihood: 108.1 },
};
const KERNELS = ['tfjs-ops', 'assemblyscript'] as const;

/** The fields of mnist-quality.mjs's and reference_pytorch.py's JSON used here. */
interface QualityRun {
  readonly implementation: string;
  readonly epochs: number;
  readonly trainSeconds: number;
  readonly testNegativeElbo: number;
  readonly testNegativeLogLikelihood?: number;
  readonly runtime?: { backend: string; kernels: string };
}

export const vaeMnist: Benchmark = {
  name: 'vae-mnist',
  description: 'VAE quality on MNIST (8,000 train / 2,000 test of t10k): test -ELBO and -log p(x) (1,000 importance samples) beside PyTorch',
  expectedMinutes: 5,
  async run(context: BenchContext): Promise<BenchOutput> {
    const budgets = context.smoke ? [1] : context.full ? [10, 30] : [10];
    const samples = context.smoke ? 10 : 1000;
    const output = emptyOutput({ epochs: budgets, importanceSamples: samples, backend: 'wasm', script: 'packages/models/vae/scripts/mnist-quality.mjs', reference: 'packages/models/vae/scripts/reference_pytorch.py' });
    const m = output.measurements;
    const push = (id: string, run: QualityRun, backend: string, kernels: string, figures?: (typeof PYTORCH_FIGURES)[number]): void => {
      const within = (value: number | undefined): Target | undefined => (value === undefined ? undefined : { atMost: value * 1.01, source: ISSUE_7 });
      const elboTarget = within(figures?.negativeElbo);
      const llTarget = within(figures?.negativeLogLikelihood);
      const common = { backend, kernels, higherIsBetter: false };
      m.push(measurement({ id: `neg-elbo@${run.epochs}:${id}`, label: `${run.implementation}: test -ELBO, ${run.epochs} epochs`, unit: 'nats', ...common, ...(elboTarget ? { target: elboTarget } : {}) }, [run.testNegativeElbo]));
      if (run.testNegativeLogLikelihood !== undefined) {
        m.push(measurement({ id: `neg-ll@${run.epochs}:${id}`, label: `${run.implementation}: test -log p(x), ${run.epochs} epochs`, unit: 'nats', ...common, ...(llTarget ? { target: llTarget } : {}) }, [run.testNegativeLogLikelihood]));
      }
      m.push(measurement({ id: `train-seconds@${run.epochs}:${id}`, label: `${run.implementation}: training time, ${run.epochs} epochs`, unit: 's', ...common }, [run.trainSeconds]));
    };

    for (const epochs of budgets) {
      const figures = context.smoke ? undefined : PYTORCH_FIGURES[epochs];
      for (const kernels of KERNELS) {
        const run = await attempt(output, `elbo-wasm-${kernels}@${epochs}`, context, () =>
          runJsonProcess<QualityRun>(
            process.execPath,
            [join(SCRIPTS, 'mnist-quality.mjs'), '--epochs', String(epochs), '--backend', 'wasm', '--kernels', kernels, '--samples', String(samples)],
            { timeoutSeconds: 3600 },
          ),
        );
        if (run) push(`elbo-wasm-${kernels}`, run, run.runtime?.backend ?? 'wasm', run.runtime?.kernels ?? kernels, figures);
      }
      const torch = await attempt(output, `pytorch@${epochs}`, context, async () => {
        const python = pythonWith('torch', 'numpy');
        if (!python) throw new Error('no python3 here can import torch and numpy (apt-get install python3-torch)');
        return runPythonJson<QualityRun>(python, join(SCRIPTS, 'reference_pytorch.py'), ['--epochs', String(epochs), '--samples', String(samples)], 3600);
      });
      if (torch) push('pytorch', torch, 'pytorch, 1 thread', 'aten');
      for (const kernels of KERNELS) {
        const ours = `elbo-wasm-${kernels}`;
        const within = { atMost: 1.01, source: 'issue 7: within 1% of PyTorch (lower is better)' };
        pushComparison(output, compare(m, `-ELBO@${epochs}: ${ours} / PyTorch (same run)`, `neg-elbo@${epochs}:${ours}`, `neg-elbo@${epochs}:pytorch`, within));
        pushComparison(output, compare(m, `-log p(x)@${epochs}: ${ours} / PyTorch (same run)`, `neg-ll@${epochs}:${ours}`, `neg-ll@${epochs}:pytorch`, within));
        pushComparison(output, compare(m, `training time@${epochs}: ${ours} / PyTorch`, `train-seconds@${epochs}:${ours}`, `train-seconds@${epochs}:pytorch`));
      }
      const ref = PYTORCH_FIGURES[epochs];
      if (ref) {
        output.references.push(
          { what: `PyTorch test -ELBO after ${epochs} epochs`, value: ref.negativeElbo, unit: 'nats', source: ISSUE_7 },
          { what: `PyTorch test -log p(x) after ${epochs} epochs (1,000 importance samples)`, value: ref.negativeLogLikelihood, unit: 'nats', source: ISSUE_7 },
        );
      }
    }
    if (!context.full && !context.smoke) output.notes.push('Reduced budget: 10 epochs only. `npm run bench -- vae-mnist --full` adds the 30-epoch runs (about 3x longer).');
    output.notes.push('Single training runs (seed 1 for both implementations), not medians: the training runs are too long to repeat within the suite budget.');
    return output;
  },
};
