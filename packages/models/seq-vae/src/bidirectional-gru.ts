/**
 * A bidirectional GRU over the observations, written with tf ops. Small recurrent
 * models in tfjs are bound by the number of kernel calls, not by arithmetic, so:
 *  - both directions run in one loop (weights stacked on a leading axis of 2, every
 *    step one batched matMul for all three gates);
 *  - the input projections W_x x_t of every step and direction are one matMul before
 *    the loop;
 *  - the backward pass through time is written by hand (tf.customGrad): it carries only
 *    dL/dh from step to step, and the weight gradients are one matMul over all steps
 *    after the loop, instead of one gradient and one accumulation per step and weight.
 */
import * as tf from '@tensorflow/tfjs';
import type { ParameterSet } from './parameters.js';
import { splitSteps } from './time-steps.js';

export class BidirectionalGru {
  readonly #wx: tf.Variable; // [2, inputDim, 3H]: input to (reset, update, candidate)
  readonly #bx: tf.Variable; // [2, 1, 3H]
  readonly #wh: tf.Variable; // [2, H, 3H]
  readonly #bh: tf.Variable; // [2, 1, 3H]

  constructor(
    params: ParameterSet,
    readonly inputDim: number,
    readonly hidden: number,
  ) {
    this.#wx = params.add('encoder.gru.wx', [2, inputDim, 3 * hidden], { kind: 'glorot' });
    this.#bx = params.add('encoder.gru.bx', [2, 1, 3 * hidden], { kind: 'constant', value: 0 });
    this.#wh = params.add('encoder.gru.wh', [2, hidden, 3 * hidden], { kind: 'glorot' });
    this.#bh = params.add('encoder.gru.bh', [2, 1, 3 * hidden], { kind: 'constant', value: 0 });
  }

