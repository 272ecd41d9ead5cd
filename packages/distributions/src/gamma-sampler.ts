import type { DrawStream } from './draw-stream.js';

/**
 * log of one Gamma(concentration, 1) draw by Marsaglia and Tsang (2000); for
 * concentration < 1 a Gamma(concentration + 1) draw times u^(1/concentration).
 * In log space so that tiny concentrations do not underflow to 0.
 */
export function sampleLogStandardGamma(concentration: number, stream: DrawStream): number {
  const boost = concentration < 1;
  const alpha = boost ? concentration + 1 : concentration;
  const d = alpha - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  let logDraw: number;
  for (;;) {
    const x = stream.normal();
    const t = 1 + c * x;
    if (t <= 0) continue;
    const v = t * t * t;
    const u = stream.uniform();
    if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) {
      logDraw = Math.log(d) + Math.log(v);
      break;
    }
  }
  return boost ? logDraw + Math.log(stream.uniform()) / concentration : logDraw;
}
