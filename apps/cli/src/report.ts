import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

export interface ReportInput {
  readonly summary: {
    readonly seed: number;
    readonly data: { trainTrials: number; testTrials: number; bins: number; neurons: number; binSize: number; heldOutNeurons: number[] };
    readonly runtime: { backend: string; kernels: string; simd: boolean | null; threads: number };
    readonly training: { epochs: number; seconds: number; samplesPerSecond: number };
    readonly seqVae: { latentR2: number; rateR2: number; bitsPerSpike: number; elboPerStep: number };
    readonly baseline: { latentR2: number; rateR2: number; bitsPerSpike: number; sigmaBins: number };
    readonly seconds: number;
  };
  readonly elboCurve: { epoch: number; elboPerStep: number }[];
  /** One test trial: latents [bins, K] (true, and inferred after the affine map), counts and rates [bins, neurons]. */
  readonly trial: {
    readonly index: number;
    readonly binSize: number;
    readonly trueLatents: ArrayLike<number>;
    readonly inferredLatents: ArrayLike<number>;
    readonly counts: ArrayLike<number>;
    readonly rates: ArrayLike<number>;
    readonly heldOut: number[];
  };
}

const require = createRequire(import.meta.url);

/**
 * A self-contained HTML page: uPlot's script and stylesheet are read from node_modules
 * and inlined with the data, so the file opens offline and can be mailed as is.
 */
