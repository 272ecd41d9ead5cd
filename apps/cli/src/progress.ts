import cliProgress from 'cli-progress';
import type { Reporter } from './reporter.js';

/** What a training loop reports after each step or epoch. */
export interface ProgressState {
  readonly epoch: number;
  readonly epochs: number;
  /** Optimizer steps done out of `totalSteps` (over the whole run, resumed epochs included). */
  readonly step: number;
  readonly totalSteps: number;
  /** The ELBO (per example or per trial, as the model reports it). */
  readonly elbo: number;
  readonly samplesPerSecond: number;
  readonly etaSeconds: number;
}

/**
 * Progress of a training run: a bar redrawn in place (ELBO, speed, time left) when
 * stderr is a terminal, one plain line per epoch otherwise (logs, CI, pipes).
 */
export class TrainingProgress {
  readonly #reporter: Reporter;
  readonly #label: string;
  #bar: cliProgress.SingleBar | undefined;

  constructor(reporter: Reporter, label: string) {
    this.#reporter = reporter;
    this.#label = label;
  }

  start(totalSteps: number, startStep: number): void {
    if (!this.#reporter.interactive || this.#reporter.quiet) return;
    this.#bar = new cliProgress.SingleBar(
      {
        stream: this.#reporter.streams.stderr as NodeJS.WriteStream,
        format: `${this.#label} {bar} {percentage}% | epoch {epoch}/{epochs} | ELBO {elbo} | {speed} samples/s | ETA {eta_formatted}`,
        hideCursor: true,
        clearOnComplete: false,
        etaBuffer: 50,
      },
      cliProgress.Presets.shades_classic,
    );
    this.#bar.start(totalSteps, startStep, { epoch: '-', epochs: '-', elbo: '-', speed: '-' });
  }

  step(state: ProgressState): void {
    this.#bar?.update(state.step, {
      epoch: state.epoch,
      epochs: state.epochs,
      elbo: formatNumber(state.elbo),
      speed: formatNumber(state.samplesPerSecond, 0),
    });
  }

  epoch(state: ProgressState): void {
    if (this.#bar !== undefined) {
      this.step(state);
      return;
    }
    this.#reporter.note(
      `${this.#label} epoch ${state.epoch}/${state.epochs}  ELBO ${formatNumber(state.elbo)}  ` +
        `${formatNumber(state.samplesPerSecond, 0)} samples/s  ETA ${formatSeconds(state.etaSeconds)}`,
    );
  }

  stop(): void {
    this.#bar?.stop();
    this.#bar = undefined;
  }
}

export function formatNumber(value: number, digits = 2): string {
  if (!Number.isFinite(value)) return String(value);
  return value.toFixed(digits);
}

export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${Math.round(seconds - 60 * minutes)} s`;
}
