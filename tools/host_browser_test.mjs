// Loads pages served by real Apache and nginx (tools/host_test.py) in headless Chromium
// (playwright-core): no console error, no Content-Security-Policy violation, no failed or
// refused request, and the stylesheet applied.
//   node tools/host_browser_test.mjs TOOLS_DIR URL [URL...]
import { createRequire } from 'node:module';
import path from 'node:path';

const [toolsDir, ...urls] = process.argv.slice(2);
const { chromium } = createRequire(path.join(path.resolve(toolsDir), 'x.js'))('playwright-core');

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let failed = 0;
try {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  // A violation of the policy reaches the console too, but the event names the directive.
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`);
    });
  });
  for (const url of urls) {
    const page = await context.newPage();
    const problems = [];
    page.on('console', (m) => {
      // A missing file is reported by its address below (the browser's own /favicon.ico aside).
      if (m.type() === 'error' && m.text().startsWith('Failed to load resource')) return;
      if (m.type() === 'error' || /Content.Security.Policy/i.test(m.text())) problems.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`script error: ${e}`));
    page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
    page.on('response', (r) => {
      if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) problems.push(`${r.status()} ${r.url()}`);
    });
    try {
      const response = await page.goto(url, { waitUntil: 'load', timeout: 30_000 });
      if (!response || response.status() !== 200) problems.push(`answered ${response?.status()}`);
      // Late errors (the search script starting) surface within a moment of the load.
      await page.waitForTimeout(500);
      const styled = await page.evaluate(() => getComputedStyle(document.body).margin !== '8px');
      if (!styled) problems.push('the stylesheet is not applied (the browser default body margin is left)');
    } catch (e) {
      problems.push(`did not load: ${e.message.split('\n')[0]}`);
    }
    if (problems.length) {
      failed += 1;
      console.error(`FAIL: ${url}: ${problems.join(' | ')}`);
    } else {
      console.log(`   ok ${url}`);
    }
    await page.close();
  }
} finally {
  await browser.close();
}
if (failed) {
  console.error(`FAIL: ${failed} of ${urls.length} pages had problems in Chromium`);
  process.exit(1);
}
