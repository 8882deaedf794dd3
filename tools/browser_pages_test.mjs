// Every page kind in a real headless Chromium (playwright-core), on the sample province built by
// `cerdas build` and served as a static host would, with the Content-Security-Policy and the
// other headers of the `_headers` file the build wrote:
//  - at 390 px (a phone) and 1280 px (a laptop), no page logs a console error or a page error,
//    no request fails, and the policy blocks nothing (`securitypolicyviolation`);
//  - axe-core finds no accessibility violation (WCAG 2.1 A and AA rules);
//  - a news item printed to A4 PDF holds its title, date, place, photos and address, and none of
//    the menus, search or share links (checked with poppler's pdfinfo, pdftotext, pdfimages).
//   node tools/browser_pages_test.mjs CERDAS_BINARY TOOLS_DIR
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

const [cerdas, toolsDir] = process.argv.slice(2);
const requireTool = createRequire(path.join(path.resolve(toolsDir), 'x.js'));
const { chromium } = requireTool('playwright-core');
const axeSource = fs.readFileSync(requireTool.resolve('axe-core/axe.min.js'), 'utf8');
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cerdas-pages-'));
const out = path.join(work, 'public');
const built = spawnSync(cerdas, ['build', path.join(root, 'content-sample'), '-o', out, '--base-url', 'http://127.0.0.1'], { stdio: 'inherit' });
if (built.status !== 0) { console.error('FAIL: the sample province does not build'); process.exit(1); }

// The headers `_headers` gives every path (the `/*` block), as Netlify or Cloudflare Pages send them.
const headers = {};
const block = fs.readFileSync(path.join(out, '_headers'), 'utf8').split(/\n\n/)[0].split('\n').slice(1);
for (const line of block) {
  const at = line.indexOf(':');
  if (at > 0) headers[line.slice(0, at).trim()] = line.slice(at + 1).trim();
}
if (!headers['Content-Security-Policy']) { console.error('FAIL: _headers has no Content-Security-Policy'); process.exit(1); }
if (/unsafe-inline/.test(headers['Content-Security-Policy'])) { console.error(`FAIL: the policy allows inline code: ${headers['Content-Security-Policy']}`); process.exit(1); }

