/**
 * A bidirectional GRU over the observations, written with tf ops. Both directions run
 * in one loop: their weights are stacked on a leading axis of 2 and every step is one
 * batched matMul, which halves the number of kernel calls (the cost that dominates
 * small recurrent models in tfjs).
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
   * x: [T, B, inputDim], time-major so that per-step slices are contiguous; mask: [T, B]
   * of 1 (observed) then 0 (padding) along time, or null. Returns [T, B, 2H]: the forward
   * state at n (seen x_1..x_n) and the backward state at n (seen x_n..x_T). Padding never
   * reaches the backward state: it holds its zero initial value until the sequence's
   * last observed step.
   */
  apply(x: tf.Tensor3D, mask: tf.Tensor2D | null): tf.Tensor3D {
    return tf.tidy(() => {
      const [T, B, D] = x.shape;
      const H = this.hidden;
      const both = tf.stack([x, tf.reverse(x, 0)]).reshape([2, T * B, D]);
      const projected = tf.add(tf.matMul(both, this.#wx), this.#bx).reshape([2, T, B, 3 * H]);
      const perStep = splitSteps(projected.transpose([1, 0, 2, 3])); // T x [2, B, 3H]
      const masks = mask === null ? null : splitSteps(tf.stack([mask, tf.reverse(mask, 0)], 1).expandDims(3)); // T x [2, B, 1]
      let h: tf.Tensor = tf.zeros([2, B, H]);
      const outputs: tf.Tensor[] = [];
      for (let t = 0; t < T; t++) {
        // Plain matMul + add: the wasm backend's fused matMul takes only rank-1 biases.
        const hp = tf.add(tf.matMul(h, this.#wh), this.#bh);
        const [xGates, xCandidate] = tf.split(perStep[t]!, [2 * H, H], 2);
        const [hGates, hCandidate] = tf.split(hp, [2 * H, H], 2);
        const [reset, update] = tf.split(tf.sigmoid(tf.add(xGates!, hGates!)), 2, 2);
        const candidate = tf.tanh(tf.add(xCandidate!, tf.mul(reset!, hCandidate!)));
        // h' = (1 - u) * candidate + u * h
        let next = tf.add(candidate, tf.mul(update!, tf.sub(h, candidate)));
        if (masks !== null) next = tf.add(h, tf.mul(masks[t]!, tf.sub(next, h)));
        h = next;
        outputs.push(h);
      }
      // [T, 2, B, H] to [2, T, B, H]: the two directions as contiguous blocks.
      const [forward, backward] = tf.unstack(tf.stack(outputs, 0).transpose([1, 0, 2, 3]), 0) as [tf.Tensor3D, tf.Tensor3D];
      return tf.concat([forward, tf.reverse(backward, 0)], 2);
    });
  }
}
