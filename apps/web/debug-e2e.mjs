import { chromium } from 'playwright-core';
import { preview } from 'vite';
const root = new URL('.', import.meta.url).pathname;
const server = process.env.DEV_URL ? { close: async () => {} } : await preview({ root, logLevel: 'error', preview: { host: '127.0.0.1', port: 47311, strictPort: true } });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
const page = await browser.newPage();
page.on('console', (m) => console.log('console', m.type(), m.text().slice(0, 300)));
page.on('pageerror', (e) => console.log('pageerror', e.message, e.stack?.slice(0, 500)));
page.on('worker', (w) => { console.log('worker', w.url().slice(0, 100)); });
await page.goto(process.env.DEV_URL ?? 'http://127.0.0.1:47311/');
await page.click(process.argv[2] ?? '#load-lorenz');
await page.waitForTimeout(1000);
for (const [k, v] of Object.entries(JSON.parse(process.argv[3] ?? '{}'))) { if ((await page.$eval('#' + k, (e) => e.tagName)) === 'SELECT') await page.selectOption('#' + k, v); else await page.fill('#' + k, v); }
await page.click('#train');
for (let i = 0; i < Number(process.argv[4] ?? 20); i++) {
  await page.waitForTimeout(1000);
  console.log(i, await page.textContent('#status'), '|', await page.textContent('#epoch-report'), '|', await page.getAttribute('body', 'data-state'));
  if ((await page.getAttribute('body', 'data-state')) === 'finished') break;
}
console.log(await page.textContent('#backend-report'));
await page.screenshot({ path: '/tmp/webdbg/shot.png', fullPage: true });
await browser.close(); await server.close();