const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.svg': 'image/svg+xml', '.jpg': 'image/jpeg', '.webp': 'image/webp', '.png': 'image/png', '.xml': 'application/xml' };
const server = http.createServer((req, res) => {
  let file = path.join(out, decodeURIComponent(new URL(req.url, 'http://x').pathname));
  if (!file.startsWith(out)) { res.writeHead(400).end(); return; }
  if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
  let status = 200;
  if (!fs.existsSync(file)) { status = 404; file = path.join(out, '404.html'); }
  res.writeHead(status, { ...headers, 'Content-Type': types[path.extname(file)] || 'application/octet-stream' });
  res.end(fs.readFileSync(file));
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${server.address().port}`;

// One page of every kind: the province's own, and a regency's inside it.
const pages = [
  ['province home', '/'],
  ['province news list', '/berita/'],
  ['province regency directory', '/kabupaten-kota/'],
  ['province progress table', '/progres/'],
  ['province dimension', '/dimensi/smart-environment/'],
  ['province search', '/cari/?q=pembinaan'],
  ['regency home', '/agam/'],
  ['news list', '/agam/berita/'],
  ['news item', '/agam/berita/sosialisasi-smart-city-tahap-ii/'],
  ['program list', '/agam/program/'],
  ['program', '/agam/program/satu-data-agam/'],
  ['masterplan', '/agam/masterplan/'],
  ['dimension list', '/agam/dimensi/'],
  ['dimension', '/agam/dimensi/smart-governance/'],
  ['tag list', '/agam/tag/'],
  ['tag', '/agam/tag/quick-win/'],
  ['plain page', '/agam/tentang/'],
  ['not found (404)', '/agam/tidak-ada/'],
];
for (const [kind, url] of pages) {
  const file = path.join(out, url.split('?')[0], url.endsWith('/') || url.includes('?') ? 'index.html' : '');
  if (kind !== 'not found (404)' && !fs.existsSync(file)) { console.error(`FAIL: ${kind}: ${url} was not built`); process.exit(1); }
}

let failures = 0;
const fail = (msg) => { console.error(`FAIL: ${msg}`); failures += 1; };
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  for (const width of [390, 1280]) {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    let problems = [];
    // Listens from the very start of each page, before the parser meets any blocked code.
    await page.addInitScript(() => {
      window.cerdasViolations = [];
      document.addEventListener('securitypolicyviolation', (e) => window.cerdasViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile || ''}:${e.lineNumber || ''}`));
    });
    page.on('console', (m) => { if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(`console: ${m.text()}`); });
    page.on('pageerror', (e) => problems.push(`page error: ${e}`));
    page.on('response', (r) => {
      const expected404 = r.url().endsWith('/favicon.ico') || r.url().includes('/tidak-ada/');
      if (r.status() >= 400 && !expected404) problems.push(`${r.status()} ${r.url()}`);
    });
    for (const [kind, url] of pages) {
      problems = [];
      await page.goto(`${base}${url}`, { waitUntil: 'load', timeout: 20_000 });
      if (kind.endsWith('search')) await page.waitForSelector('.pagefind-ui__result-link', { timeout: 20_000 });
      // Violations the policy reported (a blocked inline style or script, or a foreign file).
      // (Chromium also logs each as a console error, caught above.)
      const blocked = await page.evaluate(() => new Promise((resolve) => {
        setTimeout(() => resolve(window.cerdasViolations || []), 300);
      }));
      problems.push(...blocked.map((b) => `policy blocked: ${b}`));
      await page.evaluate(axeSource);
      const axe = await page.evaluate(async () => {
        const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
        return r.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
      });
      problems.push(...axe.map((a) => `axe: ${a}`));
      if (problems.length) fail(`${kind} ${url} at ${width} px:\n  ${problems.join('\n  ')}`);
      else console.log(`ok: ${kind} ${url} at ${width} px`);
    }
    await page.close();
  }

  // A news item printed to A4, as a humas staffer would print it to file a report.
  const page = await browser.newPage();
  const news = '/agam/berita/sosialisasi-smart-city-tahap-ii/';
  await page.goto(`${base}${news}`, { waitUntil: 'load' });
  // Chrome's print preview lays the page out for print and loads the lazy photos it then
  // shows; page.pdf() prints at once (Chromium 148 no longer has the gallery loaded by then).
  await page.emulateMedia({ media: 'print' });
  await page.waitForFunction(() => [...document.images].every((i) => i.complete), null, { timeout: 10000 });
  const pdf = path.join(work, 'berita.pdf');
  await page.pdf({ path: pdf, format: 'A4', printBackground: true });
  if (process.env.CERDAS_KEEP_PDF) fs.copyFileSync(pdf, process.env.CERDAS_KEEP_PDF);
  const info = spawnSync('pdfinfo', [pdf], { encoding: 'utf8' }).stdout;
  const pagesCount = Number((info.match(/Pages:\s+(\d+)/) || [])[1]);
  const size = (info.match(/Page size:\s+([\d.]+) x ([\d.]+)/) || []).slice(1).map(Number);
  if (!(Math.abs(size[0] - 595) < 2 && Math.abs(size[1] - 842) < 2)) fail(`print: not A4 (${size.join(' x ')} pt)`);
  if (!(pagesCount >= 1 && pagesCount <= 3)) fail(`print: ${pagesCount} pages for one news item (expected 1 to 3)`);
  const text = spawnSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' }).stdout.replace(/\s+/g, ' ');
  const must = ['Diskominfotik Sumbar Gelar Pembinaan', 'Senin, 15 Agustus 2022', 'Lubuk Basung',
    `http://127.0.0.1${news}`, 'Galeri foto'];
  for (const m of must) if (!text.includes(m)) fail(`print: the PDF lacks "${m}"`);
  const mustNot = ['Langsung ke isi', 'Menu utama', 'Bagikan', 'WhatsApp', 'Ikuti kami', 'Berita terkait', 'Situs resmi Gerakan'];
  for (const m of mustNot) if (text.includes(m)) fail(`print: the PDF shows "${m}", which is for the screen`);
  const images = spawnSync('pdfimages', ['-list', pdf], { encoding: 'utf8' }).stdout.trim().split('\n').slice(2)
    .filter((l) => / image /.test(l));
  // The cover and the gallery's photo (the logo may add one more).
  if (images.length < 2) fail(`print: ${images.length} photos in the PDF, expected the cover and the gallery`);
  console.log(`print: ${news} -> ${pagesCount} A4 page(s), ${images.length} images, ${text.length} characters of text`);
} finally {
  await browser.close();
  server.close();
}
if (failures) { console.error(`${failures} page check(s) failed`); process.exit(1); }
console.log('every page kind passed: no console error, no policy violation, no axe violation; print ok');