  /**
   * x: [T, B, inputDim], time-major; mask: [T, B] of 1 (observed) then 0 (padding) along
   * time, or null. Returns [T, B, 2H]: the forward state at n (seen x_1..x_n) and the
   * backward state at n (seen x_n..x_T). Padding never reaches the backward state: it
   * holds its zero initial value until the sequence's last observed step.
   */
  apply(x: tf.Tensor3D, mask: tf.Tensor2D | null): tf.Tensor3D {
    return tf.tidy(() => {
      const [T, B, D] = x.shape;
      const H = this.hidden;
      const both = tf.stack([x, tf.reverse(x, 0)]).reshape([2, T * B, D]);
      // Per gate (reset, update, candidate): weights sliced once, one matMul over every
      // step and direction. Nothing is sliced along the feature axis per step (that is
      // an element-by-element copy on the cpu backend).
      const gate = (v: tf.Tensor, i: number) => tf.slice(v, [0, 0, i * H], [2, v.shape[1]!, H]);
      const project = (i: number, bias: tf.Tensor) => tf.add(tf.matMul(both, gate(this.#wx, i)), bias).reshape([2, T, B, H]).transpose([1, 0, 2, 3]) as tf.Tensor4D;
      // The recurrent biases of r and u add to the input ones; c's stays inside (r * (h W + b)).
      const inputs = [0, 1, 2].map((i) => project(i, i < 2 ? tf.add(gate(this.#bx, i), gate(this.#bh, i)) : gate(this.#bx, i))) as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
      const recurrent = [0, 1, 2].map((i) => gate(this.#wh, i)) as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D];
      const masks = mask === null ? null : (tf.stack([mask, tf.reverse(mask, 0)], 1).expandDims(3) as tf.Tensor4D); // [T, 2, B, 1]
      const states = gruScan(inputs, recurrent, gate(this.#bh, 2) as tf.Tensor3D, masks); // [T, 2, B, H]
      const [forward, backward] = tf.unstack(states.transpose([1, 0, 2, 3]), 0) as [tf.Tensor3D, tf.Tensor3D];
      return tf.concat([forward, tf.reverse(backward, 0)], 2);
    });
  }
}

/**
 * The GRU recursion for a stack of independent GRUs (leading axis G; here the two
 * directions), given the input projections of every step (x W_x + b_x, plus the
 * recurrent biases of r and u):
 *   r = sigmoid(xr_t + h W_r),  u = sigmoid(xu_t + h W_u),  c = tanh(xc_t + r * (h W_c + b_c)),
 *   h' = m_t * (c + u * (h - c)).
 * inputs: [xr, xu, xc], each [T, G, B, H]; recurrent: [W_r, W_u, W_c], each [G, H, H];
 * bc: [G, 1, H]; masks: [T, G, B, 1] or null. Returns the states [T, G, B, H].
 *
 * The mask multiplies the new state: with masks of zeros then ones (the reversed
 * direction) the state stays at its zero start over the padding, exactly as if the
 * sequence began at its last observed step; with ones then zeros (the forward direction)
 * the states at padded steps are zero, and they only reach padded steps.
 */
export function gruScan(
  inputs: readonly [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D],
  recurrent: readonly [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D],
  bc: tf.Tensor3D,
  masks: tf.Tensor4D | null,
): tf.Tensor4D {
  const [T, G, B, H] = inputs[0].shape;
  const size = T * G * B * H;
  // The value is flat: [h', h W_c + b_c, r, u, c] of every step, each [T, G, B, H]. What
  // the backward pass reads must be an input or the output (tfjs checks custom
  // gradients for leaked intermediates), and a flat value is split and regrown along
  // its first axis only, which is a contiguous copy on every backend.
  const scan = tf.customGrad((...args: unknown[]) => {
    const [xr, xu, xc, wr, wu, wc, b, m] = args as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D, tf.Tensor3D, tf.Tensor3D, tf.Tensor3D, tf.Tensor3D, tf.Tensor4D];
    const save = args[8] as (tensors: tf.Tensor[]) => void;
    const [xrs, xus, xcs] = [splitSteps(xr), splitSteps(xu), splitSteps(xc)];
    const ms = masks === null ? null : splitSteps(m);
    let h: tf.Tensor = tf.zeros([G, B, H]);
    const kept: tf.Tensor[][] = [[], [], [], [], []];
    for (let t = 0; t < T; t++) {
      const reset = tf.sigmoid(tf.add(xrs[t]!, tf.matMul(h, wr)));
      const update = tf.sigmoid(tf.add(xus[t]!, tf.matMul(h, wu)));
      const hCandidate = tf.add(tf.matMul(h, wc), b);
      const candidate = tf.tanh(tf.add(xcs[t]!, tf.mul(reset, hCandidate)));
      let next = tf.add(candidate, tf.mul(update, tf.sub(h, candidate)));
      if (ms !== null) next = tf.mul(ms[t]!, next);
      [next, hCandidate, reset, update, candidate].forEach((v, i) => kept[i]!.push(v));
      h = next;
    }
    const value = tf.concat(kept.map((steps) => tf.stack(steps, 0).reshape([size])), 0);
    save([value, wr, wu, wc, m]);
    const gradFunc = (dy: tf.Tensor, s: tf.Tensor[]): tf.Tensor[] => {
      const [all, wrSaved, wuSaved, wcSaved, maskAll] = s as [tf.Tensor, tf.Tensor3D, tf.Tensor3D, tf.Tensor3D, tf.Tensor4D];
      const [states, hCandidates, resets, updates, candidates] = tf.split(all, 5, 0).map((v) => splitSteps(v.reshape([T, G, B, H]))) as [tf.Tensor[], tf.Tensor[], tf.Tensor[], tf.Tensor[], tf.Tensor[]];
      const dys = splitSteps(tf.slice(dy, [0], [size]).reshape([T, G, B, H]));
      const dms = ms === null ? null : splitSteps(maskAll);
      // Transposed once, not a transposing matMul per step.
      const [wrT, wuT, wcT] = [wrSaved, wuSaved, wcSaved].map((w) => tf.transpose(w, [0, 2, 1])) as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D];
      const grads: tf.Tensor[][] = [new Array<tf.Tensor>(T), new Array<tf.Tensor>(T), new Array<tf.Tensor>(T), new Array<tf.Tensor>(T)];
      let carry: tf.Tensor | null = null;
      for (let t = T - 1; t >= 0; t--) {
        const [hCandidate, reset, update, candidate] = [hCandidates[t]!, resets[t]!, updates[t]!, candidates[t]!];
        let dNext: tf.Tensor = carry === null ? dys[t]! : tf.add(dys[t]!, carry);
        if (dms !== null) dNext = tf.mul(dNext, dms[t]!);
        // h' = c + u (h - c)
        const dDirect = tf.mul(dNext, update);
        const dCandidate = tf.sub(dNext, dDirect);
        const dUpdate = tf.mul(tf.mul(dNext, t === 0 ? tf.neg(candidate) : tf.sub(states[t - 1]!, candidate)), tf.mul(update, tf.sub(1, update)));
        const dxCandidate = tf.mul(dCandidate, tf.sub(1, tf.square(candidate)));
        const dReset = tf.mul(tf.mul(dxCandidate, hCandidate), tf.mul(reset, tf.sub(1, reset)));
        const dhCandidate = tf.mul(dxCandidate, reset);
        [dReset, dUpdate, dxCandidate, dhCandidate].forEach((v, i) => (grads[i]![t] = v));
        if (t > 0) carry = tf.addN([dDirect, tf.matMul(dReset, wrT), tf.matMul(dUpdate, wuT), tf.matMul(dhCandidate, wcT)]);
      }
      const [dxr, dxu, dxc, dhc] = grads.map((steps) => tf.stack(steps, 0)) as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
      // Weight gradients of every step at once: sum_t h_{t-1}^T d_t (h_0 = 0).
      const weightGrad = (d: tf.Tensor4D) => {
        if (T === 1) return tf.zeros([G, H, H]);
        const hPrevT = tf.transpose(tf.stack(states.slice(0, T - 1), 1).reshape([G, (T - 1) * B, H]), [0, 2, 1]);
        const later = tf.transpose(tf.slice(d, [1, 0, 0, 0], [T - 1, G, B, H]), [1, 0, 2, 3]).reshape([G, (T - 1) * B, H]);
        return tf.matMul(hPrevT, later);
      };
      const dbc = tf.sum(tf.transpose(dhc, [1, 0, 2, 3]).reshape([G, T * B, H]), 1, true);
      return [dxr, dxu, dxc, weightGrad(dxr), weightGrad(dxu), weightGrad(dhc), dbc, tf.zeros(maskAll.shape)];
    };
    return { value, gradFunc };
  });
  const value = scan(...inputs, ...recurrent, bc, masks ?? tf.zeros([1]));
  // Split along the first axis: its gradient is a concat along that axis (cheap).
  return tf.split(value, [size, 4 * size], 0)[0]!.reshape([T, G, B, H]) as tf.Tensor4D;
}
