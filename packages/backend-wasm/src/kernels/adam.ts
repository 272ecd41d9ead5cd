import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { sizeOf } from './wasm-backend.js';

/** The wasm kernel doing one Adam step per variable (assembly/elementwise.ts `adam`). */
export const ADAM_KERNEL = 'ElboAdamUpdate';

export type AdamExport = (
  g: number, m: number, v: number, w: number, mOut: number, vOut: number, wOut: number, n: number,
  beta1: number, oneMinusBeta1: number, beta2: number, oneMinusBeta2: number,
  correction1: number, correction2: number, epsilon: number, negativeRate: number,
) => void;

/**
 * Registers the fused Adam kernel on wasm: inputs gradient, m, v, w (float32, one
 * shape); outputs the new m, v and w in fresh buffers (new data ids, so XNNPACK never
 * reuses weights it packed from the old values). One SIMD pass replaces the ~14
 * elementwise kernels, each allocating a tensor, that tfjs's AdamOptimizer runs per
 * variable.
 */
export function registerAdamKernel(adam: AdamExport): void {
  if (tf.getKernel(ADAM_KERNEL, 'wasm') !== undefined) return;
  tf.registerKernel({
    kernelName: ADAM_KERNEL,
    backendName: 'wasm',
    kernelFunc: (({ inputs, backend, attrs }: { inputs: tf.NamedTensorInfoMap; backend: BackendWasm; attrs: tf.NamedAttrMap }) => {
      const { gradient, m, v, w } = inputs as Record<'gradient' | 'm' | 'v' | 'w', tf.TensorInfo>;
      const a = attrs as Record<'beta1' | 'beta2' | 'correction1' | 'correction2' | 'epsilon' | 'learningRate', number>;
      const outs = [m, v, w].map((t) => backend.makeOutput([...t.shape], 'float32'));
      const offset = (t: tf.TensorInfo): number => backend.dataIdMap.get(t.dataId)!.memoryOffset;
      const n = sizeOf(w.shape);
      if (n > 0) {
        // Constants rounded to float32 as tfjs's scalar tensors round them.
        adam(
          offset(gradient), offset(m), offset(v), offset(w), offset(outs[0]!), offset(outs[1]!), offset(outs[2]!), n,
          a.beta1, 1 - a.beta1, a.beta2, 1 - a.beta2, a.correction1, a.correction2, a.epsilon, -a.learningRate,
        );
      }
      return outs;
    }) as unknown as tf.KernelFunc,
  });
}

/** What applyGradients receives: gradients by variable name, or named gradients. */
type Gradients = tf.NamedTensorMap | { name: string; tensor: tf.Tensor }[];

/** The private state of tfjs 4.22's AdamOptimizer that the fused step reads and writes. */
interface AdamState {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: ({ originalName: string; variable: tf.Variable } | undefined)[];
  accumulatedSecondMoment: ({ originalName: string; variable: tf.Variable } | undefined)[];
  incrementIterations(): void;
}

type ApplyGradients = (this: tf.AdamOptimizer, gradients: Gradients) => void;
const ORIGINAL = Symbol.for('@elbo/backend-wasm/original-adam-applyGradients');
type Patched = ApplyGradients & { [ORIGINAL]?: ApplyGradients };

/**
 * Makes tf.train.adam's applyGradients run the fused kernel while wasm is the active
 * backend (and the kernel is registered); on any other backend, or for non-float32
 * variables, tfjs's own code runs. The moments keep tfjs's names and variables, so
 * getWeights()/setWeights() are unchanged. Idempotent; undone by unpatchAdamOptimizer.
 */
export function patchAdamOptimizer(): void {
  const prototype = tf.AdamOptimizer.prototype as unknown as { applyGradients: Patched };
  if (prototype.applyGradients[ORIGINAL] !== undefined) return;
  const original = prototype.applyGradients;
  const patched: Patched = function (this: tf.AdamOptimizer, gradients) {
    if (!fusedApplies(gradients)) {
      original.call(this, gradients);
      return;
    }
    fusedApplyGradients(this as unknown as AdamState, gradients);
  };
  patched[ORIGINAL] = original;
  prototype.applyGradients = patched;
}

/** Restores tfjs's own AdamOptimizer.applyGradients. */
export function unpatchAdamOptimizer(): void {
  const prototype = tf.AdamOptimizer.prototype as unknown as { applyGradients: Patched };
  const original = prototype.applyGradients[ORIGINAL];
  if (original !== undefined) prototype.applyGradients = original;
}

function gradientList(gradients: Gradients): { name: string; tensor: tf.Tensor | undefined }[] {
  return Array.isArray(gradients)
    ? gradients.map((g) => ({ name: g.name, tensor: g.tensor }))
    : Object.keys(gradients).map((name) => ({ name, tensor: gradients[name] }));
}

function fusedApplies(gradients: Gradients): boolean {
  if (tf.getBackend() !== 'wasm' || tf.getKernel(ADAM_KERNEL, 'wasm') === undefined) return false;
  const variables = tf.engine().registeredVariables;
  return gradientList(gradients).every(({ name, tensor }) => {
    const value = variables[name];
    return (
      value !== undefined &&
      value.dtype === 'float32' &&
      (tensor == null || (tensor.dtype === 'float32' && tf.util.arraysEqual(tensor.shape, value.shape)))
    );
  });
}

/** tfjs 4.22's AdamOptimizer.applyGradients with the per-variable math in one kernel. */
function fusedApplyGradients(state: AdamState, gradients: Gradients): void {
  const engine = tf.engine();
  tf.tidy(() => {
    // 1 - beta^t in float32, as tfjs's sub(1, accBeta) computes it.
    const attrs = {
      beta1: state.beta1,
      beta2: state.beta2,
      correction1: Math.fround(1 - state.accBeta1.dataSync()[0]!),
      correction2: Math.fround(1 - state.accBeta2.dataSync()[0]!),
      epsilon: state.epsilon,
      learningRate: state.learningRate,
    };
    gradientList(gradients).forEach(({ name, tensor: gradient }, i) => {
      const value = engine.registeredVariables[name]!;
      state.accumulatedFirstMoment[i] ??= {
        originalName: `${name}/m`,
        variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
      };
      state.accumulatedSecondMoment[i] ??= {
        originalName: `${name}/v`,
        variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
      };
      if (gradient == null) return;
      const m = state.accumulatedFirstMoment[i].variable;
      const v = state.accumulatedSecondMoment[i].variable;
      const [mNew, vNew, wNew] = engine.runKernel(ADAM_KERNEL, { gradient, m, v, w: value }, attrs) as tf.Tensor[];
      m.assign(mNew!);
      v.assign(vNew!);
      value.assign(wNew!);
    });
    state.accBeta1.assign(tf.mul(state.accBeta1, state.beta1));
    state.accBeta2.assign(tf.mul(state.accBeta2, state.beta2));
  });
  state.incrementIterations();
}
