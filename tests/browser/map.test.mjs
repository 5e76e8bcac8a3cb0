// Opens the planners' map in headless Chromium against a database with an EV and a wind run: the page loads,
// tiles render with no console error, every layer is drawn and its legend built from the served style metadata
// (both analyses' legends with their classes and units, the wind potential's class count as in the data), map.js
// names no layer, picking a commune shows its figures with the served labels and units, and a failing request
// shows a readable error in the page; the commune / canton / cooperation space switch shows the group figures as
// served; the report of Esch-sur-Alzette renders with its map tiles and no failed request. Saves screenshots to artifacts/.
//   KLIMAPAKT_URL          the API (default http://127.0.0.1:5099)
//   KLIMAPAKT_WIND_CLASSES score classes of the latest wind run in the database (run.sh reads it from PostGIS)
import { chromium } from 'playwright-core';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const base = process.env.KLIMAPAKT_URL ?? 'http://127.0.0.1:5099';
const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const here = dirname(fileURLToPath(import.meta.url));
const artifacts = join(here, 'artifacts');
mkdirSync(artifacts, { recursive: true });
const profile = mkdtempSync(join(tmpdir(), 'klimapakt-chromium-'));

const failures = [];
const check = (ok, message) => { console.log(`${ok ? 'ok  ' : 'FAIL'} ${message}`); if (!ok) failures.push(message); };

const getJson = async path => {
  const response = await fetch(base + path);
  if (!response.ok) throw new Error(`${path} answered ${response.status}`);
  return response.json();
};
// Reads are open; writes need a key (run.sh creates a consultant's key for this test): 401 without, the service's own
// answer with it (a 404 for a run that does not exist), both as problem+json.
{
  const key = process.env.KLIMAPAKT_KEY;
  const anonymous = await fetch(base + '/runs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"kind":"ev","region":"lu"}' });
  check(anonymous.status === 401 && anonymous.headers.get('content-type')?.startsWith('application/problem+json'),
    `POST /runs without a key is refused (${anonymous.status})`);
  if (key) {
    const keyed = await fetch(base + '/runs/00000000-0000-0000-0000-000000000000', { method: 'DELETE', headers: { authorization: `Bearer ${key}` } });
    check(keyed.status === 404, `the test's consultant key is accepted (DELETE of an unknown run: ${keyed.status})`);
  } else check(false, 'KLIMAPAKT_KEY is set (run.sh creates it)');
}

const catalog = await getJson('/catalog');
const layerNames = Object.keys(catalog.tiles);
const analysis = kind => catalog.analyses.find(a => a.kind === kind);
// The analyses with a published run in Luxembourg (scripts/test.sh runs these; KLIMAPAKT_LU_KINDS for another database).
const luKinds = new Set(process.env.KLIMAPAKT_LU_KINDS?.split(' ').filter(Boolean) ?? ['ev', 'wind', 'geothermal', 'connectivity']);
check(analysis('ev') && analysis('wind'), `the catalogue lists the ev and wind analyses (${catalog.analyses.map(a => a.kind).join(', ')})`);

