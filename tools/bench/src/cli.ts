// npm run bench [-- <name>...] [--full] [--smoke] [--repetitions N] [--only TEXT] [--out DIR] [--verbose] [--list] [--report]
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { BenchContext } from './benchmark.js';
import { formatResult } from './format.js';
import { machineInfo, versions } from './machine.js';
import { REPO_ROOT } from './paths.js';
import { BENCHMARKS } from './registry.js';
import { writeResult } from './result.js';
import type { BenchResult } from './result.js';

const DEFAULT_OUT = join(REPO_ROOT, 'bench-results');

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    full: { type: 'boolean', default: false },
    smoke: { type: 'boolean', default: false },
    repetitions: { type: 'string' },
    only: { type: 'string' },
    out: { type: 'string', default: DEFAULT_OUT },
    verbose: { type: 'boolean', default: false },
    list: { type: 'boolean', default: false },
    report: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

if (values.help || values.list) {
  console.log('usage: npm run bench [-- <name>...] [--full] [--smoke] [--repetitions N] [--only TEXT] [--out DIR] [--verbose] [--report]\n');
  for (const b of BENCHMARKS) console.log(`  ${b.name.padEnd(16)} ~${b.expectedMinutes} min  ${b.description}`);
  process.exit(0);
}

const unknown = positionals.filter((name) => !BENCHMARKS.some((b) => b.name === name));
if (unknown.length > 0) {
  console.error(`unknown benchmark ${unknown.join(', ')}; expected one of ${BENCHMARKS.map((b) => b.name).join(', ')}`);
  process.exit(2);
}
let repetitions: number | undefined;
if (values.repetitions !== undefined) {
  repetitions = Number(values.repetitions);
  if (!Number.isInteger(repetitions) || repetitions < 1) {
    console.error(`--repetitions: expected a positive integer, found '${values.repetitions}'`);
    process.exit(2);
  }
}

const selected = positionals.length === 0 ? BENCHMARKS : BENCHMARKS.filter((b) => positionals.includes(b.name));
const context: BenchContext = {
  full: values.full,
  smoke: values.smoke,
  repetitions,
  ...(values.only === undefined ? {} : { only: values.only }),
  verbose: values.verbose,
  log: (line) => process.stderr.write(`${line}\n`),
};

if (values.report) {
  // Print the tables of earlier runs from their JSON files, running nothing.
  for (const benchmark of selected) {
    const path = join(values.out, `${benchmark.name}.json`);
    if (existsSync(path)) console.log(`${formatResult(JSON.parse(readFileSync(path, 'utf8')) as BenchResult)}\n`);
    else console.log(`== ${benchmark.name}: no result at ${path}\n`);
  }
  process.exit(0);
}

const suiteStart = Date.now();
let failed = 0;
for (const benchmark of selected) {
  context.log(`${benchmark.name} (about ${benchmark.expectedMinutes} min${values.full ? ' before --full' : ''})`);
  const startedAt = new Date();
  const machine = machineInfo();
  try {
    const output = await benchmark.run(context);
    const result: BenchResult = {
      benchmark: benchmark.name,
      description: benchmark.description,
      startedAt: startedAt.toISOString(),
      durationSeconds: (Date.now() - startedAt.getTime()) / 1000,
      machine,
      versions: versions(),
      ...output,
      options: { ...output.options, full: values.full, smoke: values.smoke },
    };
    const path = writeResult(result, values.out);
    console.log(`${formatResult(result)}\n  -> ${path}\n`);
  } catch (error) {
    failed++;
    console.error(`${benchmark.name} failed: ${(error as Error).stack ?? String(error)}`);
  }
}
console.log(`bench: ${selected.length} benchmark(s) in ${((Date.now() - suiteStart) / 60000).toFixed(1)} min`);
process.exit(failed > 0 ? 1 : 0);
