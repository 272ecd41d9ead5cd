// Child-process entry: node worker.js <benchmark> <variant> <result-file>, with the
// variant's parameters as JSON in ELBO_BENCH_PARAMS. Writes the variant's output as JSON.
import { writeFileSync } from 'node:fs';

interface VariantModule {
  runVariant(variant: string, params: unknown): Promise<unknown>;
}

const [benchmark, variant, resultFile] = process.argv.slice(2);
if (!benchmark || !variant || !resultFile) {
  throw new Error('usage: node worker.js <benchmark> <variant> <result-file>');
}
try {
  const module = (await import(`./variants/${benchmark}.js`)) as VariantModule;
  const output = await module.runVariant(variant, JSON.parse(process.env.ELBO_BENCH_PARAMS ?? '{}'));
  writeFileSync(resultFile, JSON.stringify({ output }));
} catch (error) {
  // The parent reports the message as the reason the variant was skipped.
  writeFileSync(resultFile, JSON.stringify({ error: (error as Error).message }));
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(3);
}
// tfjs-backend-wasm keeps handles open; the result is written, so leave now.
process.exit(0);