// map.js renders from metadata only: no layer name in it (URL path segments such as /communes?q= are API routes, and
// .communes a property of the API's answers).
const mapJs = readFileSync(join(here, '../../src/KlimaPakt.Geo.Api/wwwroot/map.js'), 'utf8');
const named = layerNames.filter(n => new RegExp(`(?<![\\w/.])${n}(?!\\w)`).test(mapJs));
check(named.length === 0, `map.js names no layer${named.length ? ': it names ' + named.join(', ') : ` (${layerNames.length} layers checked)`}`);
check(!/metricLabel|replace\(\/_pct/.test(mapJs), 'map.js derives no figure label from a metric name');

// A fresh profile each run (playwright passes it to Chromium as --user-data-dir).
const browser = await chromium.launchPersistentContext(profile, {
  executablePath,
  headless: true,
  viewport: { width: 1280, height: 800 },
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});

async function openMap({ route, path = '/' } = {}) {
  const page = await browser.newPage();
  const watch = { consoleErrors: [], badResponses: [], tiles: 0 };
  page.on('console', m => { if (m.type() === 'error') watch.consoleErrors.push(m.text()); });
  page.on('pageerror', e => watch.consoleErrors.push(String(e)));
  page.on('requestfailed', r => watch.badResponses.push(`${r.url()} failed: ${r.failure()?.errorText}`));
  page.on('response', r => {
    if (r.url().startsWith(base) && r.status() >= 400) watch.badResponses.push(`${r.url()} → ${r.status()}`);
    if (/\/tiles\/[^/]+\/\d+\/\d+\/\d+/.test(r.url()) && (r.status() === 200 || r.status() === 204)) watch.tiles++;
    if (!r.url().startsWith(base) && !r.url().startsWith('data:') && !r.url().startsWith('blob:')) watch.badResponses.push(`external request ${r.url()}`);
  });
  if (route) await page.route(route.match, route.handle);
  await page.goto(base + path, { waitUntil: 'load' });
  return { page, watch };
}
const waitReady = page => page.waitForFunction(() => window.klimapakt && window.klimapakt.ready === true, null, { timeout: 30000 });
const problem500 = route => route.fulfill({ status: 500, contentType: 'application/problem+json',
  body: JSON.stringify({ type: 'about:blank', title: 'An error occurred while processing your request.', status: 500 }) });

try {
  const { page, watch } = await openMap();
  await waitReady(page);
  check(watch.tiles > 0, `tiles were loaded (${watch.tiles})`);
  const rendered = await page.evaluate(() => document.querySelectorAll('canvas.maplibregl-canvas').length);
  check(rendered === 1, 'the map canvas exists');
  const communes = await page.evaluate(() => window.klimapakt.renderedCommunes?.() ?? -1);
  check(communes > 50, `commune polygons rendered (${communes})`);
  const attribution = await page.textContent('.maplibregl-ctrl-attrib');
  check(/OpenStreetMap/.test(attribution) && /ACT/.test(attribution) && /STATEC/.test(attribution), `attribution shown: ${attribution?.trim()}`);
  const toggles = await page.locator('#layers input[type=checkbox]').count();
  check(toggles >= 12 && toggles === layerNames.length, `a toggle per layer (${toggles} of ${layerNames.length})`);
  check(await page.locator('[role=alert]').isHidden(), 'no error shown');

  // Each layer drawn as its metadata says: by geometry, in its colour or by its classes/stops, visible as its style says.
  const drawn = await page.evaluate(() => window.klimapakt.map.getStyle().layers.filter(l => l['source-layer'])
    .map(l => ({ id: l.id, type: l.type, layer: l['source-layer'], source: l.source, visibility: l.layout?.visibility,
      colour: l.paint['fill-color'] ?? l.paint['line-color'] ?? l.paint['circle-color'] })));
  const sources = await page.evaluate(() => Object.fromEntries(Object.entries(window.klimapakt.map.getStyle().sources).map(([k, s]) => [k, s.tiles?.[0]])));
  const wrong = [];
  for (const [name, info] of Object.entries(catalog.tiles)) {
    const style = info.style;
    const own = drawn.filter(l => l.layer === name);
    const type = { polygon: 'fill', line: 'line', point: 'circle' }[info.geometry];
    const main = own.find(l => l.type === type);
    if (!main) { wrong.push(`${name}: no ${type} layer`); continue; }
    if (own.some(l => l.visibility !== (style.visible ? 'visible' : 'none'))) wrong.push(`${name}: visibility not ${style.visible}`);
    const expression = Array.isArray(main.colour) ? main.colour[0] : main.colour;
    // A layer whose run has no classes or stops yet (no run of its analysis in the region) is drawn in its single colour.
    const stops = new Set((style.classes ?? []).map(c => c.value)).size;
    const expected = style.kind === 'classes' && stops > 0 ? 'match'
      : style.kind === 'graduated' && stops > 1 ? 'interpolate'
      : style.kind === 'graduated' && stops === 1 ? style.classes[0].colour : style.colour;
    if (expression !== expected) wrong.push(`${name}: colour ${JSON.stringify(expression)}, expected ${expected}`);
  }
  check(wrong.length === 0, `every layer drawn by geometry, colour/classes/stops and visibility from its style${wrong.length ? ': ' + wrong.join('; ') : ''}`);
  const colours = Object.values(catalog.tiles).map(t => t.style.colour);
  check(new Set(colours).size === colours.length, `each layer has its own colour (${new Set(colours).size} of ${colours.length})`);

  // The layers of one analysis share one composite source (/tiles/a,b,c/{z}/{x}/{y}).
  for (const a of catalog.analyses) {
    const used = [...new Set(drawn.filter(l => a.layers.includes(l.layer)).map(l => l.source))];
    const url = used.length === 1 ? sources[used[0]] : '';
    check(used.length === 1 && url.includes(`/tiles/${a.layers.join(',')}/`), `${a.kind}: its ${a.layers.length} layers share one composite source (${url || used.join(', ')})`);
  }

  // Legends of both analyses, from the served classes and units.
  const legends = await page.evaluate(() => Object.fromEntries([...document.querySelectorAll('#layers .legend[data-layer]')]
    .map(l => [l.dataset.layer, { text: l.textContent, classes: [...l.querySelectorAll('.legend-class')].map(c => c.textContent.trim()) }])));
  for (const a of catalog.analyses) {
    const missing = a.layers.filter(n => {
      const style = catalog.tiles[n].style, legend = legends[n];
      return !legend || !legend.text.includes(style.legend) || legend.classes.join('|') !== style.classes.map(c => c.label).join('|');
    });
    check(missing.length === 0, `${a.kind}: a legend per layer with the served legend text and classes${missing.length ? '; wrong: ' + missing.join(', ') : ''}`);
  }
  const windClasses = analysis('wind').layers.find(n => catalog.tiles[n].style.kind === 'classes');
  const expectedClasses = Number(process.env.KLIMAPAKT_WIND_CLASSES ?? catalog.tiles[windClasses]?.style.classes.length);
  const shownClasses = legends[windClasses]?.classes ?? [];
  check(windClasses && expectedClasses > 0 && shownClasses.length === expectedClasses,
    `the ${windClasses} legend lists the data's ${expectedClasses} classes: ${shownClasses.join(' · ')}`);
  const coverage = legends.ev_coverage;
  check(coverage && /%/.test(coverage.text) && coverage.classes.length > 1 && coverage.classes.every(c => /%/.test(c)),
    `the EV coverage legend has its unit: ${coverage?.text.replace(/\s+/g, ' ')}`);

  // The commune panel: figures with the labels, units and decimals the service sends.
  await page.fill('#search', 'Esch-sur-Alz');
  await page.waitForSelector('#results li', { timeout: 10000 });
  await page.click('#results li');
  await page.waitForSelector('#figures:not([hidden])', { timeout: 10000 });
  await page.waitForFunction(() => window.klimapakt.selected != null, null, { timeout: 10000 });
  const name = await page.textContent('#commune-name');
  const figures = await page.textContent('#commune-figures');
  check(/Esch-sur-Alzette/.test(name ?? ''), `picked commune shown: ${name}`);
  check(/Population/.test(figures ?? '') && /\d{2},\d{3}/.test(figures ?? ''), `its population is shown: ${figures?.replace(/\s+/g, ' ')}`);
  const selected = await page.evaluate(() => window.klimapakt.selected);
  const metricKinds = new Set(selected.metrics.map(m => m.kind));
  check(metricKinds.has('ev') && metricKinds.has('wind'), `the commune has figures of both runs (${[...metricKinds].join(', ')})`);
  const shownFigures = await page.evaluate(() => [...document.querySelectorAll('#commune-figures dt:not(.group)')]
    .map(dt => [dt.textContent, dt.nextElementSibling?.textContent ?? '']));
  const badFigures = selected.metrics.filter(m => {
    const row = shownFigures.find(([label, value]) => label === m.label && (m.unit == null || value.endsWith(m.unit))
      && (m.decimals === 0 ? !/\.\d/.test(value) : new RegExp(`\\.\\d{${m.decimals}}(?!\\d)`).test(value)));
    return !row;
  });
  check(badFigures.length === 0 && selected.metrics.length > 0,
    `each of the ${selected.metrics.length} figures shown with its served label, unit and decimals${badFigures.length ? '; not: ' + badFigures.map(m => m.metric).join(', ') : ''}`);
  // What the figures rest on: one folded list per analysis, a line per input with its source (or "no data").
  const sourceLines = await page.evaluate(() => Object.fromEntries([...document.querySelectorAll('#commune-sources details')]
    .map(d => [d.dataset.kind, [...d.querySelectorAll('li')].map(li => li.textContent)])));
  check(['ev', 'wind'].every(k => (sourceLines[k] ?? []).some(l => /^buildings: [\d,]+ from osm_lu_city_buildings/.test(l)))
    && (sourceLines.wind ?? []).some(l => /^power_lines: no data/.test(l)),
    `the panel says what each analysis's figures rest on (wind: ${(sourceLines.wind ?? []).length} inputs, ev: ${(sourceLines.ev ?? []).length})`);
  const zoom = await page.evaluate(() => window.klimapakt.map.getZoom());
  check(zoom > 10, `the map zoomed to the commune (zoom ${zoom.toFixed(1)})`);
  await page.waitForFunction(() => window.klimapakt.map.loaded(), null, { timeout: 15000 });
  // The label field in a tooltip under the pointer (no glyphs are served for map text): the commune's name,
  // or the label of a labelled feature above it (a site's rank).
  const box = await page.locator('#map').boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.waitForFunction(() => window.klimapakt.tooltip?.() != null, null, { timeout: 5000 }).catch(() => {});
  const tooltip = await page.evaluate(() => window.klimapakt.tooltip?.() ?? null);
  check(tooltip === 'Esch-sur-Alzette' || /: \w+ \d/.test(tooltip ?? ''), `the label field under the pointer is shown: ${tooltip}`);
  await page.mouse.move(box.x + 5, box.y + box.height - 5);
  await page.screenshot({ path: join(artifacts, 'map.png') });
  console.log(`screenshot: ${join(artifacts, 'map.png')}`);

  const mapErrors = await page.evaluate(() => window.klimapakt.errors);
  check(watch.consoleErrors.length === 0, `no console error${watch.consoleErrors.length ? ': ' + watch.consoleErrors.join(' | ') : ''}`);
  check(mapErrors.length === 0, `no map error${mapErrors.length ? ': ' + mapErrors.join(' | ') : ''}`);
  check(watch.badResponses.length === 0, `no failed or external request${watch.badResponses.length ? ': ' + watch.badResponses.join(' | ') : ''}`);
  await page.close();

  // An analysis's map layer switched on over the whole country, with the communes and the analysis's own default
  // layers only: the README's and docs' pictures (wind potential classes; connectivity's normalised current).
  const screenshotLayer = async (kind, layer, file) => {
    const { page: shot } = await openMap();
    await waitReady(shot);
    for (const n of layerNames) {
      const own = analysis(kind).layers.includes(n);
      const on = n === catalog.communes_layer || n === layer || (own && catalog.tiles[n].style.visible);
      const box = shot.locator(`#layers .layer[data-layer="${n}"] input[type=checkbox]`);
      if ((await box.isChecked()) !== on) await box.click();
    }
    await shot.locator(`#layers .layer[data-layer="${layer}"]`).scrollIntoViewIfNeeded();
    await shot.waitForFunction(() => window.klimapakt.map.loaded(), null, { timeout: 15000 });
    await shot.waitForTimeout(300);
    const features = await shot.evaluate(l => window.klimapakt.map.queryRenderedFeatures({ layers: [`${l}:fill`] }).length, layer);
    check(features > 0, `the ${layer} layer renders when switched on (${features} features)`);
    await shot.screenshot({ path: join(artifacts, file) });
    console.log(`screenshot: ${join(artifacts, file)}`);
    await shot.close();
  };
  await screenshotLayer('wind', windClasses, 'map-wind-potential.png');
  if (luKinds.has('connectivity')) await screenshotLayer('connectivity', 'connectivity_current', 'map-connectivity.png');

  // The commune / canton / cooperation space switch: the panel shows the canton's figures (the group API's sums) and
  // the group layer its dissolved outline.
  {
    const { page: groups, watch } = await openMap();
    await waitReady(groups);
    await groups.fill('#search', 'Esch-sur-Alz');
    await groups.waitForSelector('#results li', { timeout: 10000 });
    await groups.click('#results li');
    await groups.waitForFunction(() => window.klimapakt.selected != null, null, { timeout: 10000 });
    const canton = await groups.evaluate(() => window.klimapakt.selected.canton);
    await groups.check('#unit-switch input[value=canton]');
    await groups.waitForFunction(() => window.klimapakt.group != null && window.klimapakt.unitReady, null, { timeout: 10000 });
    const expected = await getJson(`/regions/lu/groups/canton/${encodeURIComponent(canton)}`);
    const shown = await groups.evaluate(() => Object.fromEntries([...document.querySelectorAll('#commune-figures dt:not(.group)')]
      .map(dt => [dt.textContent, dt.nextElementSibling?.textContent ?? ''])));
    const fmt = (v, d) => Number(v).toLocaleString('en-GB', { minimumFractionDigits: d, maximumFractionDigits: d });
    const wrongFigures = expected.figures.filter(f => !(shown[f.label] ?? '').startsWith(fmt(f.value, f.decimals)));
    check(await groups.textContent('#commune-name') === expected.group.name && shown.Population === fmt(expected.population, 0)
      && shown.Communes === String(expected.group.communes.length) && wrongFigures.length === 0 && expected.figures.length > 0,
      `the canton switch shows ${expected.group.name}'s ${expected.figures.length} group figures as served${wrongFigures.length ? '; not: ' + wrongFigures.map(f => f.metric).join(', ') : ''}`);
    await groups.waitForFunction(() => window.klimapakt.map.loaded(), null, { timeout: 15000 });
    const outlines = await groups.evaluate(layer => window.klimapakt.map.queryRenderedFeatures({ layers: [`${layer}:fill`] })
      .map(f => `${f.properties.kind}/${f.properties.code}`), catalog.groups_layer);
    check(outlines.length > 0 && outlines.every(o => o === `canton/${canton}`), `the group layer shows the canton's outline only (${[...new Set(outlines)].join(', ')})`);
    await groups.check('#unit-switch input[value=space]');
    await groups.waitForFunction(() => window.klimapakt.unitReady, null, { timeout: 10000 });
    const note = await groups.textContent('#unit-note');
    check(/no cooperation space/.test(note ?? ''), `Esch-sur-Alzette is in no cooperation space of the starter set: "${note}"`);
    check(watch.badResponses.length === 0 && watch.consoleErrors.length === 0, `the switch: no failed request or console error${[...watch.badResponses, ...watch.consoleErrors].join(' | ')}`);
    await groups.close();
  }

  // The report of Esch-sur-Alzette (GET /reports/communes/0204): one section per analysis published in Luxembourg, each map
  // drawn from the service's tiles, the figures with units, the run's caveats; no failed request, nothing external.
  {
    const { page: report, watch } = await openMap({ path: '/reports/communes/0204' });
    await report.waitForFunction(() => window.klimapaktReport && (window.klimapaktReport.ready === true || window.klimapaktReport.errors.length > 0),
      null, { timeout: 60000 });
    const sections = await report.evaluate(() => [...document.querySelectorAll('section.analysis')].map(s => s.dataset.kind));
    check(sections.length === luKinds.size && sections.every(k => luKinds.has(k)), `the report has a section per analysis published in lu (${sections.join(', ')})`);
    check(watch.tiles > 0, `the report's map tiles were loaded from the service (${watch.tiles})`);
    const drawn = await report.evaluate(() => Object.fromEntries(Object.entries(window.klimapaktReport.maps)
      .map(([k, m]) => [k, { result: m.queryRenderedFeatures({ layers: ['result'] }).length, outline: m.queryRenderedFeatures({ layers: ['outline'] }).length }])));
    check(Object.keys(drawn).length === sections.length && Object.values(drawn).every(d => d.outline > 0) && Object.values(drawn).some(d => d.result > 0),
      `each report map draws the commune and the run's results: ${JSON.stringify(drawn)}`);
    const text = await report.textContent('body');
    check(/Esch-sur-Alzette/.test(text) && /GWh\/yr/.test(text) && / %/.test(text) && /MODELLED/.test(text) && /assumed/.test(text) && /osm_lu_city_buildings/.test(text),
      'the report gives figures with units, the caveats (modelled wind, assumed ground) and the data sources');
    const errors = await report.evaluate(() => window.klimapaktReport.errors);
    check(errors.length === 0 && watch.consoleErrors.length === 0, `the report: no map or console error${[...errors, ...watch.consoleErrors].join(' | ')}`);
    check(watch.badResponses.length === 0, `the report: no failed or external request${watch.badResponses.length ? ': ' + watch.badResponses.join(' | ') : ''}`);
    await report.screenshot({ path: join(artifacts, 'report-esch.png'), fullPage: true });
    console.log(`screenshot: ${join(artifacts, 'report-esch.png')}`);
    await report.close();
  }

  // A failing catalogue request: a readable error in the page, and in window.klimapakt.errors.
  {
    const { page: failing } = await openMap({ route: { match: '**/catalog', handle: problem500 } });
    const alert = failing.locator('[role=alert]');
    await alert.waitFor({ state: 'visible', timeout: 15000 });
    const text = (await alert.textContent()) ?? '';
    const errors = await failing.evaluate(() => window.klimapakt.errors);
    check(/catalogue/.test(text) && /\/catalog/.test(text) && /500/.test(text) && errors.some(e => /\/catalog/.test(e)),
      `a failing /catalog shows a readable error: "${text.trim()}"`);
    await failing.close();
  }

  // A failing composite TileJSON: the error names the layers, their toggles are disabled, the rest still renders.
  {
    const wind = analysis('wind').layers;
    const composite = `/tiles/${wind.join(',')}.json`;
    const { page: failing } = await openMap({ route: { match: url => url.pathname === composite, handle: problem500 } });
    await waitReady(failing);
    const text = (await failing.locator('[role=alert]').textContent()) ?? '';
    const titles = wind.map(n => catalog.tiles[n].title);
    const disabled = await failing.locator('#layers input[type=checkbox]:disabled').count();
    const rest = await failing.evaluate(() => window.klimapakt.renderedCommunes());
    check(text.includes(composite) && /500/.test(text) && titles.every(t => text.includes(t)) && disabled === wind.length && rest > 50,
      `a failing ${composite} shows "${text.trim()}", disables its ${disabled} toggles, ${rest} commune polygons still render`);
    await failing.close();
  }
} finally {
  await browser.close();
  rmSync(profile, { recursive: true, force: true });
}

console.log(`browser test: ${failures.length === 0 ? 'passed' : `${failures.length} check(s) failed`}`);
process.exit(failures.length === 0 ? 0 : 1);
