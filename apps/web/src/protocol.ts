// Messages between the page (main.ts) and the training worker (worker.ts).

/** What the data means, which picks the likelihood. */
export type DataKind = 'images' | 'counts' | 'real';

/**
 * A loaded data set. Sequences are [trials, steps, features]; flat data is
 * [examples, features]. `imageShape` is set when rows are pictures.
 */
export interface LoadedData {
  readonly name: string;
  readonly kind: DataKind;
  readonly x: Float32Array;
  readonly shape: readonly number[];
  readonly labels?: Int32Array;
  readonly imageShape?: readonly [number, number];
}

export type ModelKind = 'vae' | 'seq-vae';
export type BackendChoice = 'wasm' | 'webgl' | 'cpu';
export type KernelsChoice = 'tfjs-ops' | 'assemblyscript';
export type ObjectiveChoice = 'elbo' | 'beta-elbo' | 'iwae' | 'iwae-dreg' | 'mmd' | 'kl-warmup' | 'free-bits';

export interface TrainSettings {
  readonly model: ModelKind;
  readonly latentDim: number;
  readonly hidden: number;
  readonly objective: ObjectiveChoice;
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly seed: number;
}

export interface RuntimeSettings {
  readonly backend: BackendChoice;
  readonly kernels: KernelsChoice;
}

export type ToWorker =
  | { readonly type: 'data'; readonly data: LoadedData }
  | { readonly type: 'train'; readonly runtime: RuntimeSettings; readonly settings: TrainSettings }
  | { readonly type: 'pause' }
  | { readonly type: 'resume' }
  | { readonly type: 'stop' }
  | { readonly type: 'save'; readonly target: 'indexeddb' | 'download' }
  | { readonly type: 'load'; readonly runtime: RuntimeSettings; readonly kind: ModelKind; readonly source: 'indexeddb' | readonly File[] };

/** One point of the training curves: per-example (VAE) or per-trial (SeqVAE) nats. */
export interface CurvePoint {
  readonly step: number;
  readonly epoch: number;
  readonly elbo: number;
  readonly reconstruction: number;
  readonly kl: number;
}

/** Arrays for the VAE views. Images are row-major [count, pixels]. */
export interface VaeViews {
  readonly type: 'vae';
  readonly inputDim: number;
  readonly imageShape: readonly [number, number];
  /** 'unit': values are intensities in [0, 1]; 'perImage': scale each picture by its maximum (rates, real values). */
  readonly valueRange: 'unit' | 'perImage';
  readonly originals: Float32Array;
  readonly reconstructions: Float32Array;
  readonly samples: Float32Array;
  readonly traversal: Float32Array;
  readonly traversalSize: number;
  /** Posterior means in the first two latent dimensions, [points, 2]. */
  readonly latents: Float32Array;
  readonly labels?: Int32Array;
}

/** Arrays for the SeqVAE views of a few trials. */
export interface SeqViews {
  readonly type: 'seq-vae';
  readonly trials: number;
  readonly steps: number;
  readonly latentDim: number;
  readonly neurons: number;
  /** Posterior means [trials, steps, latentDim]. */
  readonly latents: Float32Array;
  /** Observed counts and inferred rates (counts per bin), [trials, steps, neurons]. */
  readonly counts: Float32Array;
  readonly rates: Float32Array;
}

export type Views = VaeViews | SeqViews;

export interface BackendReport {
  readonly backend: string;
  readonly kernels: string;
  readonly simd: boolean | null;
  readonly threads: boolean;
  readonly threadCount: number;
  readonly notes: readonly string[];
}

export type FromWorker =
  | { readonly type: 'started'; readonly runtime: BackendReport; readonly parameters: number }
  | { readonly type: 'batch'; readonly point: CurvePoint }
  | { readonly type: 'epoch'; readonly point: CurvePoint; readonly epochs: number; readonly samplesPerSecond: number }
  | { readonly type: 'views'; readonly views: Views }
  | { readonly type: 'state'; readonly state: 'training' | 'paused' | 'stopped' | 'finished' | 'idle' }
  | { readonly type: 'saved'; readonly target: 'indexeddb' | 'download'; readonly files?: readonly { readonly name: string; readonly bytes: ArrayBuffer; readonly mime: string }[] }
  | { readonly type: 'loaded'; readonly model: ModelKind; readonly description: string }
  | { readonly type: 'error'; readonly message: string };
