// Posterior means in the first two latent dimensions, one series per label so each
// label has its colour (uPlot needs ascending x, so points are sorted by z1).
import uPlot from 'uplot';
import { colour } from './palette';

export class LatentScatter {
  #plot: uPlot | undefined;
  readonly #container: HTMLElement;
  readonly #width: number;
  #seriesKey = '';

  constructor(container: HTMLElement, width: number) {
    this.#container = container;
    this.#width = width;
  }

  update(latents: Float32Array, labels: Int32Array | undefined): void {
    const count = latents.length / 2;
    const order = Array.from({ length: count }, (_, i) => i).sort((a, b) => latents[2 * a]! - latents[2 * b]!);
    const classes = labels ? [...new Set(labels)].sort((a, b) => a - b) : [0];
    const xs = order.map((i) => latents[2 * i]!);
    const ys = classes.map((label) => order.map((i) => (labels === undefined || labels[i] === label ? latents[2 * i + 1]! : null)));
    const key = classes.join(',');
    if (this.#plot === undefined || key !== this.#seriesKey) {
      this.#plot?.destroy();
      this.#seriesKey = key;
      this.#plot = new uPlot(
        {
          width: this.#width,
          height: 300,
          scales: { x: { time: false } },
          legend: { show: labels !== undefined },
          cursor: { show: false },
          series: [
            { label: 'z1' },
            ...classes.map((label, index) => ({
              label: labels ? `label ${label}` : 'examples',
              stroke: colour(index),
              fill: colour(index),
              paths: () => null,
              points: { show: true, size: 4, width: 0, fill: colour(index), stroke: colour(index) },
            })),
          ],
          axes: [{ label: 'z1 (posterior mean)' }, { label: 'z2' }],
        },
        [xs, ...ys],
        this.#container,
      );
    } else {
      this.#plot.setData([xs, ...ys]);
    }
    this.#container.dataset.points = String(count);
  }
}
