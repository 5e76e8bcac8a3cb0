// Opens the planners' map in headless Chromium: the page loads, tiles render with no console error,
// picking a commune shows its figures. Saves a screenshot to artifacts/.
import { chromium } from 'playwright-core';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const base = process.env.KLIMAPAKT_URL ?? 'http://127.0.0.1:5099';
const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const artifacts = join(dirname(fileURLToPath(import.meta.url)), 'artifacts');
mkdirSync(artifacts, { recursive: true });
const profile = mkdtempSync(join(tmpdir(), 'klimapakt-chromium-'));

const failures = [];
const check = (ok, message) => { console.log(`${ok ? 'ok  ' : 'FAIL'} ${message}`); if (!ok) failures.push(message); };

// A fresh profile each run (playwright passes it to Chromium as --user-data-dir).
const browser = await chromium.launchPersistentContext(profile, {
  executablePath,
  headless: true,
  viewport: { width: 1280, height: 800 },
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage();
  const consoleErrors = [];
  const badResponses = [];
  let tiles = 0;
  page.on('console', m => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', e => consoleErrors.push(String(e)));
  page.on('requestfailed', r => badResponses.push(`${r.url()} failed: ${r.failure()?.errorText}`));
  page.on('response', r => {
    if (r.url().startsWith(base) && r.status() >= 400) badResponses.push(`${r.url()} → ${r.status()}`);
    if (/\/tiles\/[^/]+\/\d+\/\d+\/\d+/.test(r.url()) && (r.status() === 200 || r.status() === 204)) tiles++;
    if (!r.url().startsWith(base) && !r.url().startsWith('data:') && !r.url().startsWith('blob:')) badResponses.push(`external request ${r.url()}`);
  });

  await page.goto(base + '/', { waitUntil: 'load' });
  await page.waitForFunction(() => window.klimapakt && window.klimapakt.ready === true, null, { timeout: 30000 });
  check(tiles > 0, `tiles were loaded (${tiles})`);
  const rendered = await page.evaluate(() => {
    const map = document.querySelector('#map') && window.klimapakt;
    return map ? document.querySelectorAll('canvas.maplibregl-canvas').length : 0;
  });
  check(rendered === 1, 'the map canvas exists');
  const communes = await page.evaluate(() => window.klimapakt.renderedCommunes?.() ?? -1);
  check(communes > 50, `commune polygons rendered (${communes})`);
  const attribution = await page.textContent('.maplibregl-ctrl-attrib');
  check(/OpenStreetMap/.test(attribution) && /ACT/.test(attribution) && /STATEC/.test(attribution), `attribution shown: ${attribution?.trim()}`);
  const toggles = await page.locator('#layers input[type=checkbox]').count();
  check(toggles >= 12, `a toggle per layer (${toggles})`);

  await page.fill('#search', 'Esch-sur-Alz');
  await page.waitForSelector('#results li', { timeout: 10000 });
  await page.click('#results li');
  await page.waitForSelector('#figures:not([hidden])', { timeout: 10000 });
  await page.waitForFunction(() => window.klimapakt.selected != null, null, { timeout: 10000 });
  const name = await page.textContent('#commune-name');
  const figures = await page.textContent('#commune-figures');
  check(/Esch-sur-Alzette/.test(name ?? ''), `picked commune shown: ${name}`);
  check(/Population/.test(figures ?? '') && /\d{2},\d{3}/.test(figures ?? ''), `its population is shown: ${figures?.replace(/\s+/g, ' ')}`);
  const zoom = await page.evaluate(() => window.klimapakt.map.getZoom());
  check(zoom > 10, `the map zoomed to the commune (zoom ${zoom.toFixed(1)})`);
  await page.waitForFunction(() => window.klimapakt.map.loaded(), null, { timeout: 15000 });
  await page.screenshot({ path: join(artifacts, 'map.png') });
  console.log(`screenshot: ${join(artifacts, 'map.png')}`);

  const mapErrors = await page.evaluate(() => window.klimapakt.errors);
  check(consoleErrors.length === 0, `no console error${consoleErrors.length ? ': ' + consoleErrors.join(' | ') : ''}`);
  check(mapErrors.length === 0, `no map error${mapErrors.length ? ': ' + mapErrors.join(' | ') : ''}`);
  check(badResponses.length === 0, `no failed or external request${badResponses.length ? ': ' + badResponses.join(' | ') : ''}`);
} finally {
  await browser.close();
  rmSync(profile, { recursive: true, force: true });
}

console.log(`browser test: ${failures.length === 0 ? 'passed' : `${failures.length} check(s) failed`}`);
process.exit(failures.length === 0 ? 0 : 1);
