// The page: loads data, sends it to the training worker, and draws what comes back.
import 'uplot/dist/uPlot.min.css';
import './style.css';
import { fromFile, lorenzData, mnistSample } from './data-sources';
import type { LoadResult } from './data-sources';
import { element, readRuntimeSettings, readTrainSettings, suggestFor } from './settings-form';
import type { FromWorker, SeqViews, ToWorker, Views } from './protocol';
import { ElboChart } from './views/elbo-chart';
import { drawImageGrid } from './views/image-grid';
import { LatentScatter } from './views/latent-scatter';
import { SequenceCharts } from './views/sequence-charts';

const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
const send = (message: ToWorker, transfer: Transferable[] = []): void => worker.postMessage(message, transfer);

const CHART_WIDTH = 1100;
const VIEW_WIDTH = 520;
const elboChart = new ElboChart(element('elbo-chart'), CHART_WIDTH);
const latentScatter = new LatentScatter(element('latent-scatter'), VIEW_WIDTH);
const sequenceCharts = new SequenceCharts(element('latent-trajectories'), element('raster'), VIEW_WIDTH);
let lastSeqViews: SeqViews | undefined;
let epochElbos: number[] = [];
let hasData = false;
let hasModel = false;

const status = element('status');
function setStatus(text: string, isError = false): void {
  status.textContent = text;
  status.classList.toggle('error', isError);
}

function setButtons(state: 'idle' | 'training' | 'paused'): void {
  element<HTMLButtonElement>('train').disabled = state !== 'idle' || !hasData;
  element<HTMLButtonElement>('pause').disabled = state !== 'training';
  element<HTMLButtonElement>('resume').disabled = state !== 'paused';
  element<HTMLButtonElement>('stop').disabled = state === 'idle';
  element<HTMLButtonElement>('save-browser').disabled = state === 'training' || !hasModel;
  element<HTMLButtonElement>('save-download').disabled = state === 'training' || !hasModel;
  element<HTMLButtonElement>('load-browser').disabled = state !== 'idle';
  element<HTMLInputElement>('model-files').disabled = state !== 'idle';
}

element('runtime-status').textContent += globalThis.crossOriginIsolated
  ? ' Cross-origin isolated: the WebAssembly backend can use threads.'
  : ' Not cross-origin isolated: WebAssembly runs on one thread.';

function showData(result: LoadResult): void {
  const { data } = result;
  element('data-name').textContent = data.name;
  element('data-shape').textContent = `[${data.shape.join(', ')}]${data.shape.length === 3 ? ' (trials, steps, features)' : ' (examples, features)'}`;
  element('unit-count').textContent = result.units === undefined ? '–' : String(result.units);
  element('data-details').textContent = result.details;
  // The worker gets its own copy; the page keeps nothing it does not draw.
  send({ type: 'data', data });
  hasData = true;
  suggestFor(data.shape.length === 3);
  setButtons('idle');
  setStatus(`Loaded ${data.name}. Choose a model and train.`);
  document.body.dataset.data = data.name;
}

async function loadWith(what: string, loader: () => Promise<LoadResult> | LoadResult): Promise<void> {
  setStatus(`Loading ${what}…`);
  try {
    showData(await loader());
  } catch (error) {
    setStatus(error instanceof Error ? error.message : String(error), true);
  }
}

element('load-lorenz').addEventListener('click', () => void loadWith('Lorenz spikes', () => lorenzData(Number(element<HTMLInputElement>('seed').value) || 1)));
element('load-mnist').addEventListener('click', () => void loadWith('the MNIST sample', mnistSample));
element<HTMLInputElement>('data-file').addEventListener('change', (event) => {
  const file = (event.target as HTMLInputElement).files?.[0];
  if (file) void loadWith(file.name, () => fromFile(file));
});

element('train').addEventListener('click', () => {
  try {
    const settings = readTrainSettings();
    elboChart.reset();
    epochElbos = [];
    element('epoch-report').textContent = '–';
    document.body.dataset.epochElbos = '[]';
    send({ type: 'train', runtime: readRuntimeSettings(), settings });
    setStatus('Starting…');
    setButtons('training');
  } catch (error) {
    setStatus(error instanceof Error ? error.message : String(error), true);
  }
});
element('pause').addEventListener('click', () => send({ type: 'pause' }));
element('resume').addEventListener('click', () => send({ type: 'resume' }));
element('stop').addEventListener('click', () => send({ type: 'stop' }));
element('save-browser').addEventListener('click', () => send({ type: 'save', target: 'indexeddb' }));
element('save-download').addEventListener('click', () => send({ type: 'save', target: 'download' }));
element('load-browser').addEventListener('click', () => {
  send({ type: 'load', runtime: readRuntimeSettings(), kind: readTrainSettings().model, source: 'indexeddb' });
});
element<HTMLInputElement>('model-files').addEventListener('change', (event) => {
  const files = [...((event.target as HTMLInputElement).files ?? [])];
  if (files.length > 0) send({ type: 'load', runtime: readRuntimeSettings(), kind: readTrainSettings().model, source: files });
});
element<HTMLSelectElement>('trial').addEventListener('change', () => {
  if (lastSeqViews) sequenceCharts.update(lastSeqViews, Number(element<HTMLSelectElement>('trial').value));
});

