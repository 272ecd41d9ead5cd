import { Generator, getGenerator, invalidArgument } from '@elbo/runtime';
import { KernelArray } from './kernel-array.js';
import { checkArray, withArrays } from './marshal.js';
import type { KernelExports } from './module.js';
import type { FloatArray } from './marshal.js';

const TWO_32 = 0x100000000;

/** Key and counter words of `rng` for a kernel call, checked. */
function streamOf(where: string, rng: Generator | undefined): { rng: Generator; k0: number; k1: number; lo: number; hi: number } {
  const generator = rng ?? getGenerator();
  if (!(generator instanceof Generator)) throw invalidArgument(where, 'rng', 'a Generator from @elbo/runtime', rng);
  const { key, counter } = generator.getState();
  return { rng: generator, k0: key[0], k1: key[1], lo: counter % TWO_32, hi: Math.floor(counter / TWO_32) };
}

/** Advances `rng` past the blocks a kernel used, so its own stream continues after them. */
function advance(rng: Generator, blocks: number): void {
  rng.reserveBlocks(blocks);
}

/** Runs a stream kernel (uniforms or normals) on `out` and advances `rng` past its blocks. */
function fillFromStream<T extends FloatArray>(where: string, out: T, rng: Generator | undefined, normal: boolean): T {
  const s = streamOf(where, rng);
  withArrays(where, [{ name: 'out', array: out, input: false, output: true }], ([ptr], m) =>
    (normal ? m.exports.fillNormal : m.exports.fillUniform)(ptr!, out.length, s.k0, s.k1, s.lo, s.hi),
  );
  advance(s.rng, Math.ceil(out.length / 4));
  return out;
}

/**
 * Fills `out` with uniform draws in (0, 1): the same numbers as `rng.fillUniform(out)`
 * of @elbo/runtime, bit for bit, and leaves `rng` at the same position.
 */
export function sampleUniform<T extends FloatArray>(out: T, rng?: Generator): T {
  return fillFromStream('sampleUniform', out, rng, false);
}

/**
 * Fills `out` with standard normal draws: Box-Muller on the same stream as
 * `rng.fillNormal(out)` (words 2j, 2j + 1 give draws 2j = r cos, 2j + 1 = r sin), in
 * float32 arithmetic (within 1e-6 max(1, |x|) of the float64 TypeScript path), and
 * leaves `rng` at the same position.
 */
export function sampleNormal<T extends FloatArray>(out: T, rng?: Generator): T {
  return fillFromStream('sampleNormal', out, rng, true);
}

function parameterArray(where: string, name: string, value: number | FloatArray, n: number): FloatArray {
  if (typeof value === 'number') return Float32Array.of(value);
  if (!(value instanceof Float32Array) && !(value instanceof KernelArray)) {
    throw invalidArgument(where, name, 'a number, Float32Array or KernelArray', value);
  }
  if (value.length !== n && value.length !== 1) {
    throw invalidArgument(where, `${name}'s length`, `${n} (the length of out) or 1`, value.length);
  }
  return value;
}

type ParameterKernel = (
  out: number, n: number, params: number, paramsLength: number, k0: number, k1: number, lo: number, hi: number,
) => number;

/** Shared body of the per-draw-parameter samplers: checks, runs the kernel, advances rng. */
function sampleWithParameter<T extends FloatArray>(
  where: string,
  out: T,
  name: string,
  value: number | FloatArray,
  expected: string,
  rng: Generator | undefined,
  kernel: (exports: KernelExports) => ParameterKernel,
  blocks: number,
): T {
  checkArray(where, { name: 'out', array: out });
  const s = streamOf(where, rng);
  const params = parameterArray(where, name, value, out.length);
  const bad = withArrays(
    where,
    [
      { name: 'out', array: out, input: false, output: true },
      { name, array: params },
    ],
    ([o, p], m) => kernel(m.exports).call(m.exports, o!, out.length, p!, params.length, s.k0, s.k1, s.lo, s.hi),
  );
  if (bad >= 0) {
    const found = params instanceof Float32Array ? params[bad] : params.array[bad];
    throw invalidArgument(where, typeof value === 'number' ? name : `${name}[${bad}]`, expected, found);
  }
  advance(s.rng, blocks);
  return out;
}

/**
 * Fills `out` with Bernoulli draws (1 with probability p, else 0): draw i is
 * `u_i < p_i` for the i-th uniform of the stream. `probs` is one number or one per draw.
 */
export function sampleBernoulli<T extends FloatArray>(out: T, probs: number | FloatArray, rng?: Generator): T {
  return sampleWithParameter('sampleBernoulli', out, 'probs', probs, 'in [0, 1]', rng, (e) => e.fillBernoulli, Math.ceil((out?.length ?? 0) / 4));
}

/**
 * Fills `out` with Poisson draws (as floats): inversion for rates below 10, Hormann's
 * PTRS rejection above. Draw i owns block counter + i of the stream, so `rng` advances
 * by out.length blocks. `rates` is one number or one per draw, each >= 0 and finite.
 */
export function samplePoisson<T extends FloatArray>(out: T, rates: number | FloatArray, rng?: Generator): T {
  return sampleWithParameter('samplePoisson', out, 'rates', rates, 'finite and >= 0', rng, (e) => e.fillPoisson, out?.length ?? 0);
}
