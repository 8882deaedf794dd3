// Browser test of live reload: `cerdas serve` on a temp copy of content-sample/agam, a real
// headless Chromium (playwright-core) opens a news page, the test edits the Markdown file on
// disk, and the open tab must show the new title by itself (no action in the page).
//   node tools/browser_reload_test.mjs CERDAS_BINARY TOOLS_DIR
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';

const [cerdas, toolsDir] = process.argv.slice(2);
const { chromium } = createRequire(path.join(path.resolve(toolsDir), 'x.js'))('playwright-core');
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cerdas-browser-'));
fs.cpSync(path.join(root, 'content-sample', 'agam'), path.join(work, 'agam'), { recursive: true });

const server = spawn(cerdas, ['serve', 'agam', '--port', '0'], { cwd: work, stdio: ['ignore', 'pipe', 'inherit'] });
const fail = (msg) => { console.error(`FAIL: ${msg}`); server.kill(); process.exit(1); };
const timer = setTimeout(() => fail('timed out after 60 s'), 60_000);

const firstLine = await new Promise((resolve) => readline.createInterface({ input: server.stdout }).once('line', resolve));
const url = firstLine.match(/http:\/\/\S+\//)?.[0];
if (!url) fail(`no address in: ${firstLine}`);

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  await page.goto(`${url}berita/rapat-evaluasi-quick-win/`);
  const before = await page.textContent('h1');
  if (!before.includes('Rapat Evaluasi Quick Win')) fail(`unexpected title: ${before}`);
  // Let the page open its reload stream, then save an edit as an editor would.
  await page.waitForTimeout(300);
  const file = path.join(work, 'agam', 'berita', 'rapat-evaluasi-quick-win.md');
  const text = fs.readFileSync(file, 'utf8');
  const started = Date.now();
  fs.writeFileSync(file, text.replace('Rapat Evaluasi Quick Win Smart City Agam Bahas Data Terpadu', 'Judul Diubah dari Editor'));
  await page.waitForFunction(() => document.querySelector('h1')?.textContent.includes('Judul Diubah dari Editor'), null, { timeout: 15_000 });
  console.log(`browser live reload: the open tab showed the edit ${Date.now() - started} ms after the save`);
} finally {
  await browser.close();
  server.kill();
  clearTimeout(timer);
  fs.rmSync(work, { recursive: true, force: true });
}
