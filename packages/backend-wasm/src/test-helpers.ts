import * as tf from '@tensorflow/tfjs';
import { Generator } from '@elbo/runtime';

/**
 * Runs `f` with tfjs switched to `backend` and returns plain arrays, so that results of
 * the cpu backend (the independent reference) and of wasm can be compared. Inputs must
 * be created inside `f`.
 */
export async function runOn<T>(backend: string, f: () => T): Promise<T> {
  const previous = tf.getBackend();
  await tf.setBackend(backend);
  try {
    return f();
  } finally {
    await tf.setBackend(previous);
  }
}

/** Deterministic float32 test values in [-1, 1). */
export function values(size: number, seed: number): Float32Array {
  const u = Generator.fromSeed(seed).uniformArray(size);
  return u.map((v) => 2 * v - 1);
}
