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
      const projected = tf.add(tf.matMul(both, this.#wx), this.#bx).reshape([2, T, B, 3 * H]).transpose([1, 0, 2, 3]) as tf.Tensor4D;
      const masks = mask === null ? null : (tf.stack([mask, tf.reverse(mask, 0)], 1).expandDims(3) as tf.Tensor4D); // [T, 2, B, 1]
      const states = gruScan(projected, this.#wh, this.#bh, masks); // [T, 2, B, H]
      const [forward, backward] = tf.unstack(states.transpose([1, 0, 2, 3]), 0) as [tf.Tensor3D, tf.Tensor3D];
      return tf.concat([forward, tf.reverse(backward, 0)], 2);
    });
  }
}

/**
 * The GRU recursion for a stack of independent GRUs (leading axis G; here the two
 * directions), given the input projections of every step:
 *   [r, u] = sigmoid(xg_t + (h W_h + b_h)_g),  c = tanh(xc_t + r * (h W_h + b_h)_c),
 *   h' = m_t * (c + u * (h - c)).
 * projected: [T, G, B, 3H] (W_x x_t + b_x, gates then candidate); wh: [G, H, 3H];
 * bh: [G, 1, 3H]; masks: [T, G, B, 1] or null. Returns the states [T, G, B, H].
 *
 * The mask multiplies the new state: with masks of zeros then ones (the reversed
 * direction) the state stays at its zero start over the padding, exactly as if the
 * sequence began at its last observed step; with ones then zeros (the forward direction)
 * the states at padded steps are zero, and they only reach padded steps.
 */
export function gruScan(projected: tf.Tensor4D, wh: tf.Tensor3D | tf.Variable, bh: tf.Tensor3D | tf.Variable, masks: tf.Tensor4D | null): tf.Tensor4D {
  const [T, G, B] = projected.shape;
  const H = wh.shape[1]!;
  // The value packs, per step, what the backward pass needs: [h', candidate part of
  // h W_h + b_h, r, u, c] along the last axis. Tensors kept for the backward pass must
  // be inputs or outputs (tfjs checks custom gradients for leaked intermediates).
  const scan = tf.customGrad((...args: unknown[]) => {
    const [xp, w, b, m] = args as [tf.Tensor4D, tf.Tensor3D, tf.Tensor3D, tf.Tensor4D];
    const save = args[4] as (tensors: tf.Tensor[]) => void;
    const xs = splitSteps(xp);
    const ms = masks === null ? null : splitSteps(m);
    let h: tf.Tensor = tf.zeros([G, B, H]);
    const packed: tf.Tensor[] = [];
    for (let t = 0; t < T; t++) {
      const [hGates, hCandidate] = tf.split(tf.add(tf.matMul(h, w), b), [2 * H, H], 2) as [tf.Tensor, tf.Tensor];
      const [xGates, xCandidate] = tf.split(xs[t]!, [2 * H, H], 2) as [tf.Tensor, tf.Tensor];
      const gates = tf.sigmoid(tf.add(xGates, hGates));
      const [reset, update] = tf.split(gates, 2, 2) as [tf.Tensor, tf.Tensor];
      const candidate = tf.tanh(tf.add(xCandidate, tf.mul(reset, hCandidate)));
      let next = tf.add(candidate, tf.mul(update, tf.sub(h, candidate)));
      if (ms !== null) next = tf.mul(ms[t]!, next);
      packed.push(tf.concat([next, hCandidate, gates, candidate], 2));
      h = next;
    }
    const value = tf.stack(packed, 0) as tf.Tensor4D; // [T, G, B, 5H]
    save([value, w, m]);
    const gradFunc = (dy: tf.Tensor, s: tf.Tensor[]): tf.Tensor[] => {
      const [all, weights, maskAll] = s as [tf.Tensor4D, tf.Tensor3D, tf.Tensor4D];
      const steps = splitSteps(all).map((step) => tf.split(step, [H, H, H, H, H], 2));
      const dys = splitSteps(tf.slice(dy, [0, 0, 0, 0], [T, G, B, H]));
      const dms = ms === null ? null : splitSteps(maskAll);
      const wT = tf.transpose(weights, [0, 2, 1]); // once, not a transposing matMul per step
      const dProjected: tf.Tensor[] = new Array<tf.Tensor>(T);
      const dHidden: tf.Tensor[] = new Array<tf.Tensor>(T);
      let carry: tf.Tensor | null = null;
      for (let t = T - 1; t >= 0; t--) {
        const [, hCandidate, reset, update, candidate] = steps[t]! as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
        const hPrev = t === 0 ? null : steps[t - 1]![0]!;
        let dNext: tf.Tensor = carry === null ? dys[t]! : tf.add(dys[t]!, carry);
        if (dms !== null) dNext = tf.mul(dNext, dms[t]!);
        // h' = c + u (h - c)
        const dDirect = tf.mul(dNext, update);
        const dCandidate = tf.sub(dNext, dDirect);
        const dUpdate = tf.mul(dNext, hPrev === null ? tf.neg(candidate) : tf.sub(hPrev, candidate));
        const dxCandidate = tf.mul(dCandidate, tf.sub(1, tf.square(candidate)));
        const dReset = tf.mul(dxCandidate, hCandidate);
        const dhCandidate = tf.mul(dxCandidate, reset);
        const gates = tf.concat([reset, update], 2);
        const dGates = tf.mul(tf.concat([dReset, dUpdate], 2), tf.mul(gates, tf.sub(1, gates)));
        const dh = tf.concat([dGates, dhCandidate], 2);
        dProjected[t] = tf.concat([dGates, dxCandidate], 2);
        dHidden[t] = dh;
        if (t > 0) carry = tf.add(dDirect, tf.matMul(dh, wT));
      }
      const dhAll = tf.stack(dHidden, 1); // [G, T, B, 3H]
      // Weight gradients of every step at once: sum_t h_{t-1}^T dh_t (h_0 = 0).
      let dWh: tf.Tensor = tf.zeros(weights.shape);
      if (T > 1) {
        const hPrevT = tf.transpose(tf.slice(all, [0, 0, 0, 0], [T - 1, G, B, H]), [1, 3, 0, 2]).reshape([G, H, (T - 1) * B]);
        const dhLater = tf.slice(dhAll, [0, 1, 0, 0], [G, T - 1, B, 3 * H]).reshape([G, (T - 1) * B, 3 * H]);
        dWh = tf.matMul(hPrevT, dhLater);
      }
      return [tf.stack(dProjected, 0), dWh, tf.sum(dhAll.reshape([G, T * B, 3 * H]), 1, true), tf.zeros(maskAll.shape)];
    };
    return { value, gradFunc };
  });
  const packed = scan(projected, wh, bh, masks ?? tf.zeros([1])) as tf.Tensor4D;
  return tf.slice(packed, [0, 0, 0, 0], [T, G, B, H]);
}
