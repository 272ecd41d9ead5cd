// Helpers for the last, partial vector of an array (fewer than four floats left): it is
// staged through a zero-filled 16-byte scratch so the tail runs through exactly the same
// vector arithmetic as the body, and every kernel gives bit-identical results for an
// element whatever its position.

const staging: usize = memory.data(16, 16);

/** Loads `count` (0..4) floats from ptr, zero in the other lanes; ptr 0 gives zeros. */
// @ts-ignore: decorator
@inline export function loadPartial(ptr: usize, count: i32): v128 {
  v128.store(staging, i32x4.splat(0));
  if (ptr != 0) memory.copy(staging, ptr, <usize>count << 2);
  return v128.load(staging);
}

/** Stores the first `count` lanes of v at ptr (nothing when ptr is 0). */
// @ts-ignore: decorator
@inline export function storePartial(ptr: usize, v: v128, count: i32): void {
  if (ptr == 0) return;
  v128.store(staging, v);
  memory.copy(ptr, staging, <usize>count << 2);
}

/** All-ones in lanes below count, zero above. */
// @ts-ignore: decorator
@inline export function laneMask(count: i32): v128 {
  return i32x4.lt_s(i32x4(0, 1, 2, 3), i32x4.splat(count));
}

/** Four floats at element i of ptr, or the first c of them (c < 4) with zeros after. */
// @ts-ignore: decorator
@inline export function loadAt(ptr: usize, i: i32, c: i32): v128 {
  return c == 4 ? v128.load(ptr + (<usize>i << 2)) : loadPartial(ptr + (<usize>i << 2), c);
}

/** Stores c lanes of v at element i of ptr; nothing when ptr is 0. */
// @ts-ignore: decorator
@inline export function storeAt(ptr: usize, i: i32, v: v128, c: i32): void {
  if (c == 4) {
    if (ptr != 0) v128.store(ptr + (<usize>i << 2), v);
  } else {
    storePartial(ptr == 0 ? 0 : ptr + (<usize>i << 2), v, c);
  }
}

/** storeAt for an output that is never absent: no pointer test in the loop. */
// @ts-ignore: decorator
@inline export function storeAtPresent(ptr: usize, i: i32, v: v128, c: i32): void {
  if (c == 4) v128.store(ptr + (<usize>i << 2), v);
  else storePartial(ptr + (<usize>i << 2), v, c);
}

/** v with the lanes from c on zeroed (for sums over a partial vector). */
// @ts-ignore: decorator
@inline export function masked(v: v128, c: i32): v128 {
  return c == 4 ? v : v128.and(v, laneMask(c));
}

/** acc (two f64 lanes) plus the four f32 lanes of v, in float64. */
// @ts-ignore: decorator
@inline export function accumulate(acc: v128, v: v128): v128 {
  acc = f64x2.add(acc, f64x2.promote_low_f32x4(v));
  return f64x2.add(acc, f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 2, 3)));
}

// @ts-ignore: decorator
@inline export function total(acc: v128): f64 {
  return f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
}

/** Index of the first NaN or infinite float in [ptr, ptr + 4n), or -1. */
export function firstNonFinite(ptr: usize, n: i32): i32 {
  for (let i = 0; i < n; i++) {
    const x = load<f32>(ptr + (<usize>i << 2));
    if (!isFinite<f32>(x)) return i;
  }
  return -1;
}

/** Index of the first NaN in [ptr, ptr + 4n), or -1. */
export function firstNaN(ptr: usize, n: i32): i32 {
  for (let i = 0; i < n; i++) {
    const x = load<f32>(ptr + (<usize>i << 2));
    if (isNaN<f32>(x)) return i;
  }
  return -1;
}
