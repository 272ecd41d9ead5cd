import * as tf from '@tensorflow/tfjs';
import type { BackendCapabilities, BackendPlugin } from '@elbo/runtime';
import { importNative } from './import-native.js';

/** One of the two TensorFlow native packages and what elbo expects of it. */
export interface NativeFlavour {
  /** Plugin name in init()'s summary. */
  readonly name: 'cuda' | 'node';
  readonly packageName: '@tensorflow/tfjs-node-gpu' | '@tensorflow/tfjs-node';
  /** Refuse to start when TensorFlow found no GPU (it would silently use the CPU). */
  readonly requiresGpu: boolean;
}

/** What the plugin needs from the outside world; tests pass their own. */
export interface NativeEnvironment {
  readonly importModule: (specifier: string) => Promise<unknown>;
  readonly threadCount: () => Promise<number>;
}

const defaultEnvironment: NativeEnvironment = {
  importModule: importNative,
  threadCount: async () => ((await importNative('node:os')) as { availableParallelism(): number }).availableParallelism(),
};

/** The tfjs backend name both packages register. */
export const NATIVE_TFJS_BACKEND = 'tensorflow';

export const CUDA_REQUIREMENT =
  'Linux x64, an NVIDIA GPU, CUDA 11.2 and cuDNN 8.1 (the libtensorflow 2.9.1 that @tensorflow/tfjs-node-gpu 4.22 downloads at install time is built against them)';
const CUDA_12_TRAP =
  'with only CUDA 12 installed TensorFlow cannot open libcudart.so.11.0 / libcudnn.so.8 and silently runs on the CPU';

export function nativeBackend(flavour: NativeFlavour, environment: NativeEnvironment = defaultEnvironment): BackendPlugin {
  return {
    name: flavour.name,
    tfjsBackend: NATIVE_TFJS_BACKEND,
    setup: () => setupNative(flavour, environment),
  };
}

async function setupNative(flavour: NativeFlavour, environment: NativeEnvironment): Promise<Partial<BackendCapabilities>> {
  const where = `@elbo/backend-cuda: ${flavour.name}()`;
  try {
    await environment.importModule(flavour.packageName);
  } catch (error) {
    throw new Error(describeImportFailure(flavour, where, error as Error), { cause: error });
  }
  if (!tf.findBackendFactory(NATIVE_TFJS_BACKEND)) {
    throw new Error(
      `${where}: ${flavour.packageName} loaded but registered no '${NATIVE_TFJS_BACKEND}' backend with this app's @tensorflow/tfjs; ` +
        `install the same version of both (4.22.0) so they share one tfjs-core (check with npm ls @tensorflow/tfjs-core)`,
    );
  }
  const backend = tf.findBackend(NATIVE_TFJS_BACKEND) as { isUsingGpuDevice?: boolean } | null;
  const usesGpu = backend?.isUsingGpuDevice === true;
  if (flavour.requiresGpu && !usesGpu) {
    throw new Error(
      `${where}: ${flavour.packageName} loaded, but TensorFlow found no usable GPU and would run on the CPU. ` +
        `It needs ${CUDA_REQUIREMENT}; ${CUDA_12_TRAP}. Check nvidia-smi and LD_LIBRARY_PATH, or choose node() to use the CPU on purpose.`,
    );
  }
  const notes = [
    usesGpu
      ? 'TensorFlow 2.9.1 (libtensorflow) on the GPU through CUDA'
      : 'TensorFlow 2.9.1 (libtensorflow) on the CPU, with its own thread pool',
  ];
  return { simd: null, threads: true, threadCount: await environment.threadCount(), notes };
}

function describeImportFailure(flavour: NativeFlavour, where: string, error: Error): string {
  const message = String(error?.message ?? error);
  const code = (error as { code?: string })?.code;
  const install = `npm install ${flavour.packageName}@4.22.0`;
  const requirement = flavour.requiresGpu ? ` It needs ${CUDA_REQUIREMENT}; ${CUDA_12_TRAP}.` : '';
  if (message.includes('tfjs_binding.node')) {
    return (
      `${where}: ${flavour.packageName} is installed without its native binding (tfjs_binding.node): its install script, ` +
      `which downloads libtensorflow, did not run. Allow it (npm 11: npm install-scripts approve ${flavour.packageName}) and reinstall.${requirement}`
    );
  }
  // Node says ERR_MODULE_NOT_FOUND "Cannot find package"; Vite-based runners "Could not resolve".
  const notFound = code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND' || /cannot find (package|module)|could not resolve|failed to resolve/i.test(message);
  const namesThePackage = message.includes(`'${flavour.packageName}'`) || message.includes(`"${flavour.packageName}"`);
  if (notFound && namesThePackage) {
    return (
      `${where} needs ${flavour.packageName}, which is not installed: ${install} (an optional peer dependency; ` +
      `its install script downloads libtensorflow, so allow it to run).${requirement}`
    );
  }
  if (/lib(cudart|cudnn|cublas|cufft|curand|cusolver|cusparse|cuda)\b|\bCUDA (driver|runtime)\b/i.test(message)) {
    return `${where}: ${flavour.packageName} could not load the CUDA libraries (${message}).${requirement}`;
  }
  return `${where}: ${flavour.packageName} failed to load (${message}).${requirement}`;
}
