/**
 * The recurrent part of the structured posterior q(z_n | z_{n-1}, x), and only that:
 *   a_n = pre_n + z_{n-1} W_za            (combiner pre-activation; z_0 term absent)
 *   loc_n    = tanh(a_n) W_hl + z_{n-1} W_zl + locOffset_n  (+ f(z_{n-1}) when residual)
 *   logvar_n = tanh(a_n) W_hv + z_{n-1} W_zv + logvarOffset_n
 *   z_n = loc_n + exp(logvar_n / 2) * eps_n
 * Everything that does not depend on z_{n-1} (pre, the offsets) is computed by the
 * caller for all steps at once. f is the transition mean (transition-step.ts), given
 * by its weights; without them the posterior is not residual.
 *
 * The backward pass through time is written by hand (tf.customGrad): each step carries
 * dL/dz_{n-1} only, and the weight gradients are one matMul over all steps after the
 * loop, which cuts the kernel calls per training step several-fold (small recurrent
 * models in tfjs are bound by kernel calls, not arithmetic).
 */
import * as tf from '@tensorflow/tfjs';
import { splitSteps } from './time-steps.js';
import { backwardFactors, savedWidths, transitionStepBackward, transitionStepForward, transitionWeightGradients, transposedWeights } from './transition-step.js';
import type { TransitionBackwardFactors } from './transition-step.js';

/** The weights of the recursion: from z_{n-1} and from the combiner's hidden units. */
export interface PosteriorWeights {
  /** z_{n-1} to the combiner [L, C], to the mean [L, L], to the log-variance [L, L]. */
  readonly zToHidden: tf.Tensor2D;
  readonly zToLoc: tf.Tensor2D;
  readonly zToLogvar: tf.Tensor2D;
  /** Combiner hidden units to the mean [C, L] and to the log-variance [C, L]. */
  readonly hiddenToLoc: tf.Tensor2D;
  readonly hiddenToLogvar: tf.Tensor2D;
}

/**
 * pre: [T, B, C]; locOffsets, logvarOffsets, eps: [T, B, L]. Returns z, loc and logvar,
 * each [T, B, L]. Each output is its own matMul (no per-step slicing along the feature
 * axis, which is an element-by-element copy on the cpu backend).
 */
