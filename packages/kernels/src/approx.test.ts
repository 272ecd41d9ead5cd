// The vector exp / log / cos-sin approximations against float64 Math, over every input
// the kernels can give them (log and cos/sin: all 2^23 uniforms of the stream) or a
// dense sweep of the range used (exp).
import { describe, expect, it } from 'vitest';
import { KernelArray } from './kernel-array.js';
import { kernelModule } from './module.js';

const ULP_STEPS = 1 << 23;

/** Every uniform the stream can produce, ((k + 0.5) * 2^-23 for k < 2^23), as a KernelArray. */
function allUniforms(): KernelArray {
  const u = new KernelArray(ULP_STEPS);
  const view = u.array;
  for (let k = 0; k < ULP_STEPS; k++) view[k] = (k + 0.5) / ULP_STEPS;
  return u;
}

describe('vector approximations', () => {
  it('log: relative error below 1e-7 on every uniform (measured 8.0e-8)', () => {
    const u = allUniforms();
    const out = new KernelArray(ULP_STEPS);
    kernelModule().exports.approxLog(u.ptr, out.ptr, ULP_STEPS);
    const [x, y] = [u.array, out.array];
    let worst = 0;
    for (let k = 0; k < ULP_STEPS; k++) {
      const exact = Math.log(x[k]!);
      worst = Math.max(worst, Math.abs(y[k]! - exact) / Math.abs(exact));
    }
    expect(worst).toBeLessThan(1e-7);
    u.free();
    out.free();
  });

  it('cos and sin of 2 pi u from the word: absolute error below 1e-7 on every uniform (measured 9.1e-8)', () => {
    // Word k << 9 gives the uniform (k + 0.5) 2^-23; the low 9 bits, which the stream's
    // map discards, are filled with a pattern to show they are ignored.
    const words = new KernelArray(ULP_STEPS);
    const cos = new KernelArray(ULP_STEPS);
    const sin = new KernelArray(ULP_STEPS);
    const view = new Uint32Array(words.array.buffer, words.ptr, ULP_STEPS);
    for (let k = 0; k < ULP_STEPS; k++) view[k] = ((k << 9) | ((k * 37) & 511)) >>> 0;
    kernelModule().exports.approxCosSinOfWords(words.ptr, cos.ptr, sin.ptr, ULP_STEPS);
    const [c, s] = [cos.array, sin.array];
    let worst = 0;
    for (let k = 0; k < ULP_STEPS; k++) {
      const angle = (2 * Math.PI * (k + 0.5)) / ULP_STEPS;
      worst = Math.max(worst, Math.abs(c[k]! - Math.cos(angle)), Math.abs(s[k]! - Math.sin(angle)));
    }
    expect(worst).toBeLessThan(1e-7);
    [words, cos, sin].forEach((a) => a.free());
  });

  it('exp: relative error below 1e-7 over [-86.98, 88.72] (measured 8.2e-8), +Infinity above, 0 below, NaN kept', () => {
    const n = 1 << 22;
    const x = new KernelArray(n);
    const out = new KernelArray(n);
    const view = x.array;
    for (let i = 0; i < n; i++) view[i] = -86.98 + ((88.72 + 86.98) * i) / n;
    kernelModule().exports.approxExp(x.ptr, out.ptr, n);
    const [xs, ys] = [x.array, out.array];
    let worst = 0;
    for (let i = 0; i < n; i++) {
      const exact = Math.exp(xs[i]!);
      worst = Math.max(worst, Math.abs(ys[i]! - exact) / exact);
    }
    expect(worst).toBeLessThan(1e-7);
    const edges = KernelArray.from([88.73, 200, -87, -1e30, 0, 1, -1, 88.72, Infinity, -Infinity, NaN, 1e30]);
    const edgeOut = new KernelArray(12);
    kernelModule().exports.approxExp(edges.ptr, edgeOut.ptr, 12);
    const e = Array.from(edgeOut.array);
    expect(e.slice(0, 5)).toEqual([Infinity, Infinity, 0, 0, 1]);
    expect(Math.abs(e[5]! - Math.E) / Math.E).toBeLessThan(1e-7);
    expect(Math.abs(e[7]! - Math.exp(Math.fround(88.72))) / Math.exp(Math.fround(88.72))).toBeLessThan(1e-7);
    expect(e.slice(8)).toEqual([Infinity, 0, NaN, Infinity]);
    [x, out, edges, edgeOut].forEach((a) => a.free());
  });

  it('exp of half (the kernels\' e^(logvar / 2)): the bits of exp at x / 2, over [-173.96, 177.44] and at the edges', () => {
    const sweep = 1 << 22;
    const edges = [177.4456, 177.44568, 177.46, 300, -173.96, -173.97, -300, -1e30, 0, 1e-30, -1e-30, 1, -1, Infinity, -Infinity, NaN];
    const n = sweep + edges.length + ((4 - (edges.length % 4)) % 4);
    const x = new KernelArray(n);
    const halves = new KernelArray(n);
    const view = x.array;
    for (let i = 0; i < sweep; i++) view[i] = -173.96 + ((177.44 + 173.96) * i) / sweep;
    view.set(edges, sweep);
    const hv = halves.array;
    for (let i = 0; i < n; i++) hv[i] = view[i]! / 2; // exact: halving a float32
    const out = new KernelArray(n);
    const expected = new KernelArray(n);
    kernelModule().exports.approxExpHalf(x.ptr, out.ptr, n);
    kernelModule().exports.approxExp(halves.ptr, expected.ptr, n);
    const [xs, ys, es] = [x.array, out.array, expected.array];
    let mismatches = 0;
    let worst = 0;
    for (let i = 0; i < n; i++) {
      if (!Object.is(ys[i], es[i])) mismatches++;
      if (i < sweep) worst = Math.max(worst, Math.abs(ys[i]! - Math.exp(xs[i]! / 2)) / Math.exp(xs[i]! / 2));
    }
    expect(mismatches).toBe(0);
    expect(worst).toBeLessThan(1e-7);
    expect(Array.from(ys.subarray(sweep, sweep + edges.length)).slice(2, 4)).toEqual([Infinity, Infinity]);
    [x, halves, out, expected].forEach((a) => a.free());
  });
});
