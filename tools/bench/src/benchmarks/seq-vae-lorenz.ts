import type { Benchmark, BenchContext, BenchOutput } from '../benchmark.js';
import { attempt, emptyOutput, pushComparison } from '../benchmark.js';
import { runVariantInChild } from '../child.js';
import { compare, measurement } from '../result.js';
import type { Measurement, Target } from '../result.js';
import type { LorenzParams, LorenzResult } from '../variants/seq-vae-lorenz.js';
import { buildPackageScripts } from '../variants/scripts.js';

const PACKAGE = 'packages/models/seq-vae';
const ISSUE_8 = 'issue 8 (@elbo/seq-vae)';
const QUALITY_TARGET = 'elbo-wasm-tfjs-ops';
/** Targets timed with a short training run (speed only; quality comes from the full run). */
const SPEED_TARGETS = ['elbo-cpu-tfjs-ops', 'elbo-cpu-assemblyscript', 'elbo-wasm-assemblyscript'];
const SPEED_EPOCHS = 2;

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
    const output = emptyOutput({ ...params, script: `${PACKAGE}/scripts/lorenz-benchmark.ts`, speedEpochs: SPEED_EPOCHS });
    const m = output.measurements;
    buildPackageScripts(PACKAGE);
    const full = await attempt(output, QUALITY_TARGET, context, () =>
      runVariantInChild<LorenzResult>('seq-vae-lorenz', QUALITY_TARGET, params, { timeoutSeconds: 900, verbose: context.verbose }),
    );
    if (full) {
      const { seqVae, baseline, targets, runtime } = full;
      const where: Where = { backend: runtime.backend, kernels: runtime.kernels };
      const base: Where = { backend: 'typed-array', kernels: '-' };
      m.push(
        value('latent-r2:seq-vae', `SeqVAE latent R^2 (test, affine map), ${full.model.epochs} epochs`, 'R^2', seqVae.latentR2, { ...where, target: { atLeast: targets.latentR2, source: ISSUE_8 } }),
        value('latent-r2:baseline', `${baseline.method} latent R^2 (sigma ${baseline.sigmaBins} bins)`, 'R^2', baseline.latentR2, base),
        value('rate-r2:seq-vae', 'SeqVAE rate R^2 (test)', 'R^2', seqVae.rateR2, { ...where, target: { atLeast: targets.rateR2, source: ISSUE_8 } }),
        value('rate-r2:baseline', 'baseline rate R^2 (test)', 'R^2', baseline.rateR2, base),
        value('rate-r2-affine:seq-vae', 'SeqVAE rate R^2 after per-neuron affine map', 'R^2', seqVae.rateR2Affine, where),
        value('rate-r2-affine:baseline', 'baseline rate R^2 after per-neuron affine map', 'R^2', baseline.rateR2Affine, base),
        value('train-seconds:seq-vae', 'SeqVAE training time', 's', seqVae.trainSeconds, { ...where, higherIsBetter: false, target: { atMost: targets.trainSeconds, source: ISSUE_8 } }),
        value('epoch-seconds:elbo-wasm-tfjs-ops', 'seconds per epoch', 's', seqVae.secondsPerEpoch, { ...where, higherIsBetter: false }),
        value('infer-ms:elbo-wasm-tfjs-ops', 'inference per test trial (16 samples)', 'ms', seqVae.inferMsPerTrial, { ...where, higherIsBetter: false }),
        value('test-elbo-per-step:seq-vae', 'SeqVAE test ELBO per time step', 'nats', seqVae.testElboPerStep, where),
      );
      pushComparison(output, compare(m, 'latent R^2: SeqVAE / baseline', 'latent-r2:seq-vae', 'latent-r2:baseline'));
      pushComparison(output, compare(m, 'rate R^2: SeqVAE / baseline', 'rate-r2:seq-vae', 'rate-r2:baseline'));
    }
    for (const target of context.smoke ? SPEED_TARGETS.slice(-1) : SPEED_TARGETS) {
      const short = await attempt(output, `${target} (${SPEED_EPOCHS} epochs, speed only)`, context, () =>
        runVariantInChild<LorenzResult>('seq-vae-lorenz', target, { ...params, epochs: context.smoke ? 1 : SPEED_EPOCHS }, { timeoutSeconds: 600, verbose: context.verbose }),
      );
      if (!short) continue;
      const where: Where = { backend: short.runtime.backend, kernels: short.runtime.kernels, higherIsBetter: false };
      m.push(
        value(`epoch-seconds:${target}`, 'seconds per epoch', 's', short.seqVae.secondsPerEpoch, where),
        value(`infer-ms:${target}`, 'inference per test trial (16 samples)', 'ms', short.seqVae.inferMsPerTrial, where),
      );
    }
    for (const target of SPEED_TARGETS) {
      pushComparison(output, compare(m, `epoch time: ${target} / wasm`, `epoch-seconds:${target}`, 'epoch-seconds:elbo-wasm-tfjs-ops'));
    }
    output.references.push(
      { what: 'smoothing + factor analysis latent R^2', value: 0.87, unit: 'R^2', source: ISSUE_8 },
      { what: 'smoothing + factor analysis rate R^2', value: 0.66, unit: 'R^2', source: ISSUE_8 },
    );
    output.notes.push(
      `Quality: one full training run of ${PACKAGE}/scripts/lorenz-benchmark.ts on ${QUALITY_TARGET} (its default budget), so figures are single values, not medians. Speed on the other targets: ${SPEED_EPOCHS}-epoch runs of the same script.`,
    );
    return output;
  },
};
