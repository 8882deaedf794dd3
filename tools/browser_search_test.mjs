// Browser test of search (issue 16): the sample province built by `cerdas build`, served as a
// static host would (with the Content-Security-Policy of the `_headers` the build wrote), and
// a real headless Chromium (playwright-core) using Pagefind's UI on `/cari/`:
//  - `?q=membina` (a form no page has) finds the news item that says "pembinaan" (Indonesian
//    stemming: both are "bina");
//  - ticking one regency in the regency filter leaves only that regency's items;
//  - the search box in the header of a news page leads to results;
//  - on a phone, a result without a cover takes the whole width (no empty picture column) and
//    one with a cover shows it.
//   node tools/browser_search_test.mjs CERDAS_BINARY TOOLS_DIR
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

const [cerdas, toolsDir] = process.argv.slice(2);
const { chromium } = createRequire(path.join(path.resolve(toolsDir), 'x.js'))('playwright-core');
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cerdas-search-'));
const out = path.join(work, 'public');
const built = spawnSync(cerdas, ['build', path.join(root, 'content-sample'), '-o', out, '--base-url', 'http://127.0.0.1'], { stdio: 'inherit' });
if (built.status !== 0) { console.error('FAIL: the sample province does not build'); process.exit(1); }

// The policy every page gets, as `_headers` gives it to Netlify or Cloudflare Pages.
const csp = fs.readFileSync(path.join(out, '_headers'), 'utf8').match(/Content-Security-Policy: (.*)/)[1];
const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json' };
const server = http.createServer((req, res) => {
  let file = path.join(out, decodeURIComponent(new URL(req.url, 'http://x').pathname));
  if (!file.startsWith(out)) { res.writeHead(400).end(); return; }
  if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
  if (!fs.existsSync(file)) { res.writeHead(404).end(); return; }
  res.writeHead(200, { 'Content-Type': types[path.extname(file)] || 'application/octet-stream', 'Content-Security-Policy': csp });
  res.end(fs.readFileSync(file));
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${server.address().port}`;

const problems = [];
const fail = (msg) => { console.error(`FAIL: ${msg}`); process.exitCode = 1; };
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const resultLinks = (page) => page.$$eval('.pagefind-ui__result-link', (as) => as.map((a) => a.getAttribute('href')));
try {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  // A missing file is reported by its address below (the browser's own /favicon.ico aside).
  page.on('console', (m) => { if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(m.text()); });
  page.on('response', (r) => { if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) problems.push(`${r.status()} ${r.url()}`); });
  page.on('pageerror', (e) => problems.push(String(e)));

  // 1. A stemmed form.
  await page.goto(`${base}/cari/?q=membina`);
  await page.waitForSelector('.pagefind-ui__result-link', { timeout: 20_000 });
  const stemmed = await resultLinks(page);
  if (!stemmed.some((h) => h.includes('/agam/berita/pembinaan-smart-city-tahap-i/'))) fail(`?q=membina did not find "pembinaan": ${stemmed}`);
  if ((await page.inputValue('.pagefind-ui__search-input')) !== 'membina') fail('?q= did not fill the box');

  // 1b. Pictures: `bimtek` finds news with covers and without.
  await page.goto(`${base}/cari/?q=bimtek`);
  await page.waitForFunction(() => document.querySelector('.pagefind-ui__result-thumb img')
    && !document.querySelector('.pagefind-ui__result .pagefind-ui__loading'), null, { timeout: 20_000 });
  const thumbs = await page.$$eval('.pagefind-ui__result', (rs) => rs.map((r) => {
    const t = r.querySelector('.pagefind-ui__result-thumb');
    return { img: Boolean(t && t.querySelector('img')), width: t ? t.getBoundingClientRect().width : 0 };
  }));
  if (!thumbs.some((t) => t.img && t.width > 0)) fail(`no result shows its cover: ${JSON.stringify(thumbs)}`);
  if (!thumbs.some((t) => !t.img)) fail(`?q=bimtek found no result without a cover: ${JSON.stringify(thumbs)}`);
  if (thumbs.some((t) => !t.img && t.width > 0)) fail(`a result without a cover keeps an empty picture column: ${JSON.stringify(thumbs)}`);

  // 2. One regency's filter.
  await page.goto(`${base}/cari/?q=smart`);
  await page.waitForSelector('.pagefind-ui__result-link', { timeout: 20_000 });
  const all = await resultLinks(page);
  await page.waitForSelector('input[id="Kabupaten/Kota-Kabupaten Agam"]', { state: 'attached', timeout: 10_000 });
  await page.$eval('input[id="Kabupaten/Kota-Kabupaten Agam"]', (el) => el.click());
  await page.waitForFunction((before) => {
    const links = [...document.querySelectorAll('.pagefind-ui__result-link')].map((a) => a.getAttribute('href'));
    return links.length > 0 && links.join() !== before;
  }, all.join(), { timeout: 10_000 });
  const agam = await resultLinks(page);
  if (!all.some((h) => !h.startsWith('/agam/'))) fail(`?q=smart found only Agam before filtering: ${all}`);
  if (!agam.every((h) => h.startsWith('/agam/'))) fail(`the Agam filter left other regencies: ${agam}`);

  // 3. The header box of a news page.
  await page.goto(`${base}/agam/berita/pembinaan-smart-city-tahap-i/`);
  await page.fill('#cari-q', 'pelatihan');
  await Promise.all([page.waitForNavigation(), page.press('#cari-q', 'Enter')]);
  if (!page.url().includes('/agam/cari/?q=pelatihan')) fail(`the header box went to ${page.url()}`);
  await page.waitForSelector('.pagefind-ui__result-link', { timeout: 20_000 });
  const fromHeader = await resultLinks(page);
  if (fromHeader.length === 0) fail('no results from the header box');

  if (problems.length) fail(`errors in the page (CSP?): ${problems.join(' | ')}`);
  if (!process.exitCode) console.log(`browser search: ?q=membina found ${stemmed.length} item(s) with "pembinaan"; ?q=bimtek showed ${thumbs.filter((t) => t.img).length} cover(s) and ${thumbs.filter((t) => !t.img).length} result(s) without, at full width; the Agam filter left ${agam.length} of ${all.length}; the header box led to ${fromHeader.length} result(s)`);
} finally {
  await browser.close();
  server.close();
  fs.rmSync(work, { recursive: true, force: true });
}