export function posteriorScan(
  pre: tf.Tensor3D,
  locOffsets: tf.Tensor3D,
  logvarOffsets: tf.Tensor3D,
  eps: tf.Tensor3D,
  weights: PosteriorWeights,
  transition: readonly tf.Tensor[] = [],
): { z: tf.Tensor3D; loc: tf.Tensor3D; logvar: tf.Tensor3D } {
  const [T, B, C] = pre.shape;
  const L = eps.shape[2];
  const size = T * B * L;
  // Residual posterior: the transition mean f(z_{n-1}) adds to the mean of every step n >= 2.
  const residual = transition.length > 0;
  const gated = transition.length > 2;
  const widths = residual ? savedWidths(transition, L) : [];
  const savedSizes = widths.map((w) => (T - 1) * B * w);
  // The value is flat: z, loc, logvar, exp(logvar / 2) eps ([T, B, L] each) and
  // tanh(a) ([T, B, C]) of every step. What the backward pass reads must be an input or
  // the output (tfjs checks custom gradients for leaked intermediates), and a flat value
  // is split and regrown along its first axis only: a contiguous copy on every backend.
  const scan = tf.customGrad((...args: unknown[]) => {
    const [a, offLoc, offLogvar, e, wzh, wzl, wzv, whl, whv] = args as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D, tf.Tensor3D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
    const tw = args.slice(9, 9 + transition.length) as tf.Tensor[];
    const save = args[9 + transition.length] as (tensors: tf.Tensor[]) => void;
    const [pres, locOffs, logvarOffs, noise] = [splitSteps(a), splitSteps(offLoc), splitSteps(offLogvar), splitSteps(e)];
    const kept: tf.Tensor[][] = [[], [], [], [], []];
    const keptTransition: tf.Tensor[][] = widths.map(() => []);
    let zPrev: tf.Tensor | null = null;
    for (let n = 0; n < T; n++) {
      const hidden = tf.tanh(zPrev === null ? pres[0]! : tf.add(pres[n]!, tf.matMul(zPrev, wzh)));
      const locTerms = zPrev === null ? [] : [tf.matMul(zPrev, wzl)];
      if (zPrev !== null && residual) {
        const step = transitionStepForward(zPrev as tf.Tensor2D, tw);
        locTerms.push(step.mean);
        step.saved.forEach((v, i) => keptTransition[i]!.push(v));
      }
      const loc: tf.Tensor = tf.addN([tf.matMul(hidden, whl), ...locTerms, locOffs[n]!]);
      const logvar: tf.Tensor = zPrev === null ? tf.add(tf.matMul(hidden, whv), logvarOffs[0]!) : tf.addN([tf.matMul(hidden, whv), tf.matMul(zPrev, wzv), logvarOffs[n]!]);
      const spread = tf.mul(tf.exp(tf.mul(0.5, logvar)), noise[n]!);
      const z = tf.add(loc, spread);
      [z, loc, logvar, spread, hidden].forEach((v, i) => kept[i]!.push(v));
      zPrev = z;
    }
    const value = tf.concat([...kept, ...keptTransition].filter((steps) => steps.length > 0).map((steps) => tf.stack(steps, 0).reshape([-1])), 0);
    save([value, wzh, wzl, wzv, whl, whv, ...tw]);
    const gradFunc = (dy: tf.Tensor, s: tf.Tensor[]): tf.Tensor[] => {
      const [all, ...w] = s as [tf.Tensor, ...tf.Tensor2D[]];
      // Transposed once, not a transposing matMul per step.
      const [wzhT, wzlT, wzvT, whlT, whvT] = w.slice(0, 5).map((m) => tf.transpose(m)) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
      const twAll = w.slice(5);
      const transitionT = residual ? transposedWeights(twAll) : [];
      const parts = tf.split(all, [size, size, size, size, T * B * C, ...(T > 1 ? savedSizes : [])], 0);
      const [zAll, , logvarAll, spreadAll, hiddenAll] = parts.slice(0, 5).map((v, i) => v.reshape([T, B, i === 4 ? C : L])) as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D, tf.Tensor3D, tf.Tensor3D];
      // f's saved values of steps 2..T, [T - 1, B, width], and the factors of its backward pass.
      const savedAll = T > 1 ? parts.slice(5).map((v, i) => v.reshape([(T - 1) * B, widths[i]!]) as tf.Tensor2D) : [];
      const factors = gated && T > 1 ? backwardFactors(savedAll) : null;
      const factorSteps = factors === null ? null : stepsOf(factors, T - 1, B);
      const hiddenGrads: tf.Tensor[][] = [[], []];
      const [dzs, dLocs, dLogvars] = tf.split(tf.slice(dy, [0], [3 * size]), 3, 0).map((v) => splitSteps(v.reshape([T, B, L]))) as [tf.Tensor[], tf.Tensor[], tf.Tensor[]];
      // Factors of every step at once: dz/dlogvar = exp(logvar / 2) eps / 2, dtanh = 1 - tanh^2.
      const halfSpreads = splitSteps(tf.mul(spreadAll, 0.5));
      const tanhSlopes = splitSteps(tf.sub(1, tf.square(hiddenAll)));
      const grads: tf.Tensor[][] = [new Array<tf.Tensor>(T), new Array<tf.Tensor>(T), new Array<tf.Tensor>(T), new Array<tf.Tensor>(T)];
      let carry: tf.Tensor | null = null;
      for (let n = T - 1; n >= 0; n--) {
        // dL/dz_n: from the outputs, and from step n+1 through z_n's uses there.
        const g: tf.Tensor = carry === null ? dzs[n]! : tf.add(dzs[n]!, carry);
        const dLoc = tf.add(dLocs[n]!, g);
        const dLogvar = tf.add(dLogvars[n]!, tf.mul(g, halfSpreads[n]!));
        const dA = tf.mul(tf.add(tf.matMul(dLoc, whlT), tf.matMul(dLogvar, whvT)), tanhSlopes[n]!);
        [g, dLoc, dLogvar, dA].forEach((v, i) => (grads[i]![n] = v));
        if (n > 0) {
          const terms = [tf.matMul(dA, wzhT), tf.matMul(dLoc, wzlT), tf.matMul(dLogvar, wzvT)];
          if (residual) {
            const back = transitionStepBackward(dLoc, transitionT, factorSteps === null ? null : factorSteps[n - 1]!);
            terms.push(back.dz);
            if (back.du !== undefined && back.dv !== undefined) {
              hiddenGrads[0]![n - 1] = back.du;
              hiddenGrads[1]![n - 1] = back.dv;
            }
          }
          carry = tf.addN(terms);
        }
      }
      const [dz, dLoc, dLogvar, dA] = grads.map((steps) => tf.stack(steps, 0)) as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D, tf.Tensor3D];
      const flat = (v: tf.Tensor, from: number, steps: number, width: number) => tf.slice(v, [from, 0, 0], [steps, B, width]).reshape([steps * B, width]);
      const hiddenT = tf.transpose(flat(hiddenAll, 0, T, C));
      // z_{n-1} W exists for n >= 2 only (z_0 = 0).
      const fromZ = (d: tf.Tensor3D, width: number) => (T === 1 ? tf.zeros([L, width]) : tf.matMul(tf.transpose(flat(zAll, 0, T - 1, L)), flat(d, 1, T - 1, width)));
      return [
        dA,
        dLoc,
        dLogvar,
        tf.mul(dz, tf.exp(tf.mul(0.5, logvarAll))), // dz/deps = exp(logvar / 2)
        fromZ(dA, C),
        fromZ(dLoc, L),
        fromZ(dLogvar, L),
        tf.matMul(hiddenT, flat(dLoc, 0, T, L)),
        tf.matMul(hiddenT, flat(dLogvar, 0, T, L)),
        ...(residual ? transitionGradients(twAll, T, B, L, zAll, dLoc, savedAll, factors, hiddenGrads) : []),
      ];
    };
    return { value, gradFunc };
  });
  const value = scan(pre, locOffsets, logvarOffsets, eps, weights.zToHidden, weights.zToLoc, weights.zToLogvar, weights.hiddenToLoc, weights.hiddenToLogvar, ...transition);
  // Split along the first axis: its gradient is a concat along that axis (cheap).
  const [z, loc, logvar] = tf.split(value, [size, size, size, value.shape[0]! - 3 * size], 0).slice(0, 3).map((v) => v.reshape([T, B, L])) as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D];
  return { z, loc, logvar };
}

