import type { BenchResult, Target } from './result.js';

const PREFIXES: ReadonlyArray<[number, string]> = [
  [1e9, 'G'],
  [1e6, 'M'],
  [1e3, 'k'],
];

/** 3 significant digits with an SI prefix for large values: 1234567 -> "1.23 M". */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  for (const [scale, prefix] of PREFIXES) {
    if (abs >= scale) return `${trim(value / scale)} ${prefix}`;
  }
  return trim(value);
}

/** One more digit than formatNumber below 1000, for quality figures (nats, R^2, seconds) where 0.1 matters. */
export function formatPrecise(value: number): string {
  if (!Number.isFinite(value) || Math.abs(value) >= 1000) return formatNumber(value);
  return value === 0 ? '0' : String(Number(value.toPrecision(4)));
}

const isRate = (unit: string): boolean => unit.endsWith('/s');

function trim(value: number): string {
  const abs = Math.abs(value);
  if (abs === 0) return '0';
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  if (abs >= 1) return value.toFixed(2);
  return value.toPrecision(3);
}

/** A plain-text table with columns padded to their widest cell. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function targetText(target: Target | undefined, met: boolean | undefined, format = formatNumber): string {
  if (!target) return '';
  const parts: string[] = [];
  if (target.atLeast !== undefined) parts.push(`>= ${format(target.atLeast)}`);
  if (target.atMost !== undefined) parts.push(`<= ${format(target.atMost)}`);
  return `${parts.join(' and ')} ${met ? 'MET' : 'NOT MET'}`;
}

/** The human report of one benchmark: measurements, ratios, references, skips. */
export function formatResult(result: BenchResult): string {
  const out: string[] = [];
  const m = result.machine;
  out.push(`== ${result.benchmark}: ${result.description}`);
  out.push(`   ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, node ${m.node}, load ${m.loadAverage1m}; ${result.durationSeconds.toFixed(0)} s`);
  if (result.measurements.length > 0) {
    out.push(
      table(
        ['variant', 'backend', 'kernels', 'median', 'min', 'max', 'reps', 'unit', 'target'],
        result.measurements.map((r) => {
          const format = isRate(r.unit) ? formatNumber : formatPrecise;
          return [
            r.label,
            r.backend,
            r.kernels,
            format(r.median),
            format(r.min),
            format(r.max),
            String(r.repetitions),
            r.unit,
            targetText(r.target, r.met, format),
          ];
        }),
      ),
    );
  }
  if (result.comparisons.length > 0) {
    out.push('');
    out.push(
      table(
        ['ratio (same run)', 'median', 'range', 'target'],
        result.comparisons.map((c) => [c.name, `${c.median.toFixed(3)}x`, `${c.low.toFixed(2)}-${c.high.toFixed(2)}`, targetText(c.target, c.met)]),
      ),
    );
  }
  if (result.references.length > 0) {
    out.push('');
    out.push('reference figures (not measured in this run):');
    for (const r of result.references) out.push(`  ${r.what}: ${(isRate(r.unit) ? formatNumber : formatPrecise)(r.value)} ${r.unit} (${r.source})`);
  }
  for (const s of result.skipped) out.push(`  skipped ${s.id}: ${s.reason.split('\n')[0]}`);
  for (const n of result.notes) out.push(`  note: ${n}`);
  return out.join('\n');
}
