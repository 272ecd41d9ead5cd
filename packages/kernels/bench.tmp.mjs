import fs from 'node:fs';
const bytes = fs.readFileSync('build/kernels.wasm');
const { instance } = await WebAssembly.instantiate(bytes, { env: { abort: () => { throw new Error('abort'); } } });
const e = instance.exports;
const N = 1 << 20;
const A = () => e.alloc(N * 4);
const mu = A(), lv = A(), out = A(), z = A(), eps = A(), gz = A(), gm = A(), gl = A();
e.fillNormal(mu, N, 3, 4, 0, 0); e.fillNormal(lv, N, 5, 6, 0, 0); e.fillNormal(gz, N, 7, 6, 0, 0);
function bench(name, f) {
  for (let r = 0; r < 5; r++) f();
  const t = performance.now(); let reps = 0;
  while (performance.now() - t < 400) { f(); reps++; }
  console.log(name.padEnd(20), (reps * N / (performance.now() - t) / 1e3).toFixed(0), 'M/s');
}
bench('uniform', () => e.fillUniform(out, N, 1, 2, 0, 0));
bench('normal', () => e.fillNormal(out, N, 1, 2, 0, 0));
bench('klStd sum', () => e.klStandardNormal(mu, lv, N, 0));
bench('klStd out', () => e.klStandardNormal(mu, lv, N, out));
bench('klStdGrad', () => e.klStandardNormalGrad(mu, lv, N, 1, 0, 0, gm, gl));
bench('klDiag sum', () => e.klDiagNormal(mu, lv, gz, gz, N, 0));
bench('reparam', () => e.reparameterize(mu, lv, eps, N, z));
bench('sampleWithKl', () => e.sampleWithKl(mu, lv, 0, 0, N, z, 0, eps, 1, 2, 0, 0));
bench('sampleBackward', () => e.sampleWithKlBackward(mu, lv, 0, 0, eps, gz, N, 1, 0, gm, gl, 0, 0));
bench('lse 16', () => e.logSumExp(mu, 16, N / 16, out, 0));
