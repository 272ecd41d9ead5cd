// Single-precision matrix product for the shapes of MLP training (batch 128, layers of
// 20-800 units), working in place on tfjs-backend-wasm's heap. XNNPACK repacks its
// right operand whenever it is a new tensor, which in training is every step (the
// weights and the gradients change), and needs explicit transposes around it; this
// kernel reads B row-major as it is, and A either row-major or transposed, with a
// 4x8 block of C held in eight SIMD registers and K split into cache-sized slices.
// Each C element is summed over k in increasing order, like the reference loops.

const KC: i32 = 256;
// @ts-ignore: decorator
@inline
function tile(a: usize, b: usize, c: usize, k0: i32, k1: i32, lda: i32, ldb: i32, ldc: i32, aT: bool, first: bool): void {
  let c00: v128, c01: v128, c10: v128, c11: v128, c20: v128, c21: v128, c30: v128, c31: v128;
  if (first) {
    c00 = f32x4.splat(0); c01 = c00; c10 = c00; c11 = c00; c20 = c00; c21 = c00; c30 = c00; c31 = c00;
  } else {
    const r1 = c + (<usize>ldc << 2), r2 = c + (<usize>ldc << 3), r3 = r2 + (<usize>ldc << 2);
    c00 = v128.load(c); c01 = v128.load(c, 16);
    c10 = v128.load(r1); c11 = v128.load(r1, 16);
    c20 = v128.load(r2); c21 = v128.load(r2, 16);
    c30 = v128.load(r3); c31 = v128.load(r3, 16);
  }
  if (aT) {
    for (let kk = k0; kk < k1; kk++) {
      const bp = b + ((<usize>kk * ldb) << 2);
      const b0 = v128.load(bp);
      const b1 = v128.load(bp, 16);
      const av = v128.load(a + ((<usize>kk * lda) << 2));
      const a0 = i32x4.shuffle(av, av, 0, 0, 0, 0);
      c00 = f32x4.add(c00, f32x4.mul(a0, b0)); c01 = f32x4.add(c01, f32x4.mul(a0, b1));
      const a1 = i32x4.shuffle(av, av, 1, 1, 1, 1);
      c10 = f32x4.add(c10, f32x4.mul(a1, b0)); c11 = f32x4.add(c11, f32x4.mul(a1, b1));
      const a2 = i32x4.shuffle(av, av, 2, 2, 2, 2);
      c20 = f32x4.add(c20, f32x4.mul(a2, b0)); c21 = f32x4.add(c21, f32x4.mul(a2, b1));
      const a3 = i32x4.shuffle(av, av, 3, 3, 3, 3);
      c30 = f32x4.add(c30, f32x4.mul(a3, b0)); c31 = f32x4.add(c31, f32x4.mul(a3, b1));
    }
  } else {
    const r1 = a + (<usize>lda << 2), r2 = a + (<usize>lda << 3), r3 = r2 + (<usize>lda << 2);
    for (let kk = k0; kk < k1; kk++) {
      const bp = b + ((<usize>kk * ldb) << 2);
      const b0 = v128.load(bp);
      const b1 = v128.load(bp, 16);
      const o = <usize>kk << 2;
      const a0 = v128.load32_splat(a + o);
      c00 = f32x4.add(c00, f32x4.mul(a0, b0)); c01 = f32x4.add(c01, f32x4.mul(a0, b1));
      const a1 = v128.load32_splat(r1 + o);
      c10 = f32x4.add(c10, f32x4.mul(a1, b0)); c11 = f32x4.add(c11, f32x4.mul(a1, b1));
      const a2 = v128.load32_splat(r2 + o);
      c20 = f32x4.add(c20, f32x4.mul(a2, b0)); c21 = f32x4.add(c21, f32x4.mul(a2, b1));
      const a3 = v128.load32_splat(r3 + o);
      c30 = f32x4.add(c30, f32x4.mul(a3, b0)); c31 = f32x4.add(c31, f32x4.mul(a3, b1));
    }
  }
  const r1 = c + (<usize>ldc << 2), r2 = c + (<usize>ldc << 3), r3 = r2 + (<usize>ldc << 2);
  v128.store(c, c00); v128.store(c, c01, 16);
  v128.store(r1, c10); v128.store(r1, c11, 16);
  v128.store(r2, c20); v128.store(r2, c21, 16);
  v128.store(r3, c30); v128.store(r3, c31, 16);
}

