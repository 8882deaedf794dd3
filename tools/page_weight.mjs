// Page weight on a phone: serves a built site folder with a small static server, opens a page
// in headless Chromium (playwright-core) at 390 x 844 CSS pixels, scrolls to the end so lazy
// pictures load too, and sums the bytes of every response. Fails when the total exceeds the
// budget.
//   node tools/page_weight.mjs TOOLS_DIR SITE_DIR PAGE_PATH [BUDGET_BYTES] [DEVICE_SCALE]
import { createRequire } from 'node:module';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

const [toolsDir, siteDir, pagePath, budgetArg, scaleArg] = process.argv.slice(2);
const budget = Number(budgetArg ?? 300_000);
const scale = Number(scaleArg ?? 1);
const { chromium } = createRequire(path.join(path.resolve(toolsDir), 'x.js'))('playwright-core');
const types = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.jpg': 'image/jpeg',
  '.png': 'image/png', '.webp': 'image/webp', '.svg': 'image/svg+xml', '.json': 'application/json' };

const root = path.resolve(siteDir);
const server = http.createServer((req, res) => {
  let rel = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  if (rel.endsWith('/')) rel += 'index.html';
  const file = path.join(root, rel);
  if (!file.startsWith(root) || !fs.existsSync(file)) { res.writeHead(404); res.end(); return; }
  res.writeHead(200, { 'Content-Type': types[path.extname(file)] ?? 'application/octet-stream' });
  res.end(fs.readFileSync(file));
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${server.address().port}`;

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const rows = [];
try {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: scale });
  page.on('response', async (r) => {
    try { rows.push([r.url().replace(base, ''), (await r.body()).length]); } catch { /* redirect */ }
  });
  await page.goto(`${base}${pagePath}`, { waitUntil: 'networkidle' });
  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  await page.waitForTimeout(500);
  await page.waitForLoadState('networkidle');
} finally {
  await browser.close();
  server.close();
}
const total = rows.reduce((sum, [, n]) => sum + n, 0);
for (const [url, n] of rows) console.log(`${String(n).padStart(9)}  ${url}`);
console.log(`${String(total).padStart(9)}  total for ${pagePath} at 390 px, device scale ${scale} (budget ${budget})`);
if (total > budget) { console.error(`FAIL: ${total} bytes is over the budget of ${budget}`); process.exit(1); }