function download(name: string, bytes: ArrayBuffer, mime: string): void {
  const url = URL.createObjectURL(new Blob([bytes], { type: mime }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function showViews(views: Views): void {
  element('vae-views').hidden = views.type !== 'vae';
  element('seq-views').hidden = views.type !== 'seq-vae';
  if (views.type === 'vae') {
    const scale = views.imageShape[0] === 1 ? 4 : 2;
    const { valueRange } = views;
    const shown = views.originals.length / views.inputDim;
    const pair = new Float32Array(2 * shown * views.inputDim);
    pair.set(views.originals, 0);
    pair.set(views.reconstructions, views.originals.length);
    drawImageGrid(element<HTMLCanvasElement>('reconstructions'), { images: pair, valueRange, imageShape: views.imageShape, columns: views.imageShape[0] === 1 ? 1 : shown, scale });
    drawImageGrid(element<HTMLCanvasElement>('samples'), { images: views.samples, valueRange, imageShape: views.imageShape, columns: views.imageShape[0] === 1 ? 1 : 8, scale });
    drawImageGrid(element<HTMLCanvasElement>('traversal'), { images: views.traversal, valueRange, imageShape: views.imageShape, columns: views.imageShape[0] === 1 ? 1 : views.traversalSize, scale });
    latentScatter.update(views.latents, views.labels);
  } else {
    const trialSelect = element<HTMLSelectElement>('trial');
    if (trialSelect.options.length !== views.trials) {
      trialSelect.replaceChildren(...Array.from({ length: views.trials }, (_, i) => new Option(`trial ${i + 1}`, String(i))));
    }
    lastSeqViews = views;
    sequenceCharts.update(views, Math.min(Number(trialSelect.value) || 0, views.trials - 1));
  }
  document.body.dataset.views = views.type;
}

worker.onmessage = (event: MessageEvent<FromWorker>) => {
  const message = event.data;
  switch (message.type) {
    case 'started': {
      const r = message.runtime;
      element('backend-report').textContent = `Backend ${r.backend}${r.simd === null ? '' : r.simd ? ' with SIMD' : ' without SIMD'}, ${r.threads ? `${r.threadCount} threads` : 'one thread'}, kernels ${r.kernels}; ${message.parameters.toLocaleString('en')} parameters.${r.notes.length > 0 ? ` Notes: ${r.notes.join('; ')}.` : ''}`;
      hasModel = true;
      setStatus('Training…');
      break;
    }
    case 'batch':
      elboChart.add(message.point);
      break;
    case 'epoch': {
      const { point, epochs, samplesPerSecond } = message;
      epochElbos.push(point.elbo);
      document.body.dataset.epochElbos = JSON.stringify(epochElbos);
      element('epoch-report').textContent = `Epoch ${point.epoch}/${epochs}: ELBO ${point.elbo.toFixed(2)} nats${Number.isFinite(point.kl) ? ` (KL ${point.kl.toFixed(2)})` : ''}, ${Math.round(samplesPerSecond).toLocaleString('en')} samples/s`;
      break;
    }
    case 'views':
      showViews(message.views);
      break;
    case 'state':
      document.body.dataset.state = message.state;
      if (message.state === 'training') setStatus('Training…');
      if (message.state === 'paused') setStatus('Paused.');
      if (message.state === 'stopped') setStatus('Stopped; the model keeps its weights.');
      if (message.state === 'finished') setStatus('Finished.');
      setButtons(message.state === 'training' ? 'training' : message.state === 'paused' ? 'paused' : 'idle');
      break;
    case 'saved':
      if (message.files) for (const file of message.files) download(file.name, file.bytes, file.mime);
      setStatus(message.target === 'indexeddb' ? 'Saved in this browser (IndexedDB).' : 'Downloaded the model (.json and .weights.bin).');
      break;
    case 'loaded':
      hasModel = true;
      setButtons('idle');
      setStatus(`Loaded ${message.description}.`);
      break;
    case 'error':
      setStatus(message.message, true);
      break;
  }
};
worker.onerror = (event) => setStatus(`worker error: ${event.message}`, true);
setButtons('idle');
