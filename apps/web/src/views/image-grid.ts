// Rows of pixels drawn as a grid of greyscale pictures (reconstructions, samples,
// traversals). Intensities in [0, 1] are drawn as they are; other values (Poisson
// rates, real values) are scaled by each picture's maximum.
export interface ImageGridOptions {
  readonly images: Float32Array;
  readonly valueRange: 'unit' | 'perImage';
  readonly imageShape: readonly [number, number];
  readonly columns: number;
  /** Screen pixels per data pixel. */
  readonly scale: number;
}

export function drawImageGrid(canvas: HTMLCanvasElement, { images, valueRange, imageShape, columns, scale }: ImageGridOptions): void {
  const [height, width] = imageShape;
  const pixels = height * width;
  const count = Math.floor(images.length / pixels);
  const rows = Math.ceil(count / columns);
  const gap = 1;
  const cellWidth = width + gap;
  const cellHeight = height + gap;
  const image = new ImageData(columns * cellWidth, Math.max(1, rows * cellHeight));
  image.data.fill(255);
  for (let n = 0; n < count; n++) {
    let max = 1;
    if (valueRange === 'perImage') {
      max = 0;
      for (let p = 0; p < pixels; p++) max = Math.max(max, images[n * pixels + p]!);
    }
    const originX = (n % columns) * cellWidth;
    const originY = Math.floor(n / columns) * cellHeight;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const value = max > 0 ? images[n * pixels + y * width + x]! / max : 0;
        const shade = Math.round(255 * (1 - Math.min(1, Math.max(0, value))));
        const at = 4 * ((originY + y) * image.width + originX + x);
        image.data[at] = shade;
        image.data[at + 1] = shade;
        image.data[at + 2] = shade;
      }
    }
  }
  // Draw at one pixel per value, then scale up without smoothing.
  const source = document.createElement('canvas');
  source.width = image.width;
  source.height = image.height;
  source.getContext('2d')!.putImageData(image, 0, 0);
  const pixelScale = width === 1 || height === 1 ? Math.max(scale, Math.ceil(8 / Math.min(width, height))) : scale;
  canvas.width = image.width * (height === 1 ? Math.max(2, Math.floor(scale / 2)) : pixelScale);
  canvas.height = image.height * pixelScale;
  const context = canvas.getContext('2d')!;
  context.imageSmoothingEnabled = false;
  context.drawImage(source, 0, 0, canvas.width, canvas.height);
  canvas.dataset.images = String(count);
}
