import * as tf from '@tensorflow/tfjs';
import { testing } from '@elbo/runtime';
import { beforeAll, describe, it } from 'vitest';
import { expectClose, expectNoLeaks } from './fixture.test-helper.js';
import { cholesky, matmul, solveLowerTriangular, transposeLast2 } from './linalg.js';

beforeAll(async () => {
  await testing.initForTests({ seed: 26 });
});

describe('linalg', () => {
  it('solveLowerTriangular: L (L^-1 B) = B, batched with broadcasting', () => {
    const l = tf.tensor([[[2, 0, 0], [1, 3, 0], [-1, 0.5, 1.5]], [[1, 0, 0], [0, 1, 0], [0, 0, 1]]]);
    const b = tf.tensor([[1, 2], [3, 4], [5, 6]]);
    const y = solveLowerTriangular(l, b);
    // Forward substitution by hand for the first matrix: y0 = b0 / 2, y1 = (b1 - y0) / 3, y2 = (b2 + y0 - 0.5 y1) / 1.5.
    const y0 = [0.5, 1];
    const y1 = [(3 - 0.5) / 3, (4 - 1) / 3];
    const y2 = [(5 + 0.5 - 0.5 * y1[0]!) / 1.5, (6 + 1 - 0.5 * y1[1]!) / 1.5];
    expectClose('solve', y, [[y0, y1, y2], [[1, 2], [3, 4], [5, 6]]], 1e-5, [2, 3, 2]);
    tf.dispose([l, b]);
  });

  it('cholesky: L L^T reproduces a positive-definite matrix, L lower-triangular with positive diagonal', () => {
    const l = tf.tensor([[1.5, 0, 0], [0.3, 0.8, 0], [-0.4, 0.2, 1.1]]);
    const a = matmul(l, transposeLast2(l));
    expectClose('cholesky', cholesky(a), l.arraySync() as number[][]);
    expectNoLeaks({ cholesky: () => cholesky(a), solve: () => solveLowerTriangular(l, a) });
    tf.dispose([l, a]);
  });
});
