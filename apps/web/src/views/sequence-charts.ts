// SeqVAE views for one trial: the inferred latent trajectories, and the spike raster
// (a dot per bin with spikes) with the inferred rate of each neuron drawn on its row.
import uPlot from 'uplot';
import type { SeqViews } from '../protocol';
import { colour } from './palette';

const MAX_NEURONS = 20;

function rebuild(previous: uPlot | undefined, container: HTMLElement, opts: uPlot.Options, data: uPlot.AlignedData): uPlot {
  previous?.destroy();
  return new uPlot(opts, data, container);
}

export class SequenceCharts {
  #latentPlot: uPlot | undefined;
  #rasterPlot: uPlot | undefined;
  #shape = '';
  readonly #latentContainer: HTMLElement;
  readonly #rasterContainer: HTMLElement;
  readonly #width: number;

  constructor(latentContainer: HTMLElement, rasterContainer: HTMLElement, width: number) {
    this.#latentContainer = latentContainer;
    this.#rasterContainer = rasterContainer;
    this.#width = width;
  }

  update(views: SeqViews, trial: number): void {
    const { steps, latentDim, neurons } = views;
    const shown = Math.min(neurons, MAX_NEURONS);
    const time = Array.from({ length: steps }, (_, n) => n);
    const latentSeries = Array.from({ length: latentDim }, (_, d) => time.map((n) => views.latents[(trial * steps + n) * latentDim + d]!));

    // Each neuron's rate is scaled by its own peak in this trial, so quiet neurons show too.
    const rateSeries = Array.from({ length: shown }, (_, k) => {
      const rates = time.map((n) => views.rates[(trial * steps + n) * neurons + k]!);
      const peak = Math.max(...rates) || 1;
      return rates.map((rate) => k + (0.85 * rate) / peak);
    });
    const spikeSeries = Array.from({ length: shown }, (_, k) => time.map((n) => (views.counts[(trial * steps + n) * neurons + k]! > 0 ? k : null)));

    const shape = `${steps}x${latentDim}x${shown}`;
    if (shape !== this.#shape || this.#latentPlot === undefined || this.#rasterPlot === undefined) {
      this.#shape = shape;
      this.#latentPlot = rebuild(this.#latentPlot, this.#latentContainer, {
        width: this.#width,
        height: 240,
        scales: { x: { time: false } },
        series: [{ label: 'bin' }, ...latentSeries.map((_, d) => ({ label: `z${d + 1}`, stroke: colour(d), width: 2 }))],
        axes: [{ label: 'time bin' }, { label: 'posterior mean' }],
      }, [time, ...latentSeries]);
      this.#rasterPlot = rebuild(this.#rasterPlot, this.#rasterContainer, {
        width: this.#width,
        height: Math.max(240, 22 * shown),
        scales: { x: { time: false }, y: { range: [-0.5, shown] } },
        legend: { show: false },
        cursor: { show: false },
        series: [
          { label: 'bin' },
          ...rateSeries.map((_, k) => ({ label: `rate ${k + 1}`, stroke: colour(k), width: 1.5 })),
          ...spikeSeries.map(() => ({ label: 'spikes', stroke: '#222', paths: () => null, points: { show: true, size: 3, width: 0, fill: '#222', stroke: '#222' } })),
        ],
        axes: [{ label: 'time bin' }, { label: 'neuron (rate scaled to its peak)' }],
      }, [time, ...rateSeries, ...spikeSeries]);
    } else {
      this.#latentPlot.setData([time, ...latentSeries]);
      this.#rasterPlot.setData([time, ...rateSeries, ...spikeSeries]);
    }
    this.#latentContainer.dataset.points = String(steps * latentDim);
    this.#rasterContainer.dataset.points = String(steps * shown);
  }
}
