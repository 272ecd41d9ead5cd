import type { Benchmark, BenchContext, BenchOutput } from '../benchmark.js';
import { attempt, emptyOutput, pushComparison } from '../benchmark.js';
import { runVariantInChild } from '../child.js';
import { compare, measurement } from '../result.js';
import type { Measurement, Target } from '../result.js';
import type { LorenzParams, LorenzResult, SpeedOutput, SpeedParams } from '../variants/seq-vae-lorenz.js';
import { buildPackageScripts } from '../variants/scripts.js';

const PACKAGE = 'packages/models/seq-vae';
const ISSUE_8 = 'issue 8 (@elbo/seq-vae)';
const QUALITY_TARGET = 'elbo-wasm-tfjs-ops';
/** Targets of the speed runs (training and inference timed alone, no scoring). */
const SPEED_TARGETS = ['elbo-wasm-tfjs-ops', 'elbo-wasm-assemblyscript', 'elbo-cpu-tfjs-ops', 'elbo-cpu-assemblyscript'];

interface Where {
  readonly backend: string;
  readonly kernels: string;
  readonly higherIsBetter?: boolean;
  readonly target?: Target;
}

/** A single-run figure (training runs are too long to repeat within the suite's budget). */
function value(id: string, label: string, unit: string, v: number, where: Where): Measurement {
  return measurement({ id, label, unit, ...where, higherIsBetter: where.higherIsBetter ?? true }, [v]);
}

export const seqVaeLorenz: Benchmark = {
  name: 'seq-vae-lorenz',
  description: 'SeqVAE on Lorenz spike trains (3 latents, 30 neurons, 300/100 trials): latent and rate R^2 beside smoothing + factor analysis, training time',
  expectedMinutes: 6,
  async run(context: BenchContext): Promise<BenchOutput> {
    const params: LorenzParams = { seed: 2026, ...(context.smoke ? { epochs: 1 } : {}) };
    const speed: SpeedParams = {
      warmupBatches: context.smoke ? 1 : 2,
      timedBatches: context.smoke ? 1 : (context.repetitions ?? 5),
      inferTrials: context.smoke ? 2 : 20,
      inferRepetitions: context.smoke ? 1 : 3,
      seed: params.seed,
    };
    const output = emptyOutput({ quality: { ...params, script: `${PACKAGE}/scripts/lorenz-benchmark.ts` }, speed });
    const m = output.measurements;
    buildPackageScripts(PACKAGE);
    const full = await attempt(output, `quality@${QUALITY_TARGET}`, context, () =>
      runVariantInChild<LorenzResult>('seq-vae-lorenz', `quality@${QUALITY_TARGET}`, params, { timeoutSeconds: 3600, verbose: context.verbose }),
    );
    if (full) {
      const { seqVae, baseline, targets, runtime } = full;
      const where: Where = { backend: runtime.backend, kernels: runtime.kernels };
      const base: Where = { backend: 'typed-array', kernels: '-' };
      m.push(
        value('latent-r2:seq-vae', `SeqVAE latent R^2 (test, affine map), ${full.model.epochs} epochs`, 'R^2', seqVae.latentR2, { ...where, target: { atLeast: targets.latentR2, source: ISSUE_8 } }),
        value('latent-r2-first-bins:seq-vae', 'SeqVAE latent R^2, first 10 bins of each test trial', 'R^2', seqVae.latentR2FirstBins, where),
        value('latent-r2-later-bins:seq-vae', 'SeqVAE latent R^2, bins 11-100 of each test trial', 'R^2', seqVae.latentR2LaterBins, where),
        value('latent-r2:baseline', `${baseline.method} latent R^2 (sigma ${baseline.sigmaBins} bins)`, 'R^2', baseline.latentR2, base),
        value('rate-r2:seq-vae', 'SeqVAE rate R^2 (test)', 'R^2', seqVae.rateR2, { ...where, target: { atLeast: targets.rateR2, source: ISSUE_8 } }),
        value('rate-r2:baseline', 'baseline rate R^2 (test)', 'R^2', baseline.rateR2, base),
        value('rate-r2-affine:seq-vae', 'SeqVAE rate R^2 after per-neuron affine map', 'R^2', seqVae.rateR2Affine, where),
        value('rate-r2-affine:baseline', 'baseline rate R^2 after per-neuron affine map', 'R^2', baseline.rateR2Affine, base),
        value('train-seconds:seq-vae', 'SeqVAE training time', 's', seqVae.trainSeconds, { ...where, higherIsBetter: false, target: { atMost: targets.trainSeconds, source: ISSUE_8 } }),
        value('test-elbo-per-step:seq-vae', 'SeqVAE test ELBO per time step', 'nats', seqVae.testElboPerStep, where),
      );
      pushComparison(output, compare(m, 'latent R^2: SeqVAE / baseline', 'latent-r2:seq-vae', 'latent-r2:baseline'));
      pushComparison(output, compare(m, 'rate R^2: SeqVAE / baseline', 'rate-r2:seq-vae', 'rate-r2:baseline'));
    }
    for (const target of SPEED_TARGETS) {
      const timed = await attempt(output, `speed@${target}`, context, () =>
        runVariantInChild<SpeedOutput>('seq-vae-lorenz', `speed@${target}`, speed, { timeoutSeconds: 600, verbose: context.verbose }),
      );
      if (!timed) continue;
      const fields = { backend: timed.target.backend, kernels: timed.target.kernels, higherIsBetter: false };
      m.push(
        measurement({ id: `epoch-seconds:${target}`, label: 'training epoch (300 trials; step time x 12)', unit: 's', ...fields, warmup: speed.warmupBatches }, timed.epochSeconds),
        measurement({ id: `infer-ms:${target}`, label: 'inference per test trial (16 samples)', unit: 'ms', ...fields, warmup: 1 }, timed.inferMsPerTrial),
      );
    }
    for (const target of SPEED_TARGETS.filter((t) => t !== 'elbo-wasm-tfjs-ops')) {
      pushComparison(output, compare(m, `epoch time: ${target} / wasm`, `epoch-seconds:${target}`, 'epoch-seconds:elbo-wasm-tfjs-ops'));
    }
    output.references.push(
      { what: 'smoothing + factor analysis latent R^2', value: 0.87, unit: 'R^2', source: ISSUE_8 },
      { what: 'smoothing + factor analysis rate R^2', value: 0.66, unit: 'R^2', source: ISSUE_8 },
    );
    output.notes.push(
      `Quality: one full training run of ${PACKAGE}/scripts/lorenz-benchmark.ts on ${QUALITY_TARGET} (its default budget), so figures are single values, not medians. Speed: the same data and model timed alone on each target: training steps of 25 trials after ${speed.warmupBatches} warm-up steps (an epoch is 12 steps), inference in passes over ${speed.inferTrials} test trials after a warm-up pass.`,
    );
    return output;
  },
};