// The same for a 4x4 block: the last four columns when n % 8 == 4.
// @ts-ignore: decorator
@inline
function tile4(a: usize, b: usize, c: usize, k0: i32, k1: i32, lda: i32, ldb: i32, ldc: i32, aT: bool, first: bool): void {
  const r1 = c + (<usize>ldc << 2), r2 = c + (<usize>ldc << 3), r3 = r2 + (<usize>ldc << 2);
  let c0: v128, c1: v128, c2: v128, c3: v128;
  if (first) {
    c0 = f32x4.splat(0); c1 = c0; c2 = c0; c3 = c0;
  } else {
    c0 = v128.load(c); c1 = v128.load(r1); c2 = v128.load(r2); c3 = v128.load(r3);
  }
  if (aT) {
    for (let kk = k0; kk < k1; kk++) {
      const b0 = v128.load(b + ((<usize>kk * ldb) << 2));
      const av = v128.load(a + ((<usize>kk * lda) << 2));
      c0 = f32x4.add(c0, f32x4.mul(i32x4.shuffle(av, av, 0, 0, 0, 0), b0));
      c1 = f32x4.add(c1, f32x4.mul(i32x4.shuffle(av, av, 1, 1, 1, 1), b0));
      c2 = f32x4.add(c2, f32x4.mul(i32x4.shuffle(av, av, 2, 2, 2, 2), b0));
      c3 = f32x4.add(c3, f32x4.mul(i32x4.shuffle(av, av, 3, 3, 3, 3), b0));
    }
  } else {
    const a1 = a + (<usize>lda << 2), a2 = a + (<usize>lda << 3), a3 = a2 + (<usize>lda << 2);
    for (let kk = k0; kk < k1; kk++) {
      const b0 = v128.load(b + ((<usize>kk * ldb) << 2));
      const o = <usize>kk << 2;
      c0 = f32x4.add(c0, f32x4.mul(v128.load32_splat(a + o), b0));
      c1 = f32x4.add(c1, f32x4.mul(v128.load32_splat(a1 + o), b0));
      c2 = f32x4.add(c2, f32x4.mul(v128.load32_splat(a2 + o), b0));
      c3 = f32x4.add(c3, f32x4.mul(v128.load32_splat(a3 + o), b0));
    }
  }
  v128.store(c, c0); v128.store(r1, c1); v128.store(r2, c2); v128.store(r3, c3);
}

// C [m, n] = A B, A [m, k] row-major (or, when aTransposed, given as [k, m]) and
// B [k, n] row-major. Requires m % 4 == 0, n % 4 == 0 and k > 0.
export function gemm(a: usize, b: usize, c: usize, m: i32, k: i32, n: i32, aTransposed: i32): void {
  for (let k0 = 0; k0 < k; k0 += KC) {
    const k1 = min(k, k0 + KC);
    const first = k0 == 0;
    const n8 = n & ~7;
    for (let j = 0; j < n8; j += 8) {
      for (let i = 0; i < m; i += 4) {
        const cp = c + ((<usize>(i * n + j)) << 2);
        if (aTransposed) tile(a + (<usize>i << 2), b + (<usize>j << 2), cp, k0, k1, m, n, n, true, first);
        else tile(a + ((<usize>i * k) << 2), b + (<usize>j << 2), cp, k0, k1, k, n, n, false, first);
      }
    }
    if (n8 < n) {
      for (let i = 0; i < m; i += 4) {
        const cp = c + ((<usize>(i * n + n8)) << 2);
        if (aTransposed) tile4(a + (<usize>i << 2), b + (<usize>n8 << 2), cp, k0, k1, m, n, n, true, first);
        else tile4(a + ((<usize>i * k) << 2), b + (<usize>n8 << 2), cp, k0, k1, k, n, n, false, first);
      }
    }
  }
}

// out [cols, rows] = x [rows, cols] transposed, 4x4 blocks through SIMD shuffles (the
// right operand of A Bᵀ, which the product above reads row-major).
export function transpose(x: usize, out: usize, rows: i32, cols: i32): void {
  const rows4 = rows & ~3;
  const cols4 = cols & ~3;
  const inRow = <usize>cols << 2;
  const outRow = <usize>rows << 2;
  for (let i = 0; i < rows4; i += 4) {
    const x0 = x + <usize>i * inRow;
    const x1 = x0 + inRow, x2 = x1 + inRow, x3 = x2 + inRow;
    for (let j = 0; j < cols4; j += 4) {
      const at = <usize>j << 2;
      const r0 = v128.load(x0 + at), r1 = v128.load(x1 + at), r2 = v128.load(x2 + at), r3 = v128.load(x3 + at);
      const t0 = i32x4.shuffle(r0, r1, 0, 4, 1, 5);
      const t1 = i32x4.shuffle(r0, r1, 2, 6, 3, 7);
      const t2 = i32x4.shuffle(r2, r3, 0, 4, 1, 5);
      const t3 = i32x4.shuffle(r2, r3, 2, 6, 3, 7);
      const o0 = out + <usize>j * outRow + (<usize>i << 2);
      v128.store(o0, i32x4.shuffle(t0, t2, 0, 1, 4, 5));
      v128.store(o0 + outRow, i32x4.shuffle(t0, t2, 2, 3, 6, 7));
      v128.store(o0 + 2 * outRow, i32x4.shuffle(t1, t3, 0, 1, 4, 5));
      v128.store(o0 + 3 * outRow, i32x4.shuffle(t1, t3, 2, 3, 6, 7));
    }
    for (let j = cols4; j < cols; j++) {
      for (let r = 0; r < 4; r++) {
        store<f32>(out + <usize>j * outRow + (<usize>(i + r) << 2), load<f32>(x + <usize>(i + r) * inRow + (<usize>j << 2)));
      }
    }
  }
  for (let i = rows4; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      store<f32>(out + <usize>j * outRow + (<usize>i << 2), load<f32>(x + <usize>i * inRow + (<usize>j << 2)));
    }
  }
}
