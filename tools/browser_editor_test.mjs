// The editor under `cerdas serve` in a real headless Chromium (playwright-core), used as a humas
// staffer would: open the address serve prints, write a news item with a photo in the form,
// save, and find it in the preview with its photo; a form with a mistake shows it at the field.
// axe-core checks the editor's pages (WCAG 2.1 A and AA) at 390 px and 1280 px.
//   node tools/browser_editor_test.mjs CERDAS_BINARY TOOLS_DIR
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';

const [cerdas, toolsDir] = process.argv.slice(2);
const requireTool = createRequire(path.join(path.resolve(toolsDir), 'x.js'));
const { chromium } = requireTool('playwright-core');
const axeSource = fs.readFileSync(requireTool.resolve('axe-core/axe.min.js'), 'utf8');
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cerdas-editor-'));
const site = path.join(work, 'agam');
fs.cpSync(path.join(root, 'content-sample', 'agam'), site, { recursive: true, filter: (p) => !p.includes('.cerdas-cache') });

let failures = 0;
const fail = (msg) => { console.error(`FAIL: ${msg}`); failures += 1; };

const server = spawn(cerdas, ['serve', site, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
const lines = readline.createInterface({ input: server.stdout });
const printed = [];
const editorUrl = await new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error(`serve printed no editor address: ${printed.join(' | ')}`)), 120_000);
  lines.on('line', (line) => {
    printed.push(line);
    const m = line.match(/http:\/\/\S+\/_cerdas\/\?token=\S+/);
    if (m) { clearTimeout(timer); resolve(m[0]); }
  });
});
const base = new URL(editorUrl).origin;

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

async function axe(page, what) {
  await page.evaluate(axeSource);
  const found = await page.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return r.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
  });
  if (found.length) fail(`axe on ${what}:\n  ${found.join('\n  ')}`);
  else console.log(`ok: axe on ${what}`);
}

try {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text()); });
  // (The form with a mistake answers 422, as it should.)
  page.on('response', (r) => { if (r.status() >= 400 && !r.url().endsWith('/favicon.ico') && !(r.status() === 422 && r.url().endsWith('/_cerdas/simpan'))) errors.push(`${r.status()} ${r.url()}`); });

  // The address serve printed logs in and lands on the list.
  await page.goto(editorUrl);
  if (new URL(page.url()).search.includes('token')) fail(`the token stays in the address bar: ${page.url()}`);
  if (!(await page.textContent('h2')).includes('Berita')) fail('the list shows no news section');
  for (const width of [390, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    await axe(page, `the editor's list at ${width} px`);
  }

  // The program form (every key of a program, indicators as rows).
  await page.goto(`${base}/_cerdas/sunting?path=program/satu-data-agam.md`);
  if ((await page.inputValue('#indikator_nama_0')) !== 'OPD yang menyetor data sektoral') fail('the program form does not show its indicators');
  for (const width of [390, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    await axe(page, `the program form at ${width} px`);
  }
  await page.goto(editorUrl.replace(/\?token=.*/, ''));

  // A mistake (a title of punctuation only, which makes no address) shows at its field, and
  // nothing is written.
  await page.click('text=Tulis berita baru');
  await page.waitForSelector('form.formulir');
  for (const width of [390, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    await axe(page, `the new news form at ${width} px`);
  }
  const title = 'Sosialisasi Smart City di Nagari Lubuk Basung';
  await page.fill('#title', '!!!');
  await page.fill('#date', '2024-05-14T09:30');
  await page.fill('#location', 'Aula Kantor Wali Nagari');
  await page.fill('#author', 'Humas Kabupaten Agam');
  await page.fill('#body', 'Warga nagari mengikuti **sosialisasi** layanan digital.');
  // The browser's own check of required fields is skipped, to see cerdas's own message.
  await page.$eval('form.formulir', (f) => { f.noValidate = true; });
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  const titleError = await page.$('#title[aria-invalid="true"]');
  if (!titleError) fail(`a title without letters is not shown as a mistake at its field (${page.url()}): ${(await page.textContent('body')).replace(/\s+/g, ' ').slice(0, 600)}`);
  const before = fs.readdirSync(path.join(site, 'berita')).sort().join(',');
  if (before !== fs.readdirSync(path.join(root, 'content-sample', 'agam', 'berita')).sort().join(',')) fail(`a form with a mistake wrote a file: ${before}`);
  await axe(page, 'the form showing a mistake');

  // Corrected, with a cover photo: saved, and shown in the preview with its photo.
  await page.fill('#title', title);
  await page.setInputFiles('#sampul', path.join(root, 'content-sample', 'agam', 'berita', 'sosialisasi-smart-city-tahap-ii', 'foto-utama.jpg'));
  await page.fill('#cover_alt', 'Warga duduk di aula kantor wali nagari');
  await page.$eval('form.formulir', (f) => { f.noValidate = true; });
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  const saved = path.join(site, 'berita', 'sosialisasi-smart-city-di-nagari-lubuk-basung', 'index.md');
  if (!fs.existsSync(saved)) fail(`the news item was not written (${page.url()}): ${(await page.textContent('main')).slice(0, 300)}`);
  else {
    const text = fs.readFileSync(saved, 'utf8');
    for (const want of [`title: "${title}"`, 'author: "Humas Kabupaten Agam"', 'cover_alt: "Warga duduk di aula kantor wali nagari"']) {
      if (!text.includes(want)) fail(`the saved file lacks ${want}:\n${text}`);
    }
  }
  const view = await page.$('text=Lihat di pratinjau');
  if (!view) fail('no link to the preview after saving');
  else {
    await page.click('text=Lihat di pratinjau');
    // The rebuild after the save may take a moment: reload until the page is there.
    const deadline = Date.now() + 60_000;
    while (!(await page.title()).includes(title) && Date.now() < deadline) {
      await page.waitForTimeout(250);
      await page.reload();
    }
    if (!(await page.title()).includes(title)) fail(`the preview does not show the new news item: ${page.url()}: "${await page.title()}" ${(await page.textContent('body')).replace(/\s+/g, ' ').slice(0, 400)}`);
    // The cover, made in the background, arrives and is a real picture.
    await page.waitForFunction(() => { const i = document.querySelector('.cover img'); return i && i.complete && i.naturalWidth > 0; }, null, { timeout: 60_000 })
      .catch(() => fail('the cover photo did not load in the preview'));
  }
  if (errors.length) fail(`console or page errors: ${errors.join(' | ')}`);
} finally {
  await browser.close();
  server.kill();
}
if (failures) { console.error(`${failures} editor check(s) failed`); process.exit(1); }
fs.rmSync(work, { recursive: true, force: true });
console.log('the editor works in a browser: list, new news with a photo, a mistake at its field, axe clean');
