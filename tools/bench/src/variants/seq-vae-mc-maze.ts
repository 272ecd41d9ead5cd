import { importPackageScript, seqVaeScriptOptions } from './scripts.js';
import type { SeqVaeScriptOptions } from './scripts.js';

export interface McMazeParams {
  /** Training epochs; undefined: the script's own default. */
  readonly epochs?: number;
  readonly seed: number;
}

/** What packages/models/seq-vae/scripts/mc-maze-benchmark.ts returns (the fields used here). */
export interface McMazeResult {
  readonly runtime: { backend: string; kernels: string };
  readonly data: { trials: number; bins: number; neurons: number; binSize: number; heldOut: number; testTrials: number; seed: number };
  readonly seqVae: { coBps: number; testElboPerStep: number; trainSeconds: number; secondsPerEpoch: number; inferMsPerTrial: number; epochs: number; latentDim: number };
  readonly baseline: { method: string; coBps: number };
  readonly improvement: number;
  readonly target: { improvement: number };
}

interface McMazeScript {
  mcMazeBenchmark(options: SeqVaeScriptOptions): Promise<McMazeResult>;
}

/** Variant ids are elbo targets; the package's script starts the runtime itself. */
export async function runVariant(variant: string, params: McMazeParams): Promise<McMazeResult> {
  const options = seqVaeScriptOptions('seq-vae-mc-maze', variant, params);
  const script = await importPackageScript<McMazeScript>('packages/models/seq-vae', 'mc-maze-benchmark.js');
  return script.mcMazeBenchmark(options);
}
