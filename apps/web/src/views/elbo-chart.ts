// The training curves: the ELBO and its reconstruction term (nats, left axis) and the
// KL (nats, right axis) per optimizer step.
import uPlot from 'uplot';
import type { CurvePoint } from '../protocol';

export class ElboChart {
  readonly #plot: uPlot;
  readonly #container: HTMLElement;
  #steps: number[] = [];
  #elbo: (number | null)[] = [];
  #reconstruction: (number | null)[] = [];
  #kl: (number | null)[] = [];
  #pending = false;

  constructor(container: HTMLElement, width: number) {
    this.#container = container;
    const opts: uPlot.Options = {
      width,
      height: 260,
      scales: { x: { time: false } },
      series: [
        { label: 'step' },
        { label: 'ELBO', stroke: '#4e79a7', width: 2 },
        { label: 'reconstruction', stroke: '#59a14f', width: 1 },
        { label: 'KL', stroke: '#e15759', width: 1, scale: 'kl' },
      ],
      axes: [{ label: 'optimizer step' }, { label: 'nats' }, { side: 1, scale: 'kl', label: 'KL (nats)', grid: { show: false } }],
    };
    this.#plot = new uPlot(opts, [[], [], [], []], container);
  }

  reset(): void {
    this.#steps = [];
    this.#elbo = [];
    this.#reconstruction = [];
    this.#kl = [];
    this.#draw();
  }

  add(point: CurvePoint): void {
    const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);
    this.#steps.push(point.step);
    this.#elbo.push(finite(point.elbo));
    this.#reconstruction.push(finite(point.reconstruction));
    this.#kl.push(finite(point.kl));
    // Redraw at most once per frame however fast the worker reports.
    if (!this.#pending) {
      this.#pending = true;
      requestAnimationFrame(() => {
        this.#pending = false;
        this.#draw();
      });
    }
  }

  #draw(): void {
    this.#plot.setData([this.#steps, this.#elbo, this.#reconstruction, this.#kl]);
    this.#container.dataset.points = String(this.#steps.length);
  }
}
