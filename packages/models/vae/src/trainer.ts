import type * as tf from '@tensorflow/tfjs';
import { formatShape, invalidArgument } from '@elbo/runtime';
import { computeStep, finishStep } from './training-loop.js';
import type { StepDefinition } from './training-loop.js';

/** What one step reports. */
export interface StepResult {
  readonly loss: number;
  /** Batch means of the objective's terms (elbo, reconstruction, kl for the ELBO). */
  readonly terms: Readonly<Record<string, number>>;
  /** Global L2 norm of the gradient before clipping. */
  readonly gradientNorm: number;
}

/**
 * Single optimizer steps on batches you supply: fit's step without its loop, for custom
 * schedules of data and for benchmarks. Each step is one tf.tidy and one host read; a
 * non-finite loss throws {@link NonFiniteLossError} before the update is applied.
 */
export class Trainer {
  readonly #definition: StepDefinition;
  readonly #inputDim: number;
  readonly #ownsOptimizer: boolean;
  #steps = 0;
  #disposed = false;

  constructor(definition: StepDefinition, inputDim: number, ownsOptimizer: boolean) {
    this.#definition = definition;
    this.#inputDim = inputDim;
    this.#ownsOptimizer = ownsOptimizer;
  }

  /** Optimizer steps taken so far. */
  get steps(): number {
    return this.#steps;
  }

  /** One optimizer step on `x` [B, inputDim] (float32; the caller keeps ownership). */
  step(x: tf.Tensor2D): StepResult {
    const where = `${this.#definition.where}.step`;
    if (this.#disposed) throw invalidArgument(where, 'the trainer', 'not disposed', { raw: 'a disposed trainer' });
    if (x?.rank !== 2 || x.shape[1] !== this.#inputDim || x.dtype !== 'float32' || x.isDisposed) {
      throw invalidArgument(where, 'x', `a live float32 tensor [B, ${this.#inputDim}]`, { raw: x?.shape ? `${x.dtype} ${formatShape(x.shape)}` : String(x) });
    }
    const position = { epoch: 1, batch: this.#steps + 1, step: this.#steps };
    const pending = computeStep(this.#definition, position, () => x);
    const { loss, normSq, terms } = finishStep(this.#definition, pending, pending.report.dataSync() as Float32Array, position);
    this.#steps++;
    return { loss, terms, gradientNorm: Math.sqrt(normSq) };
  }

  /** Frees the optimizer's state when the trainer made the optimizer. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    if (this.#ownsOptimizer) this.#definition.optimizer.dispose();
  }
}
