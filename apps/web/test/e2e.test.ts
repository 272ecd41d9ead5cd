// End to end in real Chromium (Debian's /usr/bin/chromium through playwright-core):
// build the app, serve it with `vite preview`, train on the synthetic spikes and on the
// MNIST sample, and open a real NWB file through the file input.
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { build, preview } from 'vite';
import type { PreviewServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const appRoot = fileURLToPath(new URL('..', import.meta.url));
const results = fileURLToPath(new URL('../test-results/', import.meta.url));
// Its own build folder: nx may run the package's `build` (into dist/) at the same time.
const testBuild = fileURLToPath(new URL('../test-results/app/', import.meta.url));
const readmeScreenshot = fileURLToPath(new URL('../docs/screenshot.png', import.meta.url));
const nwbFile = fileURLToPath(new URL('../../../../shared/data/nwb/pynapple_phy_A8604-211122.nwb', import.meta.url));
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Pixels that are not fully transparent or white in every canvas under `selector`. */
async function inkedPixels(page: Page, selector: string): Promise<number> {
  return page.$$eval(`${selector} canvas, canvas${selector}`, (canvases) =>
    canvases.reduce((total, canvas) => {
      const { width, height } = canvas as HTMLCanvasElement;
      if (width === 0 || height === 0) return total;
      const pixels = (canvas as HTMLCanvasElement).getContext('2d')!.getImageData(0, 0, width, height).data;
      let inked = 0;
      for (let i = 0; i < pixels.length; i += 4) if (pixels[i + 3]! > 0 && (pixels[i]! < 250 || pixels[i + 1]! < 250 || pixels[i + 2]! < 250)) inked++;
      return total + inked;
    }, 0));
}

async function epochElbos(page: Page): Promise<number[]> {
  return JSON.parse((await page.getAttribute('body', 'data-epoch-elbos')) ?? '[]') as number[];
}

async function setField(page: Page, id: string, value: string): Promise<void> {
  const tag = await page.$eval(`#${id}`, (el) => el.tagName);
  if (tag === 'SELECT') await page.selectOption(`#${id}`, value);
  else await page.fill(`#${id}`, value);
}

async function train(page: Page, fields: Record<string, string>): Promise<void> {
  for (const [id, value] of Object.entries(fields)) await setField(page, id, value);
  await page.click('#train');
  await page.waitForSelector('body[data-state="finished"]', { timeout: 90_000 });
}

describe('the web app in Chromium', () => {
  let server: PreviewServer;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    await build({ root: appRoot, logLevel: 'error', build: { outDir: testBuild, emptyOutDir: true } });
    const port = await freePort();
    server = await preview({ root: appRoot, logLevel: 'error', build: { outDir: testBuild }, preview: { host: '127.0.0.1', port, strictPort: true } });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`http://127.0.0.1:${port}/`);
    mkdirSync(results, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('is cross-origin isolated (COOP/COEP from vite preview)', async () => {
    expect(await page.evaluate(() => globalThis.crossOriginIsolated)).toBe(true);
  });

  it('trains a SeqVAE on the synthetic Lorenz spikes on wasm with the AssemblyScript kernels, and draws its views', async () => {
    await page.click('#load-lorenz');
    await page.waitForSelector('#data-name:text("Lorenz spike trains")');
    await train(page, { epochs: '6', backend: 'wasm', kernels: 'assemblyscript' });
    const elbos = await epochElbos(page);
    expect(elbos).toHaveLength(6);
    expect(elbos.every(Number.isFinite)).toBe(true);
    expect(elbos[5]!).toBeGreaterThan(elbos[0]!);
    expect(await page.textContent('#backend-report')).toMatch(/Backend wasm with SIMD, (one thread|\d+ threads), kernels assemblyscript/);
    await page.waitForSelector('body[data-views="seq-vae"]');
    for (const chart of ['#elbo-chart', '#latent-trajectories', '#raster']) {
      expect(Number(await page.getAttribute(chart, 'data-points'))).toBeGreaterThan(0);
      expect(await inkedPixels(page, chart)).toBeGreaterThan(500);
    }
    await page.screenshot({ path: `${results}lorenz-seq-vae.png`, fullPage: true });
  });

  it('trains a 2-D VAE on the bundled MNIST sample and draws reconstructions, samples, traversal and latents', async () => {
    await page.click('#load-mnist');
    await page.waitForSelector('#data-name:text("MNIST sample")');
    // A SeqVAE needs sequences: the page says so and stays ready.
    await setField(page, 'model', 'seq-vae');
    await page.click('#train');
    await page.waitForSelector('#status.error:text("SeqVAE needs sequences [trials, steps, neurons]; MNIST sample is [1000, 784]")');
    await page.waitForSelector('#train:enabled');
    await train(page, { model: 'vae', epochs: '8', backend: 'wasm', kernels: 'tfjs-ops' });
    const elbos = await epochElbos(page);
    expect(elbos).toHaveLength(8);
    expect(elbos[7]!).toBeGreaterThan(elbos[0]!);
    await page.waitForSelector('body[data-views="vae"]');
    expect(await page.getAttribute('#reconstructions', 'data-images')).toBe('16');
    expect(await page.getAttribute('#samples', 'data-images')).toBe('16');
    expect(await page.getAttribute('#traversal', 'data-images')).toBe('64');
    for (const view of ['#reconstructions', '#samples', '#traversal', '#latent-scatter']) {
      expect(await inkedPixels(page, view)).toBeGreaterThan(500);
    }
    expect(Number(await page.getAttribute('#latent-scatter', 'data-points'))).toBe(1000);
    await page.screenshot({ path: `${results}mnist-vae.png`, fullPage: true });
    if (process.env.UPDATE_SCREENSHOT === '1') await page.screenshot({ path: readmeScreenshot, fullPage: true });
  });

  it('saves the model in IndexedDB and loads it back', async () => {
    await page.click('#save-browser');
    await page.waitForSelector('#status:text("Saved in this browser")');
    await page.click('#load-browser');
    await page.waitForSelector('#status:text("Loaded VAE: 784 inputs, 2 latents")');
  });

  it('downloads the model as .json + .weights.bin and loads those files back', async () => {
    const downloads: string[] = [];
    const saved = new Promise<void>((resolve) => {
      page.on('download', (download) => {
        const path = `${results}${download.suggestedFilename()}`;
        void download.saveAs(path).then(() => {
          downloads.push(path);
          if (downloads.length === 2) resolve();
        });
      });
    });
    await page.click('#save-download');
    await saved;
    expect(downloads.map((p) => p.slice(results.length)).sort()).toEqual(['elbo-vae.json', 'elbo-vae.weights.bin']);
    await page.setInputFiles('#model-files', downloads);
    await page.waitForSelector('#status:text("Loaded VAE: 784 inputs, 2 latents")');
  });

  it('pauses, resumes and stops training', async () => {
    const points = async (): Promise<number> => Number(await page.getAttribute('#elbo-chart', 'data-points'));
    await setField(page, 'epochs', '500');
    await page.click('#train');
    await page.waitForFunction(() => Number(document.querySelector('#elbo-chart')?.getAttribute('data-points')) > 3);
    await page.click('#pause');
    await page.waitForSelector('body[data-state="paused"]');
    await page.waitForTimeout(300); // the step in flight still reports
    const whilePaused = await points();
    await page.waitForTimeout(1500);
    expect(await points()).toBe(whilePaused);
    await page.click('#resume');
    await page.waitForFunction((before) => Number(document.querySelector('#elbo-chart')?.getAttribute('data-points')) > before + 2, whilePaused);
    await page.click('#stop');
    await page.waitForSelector('body[data-state="stopped"]');
    expect(await page.textContent('#status')).toContain('Stopped');
  });

  it('opens an NWB file through the file input and shows its unit count', async () => {
    await page.setInputFiles('#data-file', nwbFile);
    await page.waitForSelector('#data-name:text("pynapple_phy_A8604-211122.nwb")', { timeout: 30_000 });
    expect(await page.textContent('#unit-count')).toBe('3');
    expect(await page.textContent('#data-details')).toContain('21,354 spikes');
    await page.screenshot({ path: `${results}nwb.png`, fullPage: true });
    expect(pageErrors).toEqual([]);
  });
});
