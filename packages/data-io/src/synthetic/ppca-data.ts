import { invalidArgument } from '@elbo/runtime';
import { resolveRng } from './random-source.js';
import { checkInteger } from './check-options.js';
import type { SeedOrRng } from './random-source.js';
import { randomReadout } from './linear-dynamics.js';
import { checkMatrix, checkVector } from './small-matrix.js';
import type { Matrix } from './small-matrix.js';

export interface PpcaDataOptions extends SeedOrRng {
  samples: number;
  latentDim: number;
  obsDim: number;
  /** Loadings W, [obsDim][latentDim]. Default: entries N(0, 1 / latentDim) times 2. */
  W?: Matrix;
  /** Mean mu. Default 0. */
  mu?: number[];
  /** Observation-noise standard deviation sigma. Default 0.3. */
  noiseStd?: number;
}

export interface PpcaData {
  /** x = W z + mu + sigma * eps, [samples, obsDim]. */
  x: Float32Array;
  /** z ~ N(0, I), [samples, latentDim]. */
  z: Float32Array;
  params: { W: Matrix; mu: number[]; noiseStd: number };
  /** The marginal covariance of x: W W^T + sigma^2 I, [obsDim][obsDim]. */
  covariance: Matrix;
  shape: [number, number];
  latentShape: [number, number];
}

/** Samples probabilistic PCA data (Tipping and Bishop 1999), with its true parameters. */
export function ppcaData(options: PpcaDataOptions): PpcaData {
  const where = 'ppcaData';
  const samples = checkInteger(where, 'samples', options.samples, 1);
  const latentDim = checkInteger(where, 'latentDim', options.latentDim, 1);
  const obsDim = checkInteger(where, 'obsDim', options.obsDim, 1);
  const noiseStd = options.noiseStd ?? 0.3;
  if (typeof noiseStd !== 'number' || !Number.isFinite(noiseStd) || noiseStd < 0) {
    throw invalidArgument(where, 'noiseStd', 'a finite number >= 0', noiseStd);
  }
  const rng = resolveRng(where, options);
  const W =
    options.W !== undefined
      ? checkMatrix(where, 'W', options.W, obsDim, latentDim)
      : randomReadout(obsDim, latentDim, rng).map((row) => row.map((v) => 2 * v));
  const mu = options.mu !== undefined ? checkVector(where, 'mu', options.mu, obsDim) : new Array<number>(obsDim).fill(0);
  const z = rng.fillNormal(new Float64Array(samples * latentDim));
  const eps = rng.fillNormal(new Float64Array(samples * obsDim));
  const x = new Float32Array(samples * obsDim);
  for (let i = 0; i < samples; i++) {
    for (let o = 0; o < obsDim; o++) {
      let s = mu[o]! + noiseStd * eps[i * obsDim + o]!;
      for (let k = 0; k < latentDim; k++) s += W[o]![k]! * z[i * latentDim + k]!;
      x[i * obsDim + o] = s;
    }
  }
  const covariance = W.map((ri, i) =>
    W.map((rj, j) => ri.reduce((acc, v, k) => acc + v * rj[k]!, 0) + (i === j ? noiseStd ** 2 : 0)),
  );
  return {
    x,
    z: Float32Array.from(z),
    params: { W, mu, noiseStd },
    covariance,
    shape: [samples, obsDim],
    latentShape: [samples, latentDim],
  };
}
