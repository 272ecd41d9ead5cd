import { importPackageScript } from './scripts.js';
import { parseTarget } from './setup.js';

export interface LorenzParams {
  /** Training epochs; undefined: the script's own default (its tuned budget). */
  readonly epochs?: number;
  readonly seed: number;
}

/** What packages/models/seq-vae/scripts/lorenz-benchmark.ts returns (the fields used here). */
export interface LorenzResult {
  readonly runtime: { backend: string; kernels: string };
  readonly data: Record<string, number>;
  readonly model: { epochs: number } & Record<string, number>;
  readonly seqVae: {
    latentR2: number;
    rateR2: number;
    rateR2Affine: number;
    testElboPerStep: number;
    trainSeconds: number;
    secondsPerEpoch: number;
    inferMsPerTrial: number;
  };
  readonly baseline: { method: string; sigmaBins: number; latentR2: number; rateR2: number; rateR2Affine: number };
  readonly targets: { latentR2: number; rateR2: number; trainSeconds: number };
}

interface LorenzScript {
  lorenzBenchmark(options: {
    backend: 'cpu' | 'wasm';
    kernels: 'default' | 'assemblyscript';
    epochs?: number;
    seed?: number;
    log?: (line: string) => void;
  }): Promise<LorenzResult>;
}

/** Variant ids are elbo targets (`elbo-wasm-tfjs-ops`, ...); the script starts the runtime itself. */
export async function runVariant(variant: string, params: LorenzParams): Promise<LorenzResult> {
  const target = parseTarget(variant);
  if (target.via !== 'elbo') throw new Error(`seq-vae-lorenz runs on elbo targets, not '${variant}'`);
  const script = await importPackageScript<LorenzScript>('packages/models/seq-vae', 'lorenz-benchmark.js');
  return script.lorenzBenchmark({
    backend: target.backend,
    kernels: target.kernels === 'assemblyscript' ? 'assemblyscript' : 'default',
    ...(params.epochs === undefined ? {} : { epochs: params.epochs }),
    seed: params.seed,
    log: (line) => process.stderr.write(`    ${line}\n`),
  });
}