/** f's weight gradients over steps 2..T (f reads z_1..z_{T-1}); zeros when T = 1. */
function transitionGradients(
  weights: readonly tf.Tensor[],
  T: number,
  B: number,
  L: number,
  zAll: tf.Tensor3D,
  dLoc: tf.Tensor3D,
  saved: tf.Tensor2D[],
  factors: TransitionBackwardFactors | null,
  hiddenGrads: tf.Tensor[][],
): tf.Tensor[] {
  if (T === 1) return weights.map((w) => tf.zerosLike(w));
  const steps = (T - 1) * B;
  const zPrev = tf.slice(zAll, [0, 0, 0], [T - 1, B, L]).reshape([steps, L]) as tf.Tensor2D;
  const df = tf.slice(dLoc, [1, 0, 0], [T - 1, B, L]).reshape([steps, L]) as tf.Tensor2D;
  const gated =
    factors === null
      ? null
      : {
          saved,
          factors,
          du: tf.stack(hiddenGrads[0]!, 0).reshape([steps, -1]) as tf.Tensor2D,
          dv: tf.stack(hiddenGrads[1]!, 0).reshape([steps, -1]) as tf.Tensor2D,
        };
  return transitionWeightGradients(zPrev, df, gated);
}

/** The factors of every step ([steps * B, width] each) as one set per step ([B, width] each). */
function stepsOf(factors: TransitionBackwardFactors, steps: number, B: number): TransitionBackwardFactors[] {
  const split = (v: tf.Tensor) => splitSteps(v.reshape([steps, B, -1]));
  const [oneMinusGate, gate, gateSlope, uActive, vActive] = [factors.oneMinusGate, factors.gate, factors.gateSlope, factors.uActive, factors.vActive].map(split) as tf.Tensor[][];
  return Array.from({ length: steps }, (_, i) => ({
    oneMinusGate: oneMinusGate![i]!,
    gate: gate![i]!,
    gateSlope: gateSlope![i]!,
    uActive: uActive![i]!,
    vActive: vActive![i]!,
  }));
}
