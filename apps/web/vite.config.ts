import { defineConfig } from 'vite';

// Cross-origin isolation (COOP + COEP) gives the page SharedArrayBuffer, which the
// threaded WebAssembly backend needs; the dev server and `vite preview` both send them.
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  server: { headers: isolation },
  preview: { headers: isolation },
  worker: {
    format: 'es',
    // tfjs-backend-wasm starts its pthreads from the source text of its emscripten
    // factory (Function.prototype.toString), so that code must survive bundling as
    // written: renaming or "simplifying" `typeof _scriptDir` breaks every thread
    // ("e is not defined"). Whitespace removal alone is safe.
    rolldownOptions: { output: { minify: { compress: false, mangle: false, codegen: { removeWhitespace: true } } } },
  },
  // The worker's dependencies are found only once it starts; listing them avoids a
  // reload in the middle of the first training run of a dev session.
  optimizeDeps: { include: ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', 'uplot'] },
  build: { target: 'es2022', chunkSizeWarningLimit: 8192 },
});
