/**
 * The recurrent part of the structured posterior q(z_n | z_{n-1}, x), and only that:
 *   a_n = pre_n + z_{n-1} W_za            (combiner pre-activation; z_0 term absent)
 *   o_n = tanh(a_n) W_h + z_{n-1} W_zo + offset_n = [loc_n, logvar_n]
 *   z_n = loc_n + exp(logvar_n / 2) * eps_n
 * with [W_za, W_zo] = fromZ (one matMul of z_{n-1} per step). Everything that does not
 * depend on z_{n-1} (pre, offset) is computed by the caller for all steps at once.
 *
 * The backward pass through time is written by hand (tf.customGrad): each step carries
 * dL/dz_{n-1} only, and the weight gradients are one matMul over all steps after the
 * loop, which cuts the kernel calls per training step several-fold (small recurrent
 * models in tfjs are bound by kernel calls, not arithmetic).
 */
import * as tf from '@tensorflow/tfjs';
import { splitSteps } from './time-steps.js';

/**
 * pre: [T, B, C]; offsets: [T, B, 2L]; eps: [T, B, L]; fromZ: [L, C + 2L];
 * fromHidden: [C, 2L]. Returns [T, B, 3L]: z, loc and logvar along the last axis.
 */
export function posteriorScan(
  pre: tf.Tensor3D,
  offsets: tf.Tensor3D,
  eps: tf.Tensor3D,
  fromZ: tf.Tensor2D,
  fromHidden: tf.Tensor2D,
): tf.Tensor3D {
  const [T, B, C] = pre.shape;
  const L = eps.shape[2];
    // The value packs, per step, what the backward pass needs: [z, loc, logvar, tanh(a),
  // exp(logvar / 2) eps] along the last axis. Tensors kept for the backward pass must
  // be inputs or outputs (tfjs checks custom gradients for leaked intermediates).
  const scan = tf.customGrad((...args: unknown[]) => {
    const [a, off, e, wz, wh] = args as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D, tf.Tensor2D, tf.Tensor2D];
    const save = args[5] as (tensors: tf.Tensor[]) => void;
    const pres = splitSteps(a);
    const offs = splitSteps(off);
    const noise = splitSteps(e);
    const packed: tf.Tensor[] = [];
    let zPrev: tf.Tensor | null = null;
    for (let n = 0; n < T; n++) {
      let hidden: tf.Tensor;
      let out: tf.Tensor;
      if (zPrev === null) {
        hidden = tf.tanh(pres[0]!);
        out = tf.add(tf.matMul(hidden, wh), offs[0]!);
      } else {
        const [toHidden, toOut] = tf.split(tf.matMul(zPrev, wz), [C, 2 * L], 1) as [tf.Tensor, tf.Tensor];
        hidden = tf.tanh(tf.add(pres[n]!, toHidden));
        out = tf.addN([tf.matMul(hidden, wh), toOut, offs[n]!]);
      }
      const [loc, logvar] = tf.split(out, 2, 1) as [tf.Tensor, tf.Tensor];
      const spread = tf.mul(tf.exp(tf.mul(0.5, logvar)), noise[n]!);
      const z = tf.add(loc, spread);
      packed.push(tf.concat([z, out, hidden, spread], 1));
      zPrev = z;
    }
    const value = tf.stack(packed, 0) as tf.Tensor3D; // [T, B, 4L + C]
    save([value, wz, wh]);
    const gradFunc = (dy: tf.Tensor, s: tf.Tensor[]): tf.Tensor[] => {
      const [all, wzSaved, whSaved] = s as [tf.Tensor3D, tf.Tensor2D, tf.Tensor2D];
      const [dz, dOut] = tf.split(tf.slice(dy, [0, 0, 0], [T, B, 3 * L]), [L, 2 * L], 2);
      const dzs = splitSteps(dz!);
      const dOuts = splitSteps(dOut!);
      const [, , logvarAll, hiddenAll, spreadAll] = tf.split(all, [L, L, L, C, L], 2) as [tf.Tensor, tf.Tensor, tf.Tensor3D, tf.Tensor3D, tf.Tensor3D];
      const hiddens = splitSteps(hiddenAll);
      const spreads = splitSteps(spreadAll);
      // Transposed once, not a transposing matMul per step.
      const wzT = tf.transpose(wzSaved);
      const whT = tf.transpose(whSaved);
      const dHidden: tf.Tensor[] = new Array<tf.Tensor>(T);
      const dOutTotal: tf.Tensor[] = new Array<tf.Tensor>(T);
      const dLatent: tf.Tensor[] = new Array<tf.Tensor>(T);
      let carry: tf.Tensor | null = null;
      for (let n = T - 1; n >= 0; n--) {
        // dL/dz_n: from the outputs, and from step n+1 through z_n's uses there.
        const g: tf.Tensor = carry === null ? dzs[n]! : tf.add(dzs[n]!, carry);
        dLatent[n] = g;
        // z = loc + exp(logvar / 2) eps: dz/dloc = 1, dz/dlogvar = exp(logvar / 2) eps / 2.
        const dO = tf.add(dOuts[n]!, tf.concat([g, tf.mul(tf.mul(g, spreads[n]!), 0.5)], 1));
        const dA = tf.mul(tf.matMul(dO, whT), tf.sub(1, tf.square(hiddens[n]!)));
        dHidden[n] = dA;
        dOutTotal[n] = dO;
        if (n > 0) carry = tf.matMul(tf.concat([dA, dO], 1), wzT);
      }
      const dA = tf.stack(dHidden, 0) as tf.Tensor3D; // [T, B, C]
      const dO = tf.stack(dOutTotal, 0) as tf.Tensor3D; // [T, B, 2L]
      const dFromHidden = tf.matMul(tf.transpose(hiddenAll.reshape([T * B, C])), dO.reshape([T * B, 2 * L]));
      // z_{n-1} W_z exists for n >= 2 only (z_0 = 0).
      let dFromZ: tf.Tensor = tf.zeros(wzSaved.shape);
      if (T > 1) {
        const zPrevT = tf.transpose(tf.slice(all, [0, 0, 0], [T - 1, B, L]).reshape([(T - 1) * B, L]));
        const dAfterFirst = tf.slice(tf.concat([dA, dO], 2), [1, 0, 0], [T - 1, B, C + 2 * L]).reshape([(T - 1) * B, C + 2 * L]);
        dFromZ = tf.matMul(zPrevT, dAfterFirst);
      }
      // dz/deps = exp(logvar / 2), for all steps at once.
      const dEps = tf.mul(tf.stack(dLatent, 0), tf.exp(tf.mul(0.5, logvarAll)));
      return [dA, dO, dEps, dFromZ, dFromHidden];
    };
    return { value, gradFunc };
  });
  const packed = scan(pre, offsets, eps, fromZ, fromHidden) as tf.Tensor3D;
  return tf.slice(packed, [0, 0, 0], [T, B, 3 * L]);
}
