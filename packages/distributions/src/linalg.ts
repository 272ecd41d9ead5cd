/**
 * Small batched linear algebra in differentiable tfjs ops (tfjs has neither a
 * triangular solve nor a Cholesky decomposition). Both loop over the matrix size
 * in JavaScript, so they suit the latent dimensions of VAEs (tens), not large D.
 * Batch dimensions broadcast.
 */
import * as tf from '@tensorflow/tfjs';

function sliceLast2(m: tf.Tensor, row: number, colStart: number, colEnd: number): tf.Tensor {
  const begin = new Array<number>(m.rank).fill(0);
  const size = [...m.shape];
  begin[m.rank - 2] = row;
  size[m.rank - 2] = 1;
  begin[m.rank - 1] = colStart;
  size[m.rank - 1] = colEnd - colStart;
  return tf.slice(m, begin, size);
}

/**
 * Solves L Y = B for lower-triangular L `[..., D, D]` and B `[..., D, M]` by forward
 * substitution, row by row; returns Y `[..., D, M]` (broadcast batch).
 */
export function solveLowerTriangular(l: tf.Tensor, b: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const d = l.shape[l.rank - 1]!;
    const rows: tf.Tensor[] = [];
    for (let i = 0; i < d; i++) {
      let rhs = sliceLast2(b, i, 0, b.shape[b.rank - 1]!); // [..., 1, M]
      if (i > 0) {
        const lRow = tf.expandDims(tf.squeeze(sliceLast2(l, i, 0, i), [l.rank - 2]), -1); // [..., i, 1]
        rhs = tf.sub(rhs, tf.sum(tf.mul(lRow, tf.concat(rows, -2)), -2, true));
      }
      rows.push(tf.div(rhs, sliceLast2(l, i, i, i + 1)));
    }
    return tf.concat(rows, -2);
  });
}

/** Solves L y = b for vectors b `[..., D]`; returns y `[..., D]`. */
export function solveLowerTriangularVector(l: tf.Tensor, b: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.squeeze(solveLowerTriangular(l, tf.expandDims(b, -1)), [-1]));
}

/** The diagonal `[..., D]` of matrices `[..., D, D]`. */
export function matrixDiagonal(m: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const d = m.shape[m.rank - 1]!;
    return tf.sum(tf.mul(m, tf.eye(d)), -1);
  });
}

/** Diagonal matrices `[..., D, D]` from vectors `[..., D]`. */
export function diagonalMatrix(v: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.mul(tf.expandDims(v, -1), tf.eye(v.shape[v.rank - 1]!)));
}

/** A B for `[..., N, K]` and `[..., K, M]` with broadcast batch dimensions. */
export function matmul(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.sum(tf.mul(tf.expandDims(a, -1), tf.expandDims(b, -3)), -2));
}

/** M^T over the last two axes. */
export function transposeLast2(m: tf.Tensor): tf.Tensor {
  const perm = [...Array(m.rank).keys()];
  perm[m.rank - 2] = m.rank - 1;
  perm[m.rank - 1] = m.rank - 2;
  return tf.transpose(m, perm);
}

/**
 * Lower Cholesky factor of symmetric positive-definite matrices `[..., N, N]`, column
 * by column (Cholesky-Banachiewicz), differentiable.
 */
export function cholesky(a: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const n = a.shape[a.rank - 1]!;
    // entries[i][j] for j <= i, each of shape [...].
    const entries: tf.Tensor[][] = [];
    const at = (i: number, j: number): tf.Tensor => tf.squeeze(sliceLast2(a, i, j, j + 1), [a.rank - 2, a.rank - 1]);
    for (let i = 0; i < n; i++) {
      entries.push([]);
      for (let j = 0; j <= i; j++) {
        let s = at(i, j);
        for (let k = 0; k < j; k++) s = tf.sub(s, tf.mul(entries[i]![k]!, entries[j]![k]!));
        entries[i]!.push(i === j ? tf.sqrt(s) : tf.div(s, entries[j]![j]!));
      }
    }
    const zero = tf.zerosLike(entries[0]![0]!);
    const rows = entries.map((row) => tf.stack([...row, ...new Array<tf.Tensor>(n - row.length).fill(zero)], -1));
    return tf.stack(rows, -2);
  });
}