export async function renderReport(input: ReportInput): Promise<string> {
  const [script, style] = await Promise.all([
    readFile(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
    readFile(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
  ]);
  const { summary } = input;
  const round = (values: ArrayLike<number>, digits = 4): number[] => Array.from(values, (v) => Number(v.toFixed(digits)));
  const payload = {
    elbo: { epoch: input.elboCurve.map((p) => p.epoch), value: round(input.elboCurve.map((p) => p.elboPerStep)) },
    trial: {
      bins: summary.data.bins,
      neurons: summary.data.neurons,
      binSize: input.trial.binSize,
      latentDim: input.trial.trueLatents.length / summary.data.bins,
      trueLatents: round(input.trial.trueLatents),
      inferredLatents: round(input.trial.inferredLatents),
      counts: Array.from(input.trial.counts),
      rates: round(input.trial.rates, 5),
      heldOut: input.trial.heldOut,
    },
  };
  const f = (v: number, d = 3): string => (Number.isFinite(v) ? v.toFixed(d) : String(v));
  const better = (a: number, b: number): string => (a > b ? ' class="win"' : '');
  const s = summary;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>elbo demo: SeqVAE on Lorenz spike trains</title>
<style>${style}</style>
<style>
body { font: 15px/1.45 system-ui, sans-serif; margin: 24px auto; max-width: 1000px; color: #222; padding: 0 16px; }
h1 { font-size: 22px; margin-bottom: 4px; } h2 { font-size: 17px; margin-top: 28px; }
.sub { color: #666; margin-top: 0; }
table { border-collapse: collapse; margin: 8px 0; } td, th { padding: 4px 14px; border-bottom: 1px solid #ddd; text-align: right; }
td:first-child, th:first-child { text-align: left; } .win { font-weight: 600; color: #0a6b2d; }
.row { display: flex; flex-wrap: wrap; gap: 8px; } .note { color: #666; font-size: 13px; }
</style>
</head>
<body>
<h1>elbo demo: a sequential VAE on Lorenz spike trains</h1>
<p class="sub">${s.data.trainTrials} training and ${s.data.testTrials} test trials, ${s.data.neurons} Poisson neurons driven by a 3-D Lorenz system,
${s.data.bins} bins of ${s.data.binSize * 1000} ms; seed ${s.seed}; ${s.runtime.backend} backend (${s.runtime.kernels} kernels${s.runtime.simd === null ? '' : `, SIMD ${s.runtime.simd ? 'on' : 'off'}`}),
${s.training.epochs} epochs in ${s.training.seconds.toFixed(1)} s.</p>
<table>
<tr><th>test trials</th><th>SeqVAE</th><th>smoothing baseline</th></tr>
<tr><td>latent R²</td><td${better(s.seqVae.latentR2, s.baseline.latentR2)}>${f(s.seqVae.latentR2)}</td><td>${f(s.baseline.latentR2)}</td></tr>
<tr><td>rate R²</td><td${better(s.seqVae.rateR2, s.baseline.rateR2)}>${f(s.seqVae.rateR2)}</td><td>${f(s.baseline.rateR2)}</td></tr>
<tr><td>bits/spike (held-out neurons)</td><td${better(s.seqVae.bitsPerSpike, s.baseline.bitsPerSpike)}>${f(s.seqVae.bitsPerSpike, 4)}</td><td>${f(s.baseline.bitsPerSpike, 4)}</td></tr>
</table>
<p class="note">Latent R²: true latents against inferred posterior means after an affine map fitted on the training trials. Rate R²: true against
inferred rates, per neuron, averaged. Bits/spike: co-smoothing on the ${s.data.heldOutNeurons.length} neurons hidden from the encoder
(${s.data.heldOutNeurons.join(', ')}), against each neuron's mean rate. Baseline: counts smoothed with a Gaussian of ${s.baseline.sigmaBins} bins,
factor analysis for latents and rates, Poisson regression from smoothed held-in counts for bits/spike.</p>
<h2>Training: ELBO per time step</h2>
<div id="elbo"></div>
<h2>Test trial ${input.trial.index}: true and inferred latents</h2>
<div class="row" id="latents"></div>
<h2>Test trial ${input.trial.index}: spikes and inferred rates</h2>
<p class="note">One row per neuron: dots are spikes, lines the inferred firing rate (each scaled from its lowest to its highest value in the trial); orange rows are held-out neurons, never seen by the encoder.</p>
<div id="raster"></div>
<script>${script.replace(/<\/script/gi, '<\\/script')}</script>
<script>
const DATA = ${JSON.stringify(payload)};
${CLIENT_SCRIPT}
</script>
</body>
</html>
`;
}

// Runs in the page: builds the three figures from DATA with uPlot.
const CLIENT_SCRIPT = `
const width = Math.min(960, document.body.clientWidth - 8);
new uPlot({ width, height: 260, scales: { x: { time: false } },
  axes: [{ label: 'epoch', incrs: [1, 2, 5, 10, 20, 50, 100] }, { label: 'nats per step', size: 70 }],
  series: [{ label: 'epoch' }, { label: 'training ELBO', stroke: '#1f77b4', width: 2 }] },
  [DATA.elbo.epoch, DATA.elbo.value], document.getElementById('elbo'));

const t = DATA.trial;
const time = Array.from({ length: t.bins }, (_, i) => Number((i * t.binSize).toFixed(4)));
for (let k = 0; k < t.latentDim; k++) {
  const pick = (a) => Array.from({ length: t.bins }, (_, i) => a[i * t.latentDim + k]);
  new uPlot({ width: Math.floor(width / t.latentDim) - 8, height: 220, scales: { x: { time: false } },
    axes: [{ label: 'time (s)' }, { label: 'latent ' + (k + 1) }],
    series: [{ label: 't' }, { label: 'true', stroke: '#222', width: 2 }, { label: 'inferred', stroke: '#d62728', width: 2, dash: [6, 3] }] },
    [time, pick(t.trueLatents), pick(t.inferredLatents)], document.getElementById('latents'));
}

const series = [{ label: 't' }];
const columns = [time];
for (let j = 0; j < t.neurons; j++) {
  const held = t.heldOut.includes(j);
  const colour = held ? '#ff7f0e' : '#1f77b4';
  // Each neuron's rate spans its row (its lowest to highest rate in the trial), so slow and fast neurons both show their shape.
  let low = Infinity;
  let high = -Infinity;
  for (let i = 0; i < t.bins; i++) { low = Math.min(low, t.rates[i * t.neurons + j]); high = Math.max(high, t.rates[i * t.neurons + j]); }
  columns.push(Array.from({ length: t.bins }, (_, i) => j + 0.15 + 0.75 * (t.rates[i * t.neurons + j] - low) / ((high - low) || 1)));
  series.push({ label: 'rate ' + j, stroke: colour, width: 1.5, points: { show: false } });
  columns.push(Array.from({ length: t.bins }, (_, i) => (t.counts[i * t.neurons + j] > 0 ? j + 0.08 : null)));
  series.push({ label: 'spikes ' + j, stroke: '#000', paths: () => null, points: { show: true, size: 5, fill: '#000', stroke: '#000' } });
}
new uPlot({ width, height: 620, legend: { show: false }, scales: { x: { time: false }, y: { range: [0, t.neurons] } },
  axes: [{ label: 'time (s)' }, { label: 'neuron', splits: () => Array.from({ length: t.neurons / 5 + 1 }, (_, i) => i * 5) }],
  series }, columns, document.getElementById('raster'));
`;
