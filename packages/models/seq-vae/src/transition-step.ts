/**
 * The transition mean f(z) of {@link Transition} as one step of a recursion with a
 * hand-written backward pass. The residual posterior (posterior-scan.ts) adds
 * f(z_{n-1}) to its mean at every step, so its backward pass through time needs f's
 * vector-Jacobian product at each step, and f's weight gradients once over all steps.
 *
 * Weights, in order: linear [weight, bias]; gated [weight, bias, gate.w1, gate.b1,
 * gate.w2, gate.b2, proposal.w1, proposal.b1, proposal.w2, proposal.b2], with
 *   f(z) = lin + g * (p - lin),  lin = z A + b,  g = sigmoid(relu(z G1 + c1) G2 + c2),
 *   p = relu(z P1 + d1) P2 + d2.
 */
import * as tf from '@tensorflow/tfjs';

/** What one forward step keeps for the backward pass (gated only): u, g, v, p - lin, each [B, width]. */
export type TransitionStepSaved = readonly tf.Tensor[];

/** Widths of the saved tensors, given the latent size and the MLP's hidden units. */
export function savedWidths(weights: readonly tf.Tensor[], latentDim: number): number[] {
  if (weights.length === 2) return [];
  const hidden = weights[2]!.shape[1]!;
  return [hidden, latentDim, hidden, latentDim];
}

export function transitionStepForward(z: tf.Tensor2D, weights: readonly tf.Tensor[]): { mean: tf.Tensor; saved: TransitionStepSaved } {
  const [A, b] = weights as [tf.Tensor2D, tf.Tensor1D];
  const lin = tf.fused.matMul({ a: z, b: A, bias: b });
  if (weights.length === 2) return { mean: lin, saved: [] };
  const [, , g1, c1, g2, c2, p1, d1, p2, d2] = weights as tf.Tensor2D[];
  const u = tf.fused.matMul({ a: z, b: g1!, bias: c1, activation: 'relu' });
  const g = tf.sigmoid(tf.fused.matMul({ a: u, b: g2!, bias: c2 }));
  const v = tf.fused.matMul({ a: z, b: p1!, bias: d1, activation: 'relu' });
  const diff = tf.sub(tf.fused.matMul({ a: v, b: p2!, bias: d2 }), lin);
  return { mean: tf.add(lin, tf.mul(g, diff)), saved: [u, g, v, diff] };
}

/**
 * Factors of the backward pass that depend only on the forward values, for every step
 * at once (saved tensors stacked along a leading axis): 1 - g, g, dg/dgate-input * (p - lin),
 * and the ReLU masks of u and v.
 */
export interface TransitionBackwardFactors {
  readonly oneMinusGate: tf.Tensor;
  readonly gate: tf.Tensor;
  readonly gateSlope: tf.Tensor;
  readonly uActive: tf.Tensor;
  readonly vActive: tf.Tensor;
}

export function backwardFactors(saved: readonly tf.Tensor[]): TransitionBackwardFactors {
  const [u, g, v, diff] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
  const oneMinusGate = tf.sub(1, g);
  return {
    oneMinusGate,
    gate: g,
    gateSlope: tf.mul(tf.mul(g, oneMinusGate), diff),
    uActive: tf.cast(tf.greater(u, 0), 'float32'),
    vActive: tf.cast(tf.greater(v, 0), 'float32'),
  };
}

/** The weights transposed once for the per-step products: A^T, G1^T, G2^T, P1^T, P2^T (linear: A^T). */
export function transposedWeights(weights: readonly tf.Tensor[]): tf.Tensor2D[] {
  const idx = weights.length === 2 ? [0] : [0, 2, 4, 6, 8];
  return idx.map((i) => tf.transpose(weights[i]!) as tf.Tensor2D);
}

/**
 * dL/dz of one step from dL/df (df [B, L]); `factors` sliced to this step. Returns the
 * gated MLP's hidden-unit gradients too (du, dv), which the weight gradients need.
 */
export function transitionStepBackward(
  df: tf.Tensor,
  transposed: readonly tf.Tensor2D[],
  factors: TransitionBackwardFactors | null,
): { dz: tf.Tensor; du?: tf.Tensor; dv?: tf.Tensor } {
  const [AT, G1T, G2T, P1T, P2T] = transposed;
  if (factors === null) return { dz: tf.matMul(df, AT!) };
  const du = tf.mul(tf.matMul(tf.mul(df, factors.gateSlope), G2T!), factors.uActive);
  const dv = tf.mul(tf.matMul(tf.mul(df, factors.gate), P2T!), factors.vActive);
  const dz = tf.addN([tf.matMul(tf.mul(df, factors.oneMinusGate), AT!), tf.matMul(du, G1T!), tf.matMul(dv, P1T!)]);
  return { dz, du, dv };
}

/**
 * Weight gradients over all steps at once: z [N, L] (the inputs of f), df [N, L], and
 * for the gated f the saved tensors, factors, du [N, H] and dv [N, H], all flattened
 * over steps and batch.
 */
export function transitionWeightGradients(
  z: tf.Tensor2D,
  df: tf.Tensor2D,
  gated: { saved: readonly tf.Tensor2D[]; factors: TransitionBackwardFactors; du: tf.Tensor2D; dv: tf.Tensor2D } | null,
): tf.Tensor[] {
  const zT = tf.transpose(z);
  if (gated === null) return [tf.matMul(zT, df), tf.sum(df, 0)];
  const [u, , v] = gated.saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
  const f = gated.factors;
  const dLin = tf.mul(df, f.oneMinusGate) as tf.Tensor2D;
  const dGateInput = tf.mul(df, f.gateSlope) as tf.Tensor2D;
  const dProposal = tf.mul(df, f.gate) as tf.Tensor2D;
  return [
    tf.matMul(zT, dLin),
    tf.sum(dLin, 0),
    tf.matMul(zT, gated.du),
    tf.sum(gated.du, 0),
    tf.matMul(tf.transpose(u), dGateInput),
    tf.sum(dGateInput, 0),
    tf.matMul(zT, gated.dv),
    tf.sum(gated.dv, 0),
    tf.matMul(tf.transpose(v), dProposal),
    tf.sum(dProposal, 0),
  ];
}
