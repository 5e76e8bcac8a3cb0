// The planners' map. Everything it draws comes from the service's metadata: /catalog lists the layers with their
// geometry, zoom range and style (kind, colour, field, classes or stops, legend, default visibility), each
// source's TileJSON gives the tile URLs and attribution. No layer is named here: the commune layer is the
// catalogue's `communes_layer`, and a new analysis's layers appear without an edit to this file.
// Feature labels (style.labelField) are not drawn as map text: MapLibre needs a glyphs URL for text and the
// service serves no glyphs (a remote font server would be an external request); the label field is shown in a
// tooltip under the pointer instead.
'use strict';

const state = window.klimapakt = { ready: false, errors: [], selected: null, legends: {}, styles: {}, sources: {} };

// A failed request or a script error: readable in the page (role=alert) and listed in window.klimapakt.errors.
const shownErrors = new Set();
function reportError(message) {
  state.errors.push(message);
  if (shownErrors.has(message)) return;
  shownErrors.add(message);
  const box = document.getElementById('errors');
  const p = document.createElement('p');
  p.textContent = message;
  box.append(p);
  box.hidden = false;
}
window.addEventListener('error', e => reportError(`Script error: ${e.message}`));
window.addEventListener('unhandledrejection', e => reportError(`Script error: ${e.reason && e.reason.message || e.reason}`));

// GET a JSON document; a network failure or a status other than 2xx becomes an Error saying what failed and why
// (the problem+json detail when the service sent one).
async function getJson(url, what) {
  let response;
  try {
    response = await fetch(url, { headers: { Accept: 'application/json' } });
  } catch (e) {
    throw new Error(`${what} could not be loaded: ${url} did not answer (${e.message}).`);
  }
  if (!response.ok) {
    let detail = '';
    try {
      const problem = await response.json();
      detail = problem.detail || problem.title || '';
    } catch { /* not JSON: the status says enough */ }
    const status = `${response.status}${response.statusText ? ' ' + response.statusText : ''}`;
    throw new Error(`${what} could not be loaded: ${url} answered ${status}${detail ? ` (${detail})` : ''}.`);
  }
  try {
    return await response.json();
  } catch (e) {
    throw new Error(`${what} could not be read: ${url} sent no valid JSON (${e.message}).`);
  }
}

function number(value, decimals = 0) {
  return value == null || Number.isNaN(Number(value)) ? '–'
    : Number(value).toLocaleString('en-GB', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

const map = new maplibregl.Map({
  container: 'map',
  style: { version: 8, sources: {}, layers: [{ id: 'background', type: 'background', paint: { 'background-color': '#eef2f0' } }] },
  bounds: [[5.73, 49.44], [6.53, 50.19]],
  // Each source's TileJSON brings its attribution (© OpenStreetMap contributors, ACT, STATEC).
  attributionControl: { compact: false },
});
map.addControl(new maplibregl.NavigationControl(), 'top-right');
map.addControl(new maplibregl.ScaleControl(), 'bottom-right');
state.map = map;
state.renderedCommunes = () => 0;
map.on('error', e => {
  const source = e.sourceId && state.sources[e.sourceId];
  const message = e.error ? String(e.error.message || e.error) : 'map error';
  reportError(source ? `Tiles of ${source} could not be loaded: ${message}` : `Map error: ${message}`);
});

// colourExpression(style): layer-style.js, shared with the reports.

// MapLibre layers of one published layer; `rank` orders them on the map (areas below lines below points, the
// commune outline above every area so the selected commune stays visible).
function mapLayers(name, info, style, source, isCommunes) {
  const common = { source, 'source-layer': name };
  const colour = colourExpression(style);
  const selected = ['boolean', ['feature-state', 'selected'], false];
  if (info.geometry === 'polygon') {
    const fill = { id: `${name}:fill`, type: 'fill', ...common, rank: isCommunes ? 0 : 1, paint: {
      'fill-color': colour,
      'fill-opacity': isCommunes ? ['case', selected, Math.min(1, style.opacity + 0.3), style.opacity] : style.opacity,
    } };
    if (style.kind === 'single') fill.paint['fill-outline-color'] = style.colour;
    if (!isCommunes) return [fill];
    return [fill, { id: `${name}:outline`, type: 'line', ...common, rank: 2, paint: {
      'line-color': style.colour, 'line-width': ['case', selected, 3, 0.8] } }];
  }
  if (info.geometry === 'line') {
    return [{ id: `${name}:line`, type: 'line', ...common, rank: 3, paint: { 'line-color': colour, 'line-width': 1.6 } }];
  }
  return [{ id: `${name}:circle`, type: 'circle', ...common, rank: 4, paint: {
    'circle-color': colour, 'circle-radius': ['interpolate', ['linear'], ['zoom'], 8, 2.5, 14, 6],
    'circle-stroke-color': '#ffffff', 'circle-stroke-width': 0.8 } }];
}

// One vector source per group of layers shown together: the layers of one analysis kind (with the same zoom
// range) share a composite TileJSON (/tiles/a,b,c.json), every input layer has its own source (hidden input
// layers then cost no tile requests).
function sourceGroups(catalog) {
  const groups = new Map();
  for (const [name, info] of Object.entries(catalog.tiles)) {
    const key = info.run_kind ? `${info.run_kind}|${info.minzoom}|${info.maxzoom}` : `layer|${name}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(name);
  }
  return [...groups.values()];
}

function swatch(geometry, colour) {
  const span = document.createElement('span');
  span.className = `swatch ${geometry}`;
  span.style.background = colour;
  return span;
}

// The legend of a layer: its legend text (with the unit, from the server), then one row per class or stop with
// its label (the unit included), or a note when the layer's run has published no classes yet.
function legendElement(name, info, style) {
  const legend = document.createElement('div');
  legend.className = 'legend';
  legend.dataset.layer = name;
  const title = document.createElement('p');
  title.className = 'legend-title';
  const zooms = info.minzoom > 0 ? `, from zoom ${info.minzoom}` : '';
  title.textContent = `${style.legend}${zooms}`;
  legend.append(title);
  if (style.kind !== 'single') {
    const list = document.createElement('ul');
    list.className = `legend-classes ${style.kind}`;
    for (const c of style.classes) {
      const row = document.createElement('li');
      row.className = 'legend-class';
      const label = document.createElement('span');
      label.textContent = c.label;
      row.append(swatch(info.geometry, c.colour), label);
      list.append(row);
    }
    if (style.classes.length === 0) {
      const row = document.createElement('li');
      row.className = 'legend-empty';
      row.textContent = info.run_kind ? `no published ${info.run_kind} run yet` : 'no data';
      list.append(row);
    }
    legend.append(list);
  }
  return legend;
}

function layerItem(name, info, style, layers, available) {
  const item = document.createElement('li');
  item.className = 'layer';
  item.dataset.layer = name;
  const row = document.createElement('div');
  row.className = 'layer-row';
  const input = document.createElement('input');
  input.type = 'checkbox';
  input.id = `toggle-${name}`;
  input.checked = available && style.visible;
  input.disabled = !available;
  input.addEventListener('change', () => {
    for (const layer of layers) map.setLayoutProperty(layer.id, 'visibility', input.checked ? 'visible' : 'none');
  });
  const first = style.classes[0]?.colour, last = style.classes[style.classes.length - 1]?.colour;
  const label = document.createElement('label');
  label.htmlFor = input.id;
  label.textContent = info.title;
  row.append(input, swatch(info.geometry, first && last && style.kind !== 'single' ? `linear-gradient(90deg, ${first}, ${last})` : style.colour), label);
  item.append(row);
  if (available) {
    item.append(legendElement(name, info, style));
  } else {
    const note = document.createElement('p');
    note.className = 'legend unavailable';
    note.textContent = 'unavailable: its tiles could not be loaded';
    item.append(note);
  }
  return item;
}

async function addLayers() {
  const catalog = await getJson('/catalog', 'The layer catalogue');
  state.catalog = catalog;
  state.analyses = Object.fromEntries((catalog.analyses || []).map(a => [a.kind, a]));
  const communesLayer = catalog.communes_layer;

  // Every group's TileJSON at once; one failing hides only its own layers.
  const groups = sourceGroups(catalog);
  const loaded = await Promise.allSettled(groups.map(names =>
    getJson(`/tiles/${names.map(encodeURIComponent).join(',')}.json`, `The tiles description of ${names.map(n => catalog.tiles[n].title).join(', ')}`)));

  const specs = [];
  const items = new Map();
  groups.forEach((names, i) => {
    const result = loaded[i];
    if (result.status === 'rejected') reportError(result.reason.message);
    const tilejson = result.status === 'fulfilled' ? result.value : null;
    const source = `source:${names.join(',')}`;
    if (tilejson) {
      map.addSource(source, { type: 'vector', tiles: tilejson.tiles, minzoom: tilejson.minzoom, maxzoom: tilejson.maxzoom,
        bounds: tilejson.bounds, attribution: tilejson.attribution });
      state.sources[source] = names.map(n => catalog.tiles[n].title).join(', ');
    }
    for (const name of names) {
      const info = catalog.tiles[name];
      // The TileJSON's style (read with the tile URLs) wins over the catalogue's, which may be older.
      const style = tilejson?.vector_layers?.find(v => v.id === name)?.style ?? info.style;
      const layers = tilejson ? mapLayers(name, info, style, source, name === communesLayer) : [];
      for (const layer of layers) layer.layout = { visibility: style.visible ? 'visible' : 'none' };
      specs.push(...layers);
      items.set(name, layerItem(name, info, style, layers, tilejson != null));
      state.styles[name] = style;
      state.legends[name] = { kind: style.kind, legend: style.legend, classes: style.classes.map(c => c.label) };
    }
  });
  specs.sort((a, b) => a.rank - b.rank);
  for (const { rank, ...layer } of specs) map.addLayer(layer);
  filterAnalysisGroupLayers();
  setUpTooltip(catalog, specs);

  // The list: the input layers, then each analysis under its title, in catalogue order.
  const list = document.getElementById('layers');
  const heading = text => { const h = document.createElement('li'); h.className = 'layer-group'; h.textContent = text; return h; };
  const inputs = Object.keys(catalog.tiles).filter(n => !catalog.tiles[n].run_kind);
  list.replaceChildren(heading('Data'), ...inputs.map(n => items.get(n)));
  const kinds = [...new Set(Object.values(catalog.tiles).map(t => t.run_kind).filter(Boolean))];
  for (const kind of kinds) {
    list.append(heading(state.analyses[kind]?.title ?? kind),
      ...Object.keys(catalog.tiles).filter(n => catalog.tiles[n].run_kind === kind).map(n => items.get(n)));
  }

  const fill = `${communesLayer}:fill`;
  if (map.getLayer(fill)) {
    state.communesSource = specs.find(l => l.id === fill).source;
    state.renderedCommunes = () => map.queryRenderedFeatures({ layers: [fill] }).length;
    map.on('click', fill, e => {
      const f = e.features && e.features[0];
      if (f && f.properties.region && f.properties.code) showCommune(f.properties.region, f.properties.code).catch(err => reportError(err.message));
    });
    map.on('mouseenter', fill, () => { map.getCanvas().style.cursor = 'pointer'; });
    map.on('mouseleave', fill, () => { map.getCanvas().style.cursor = ''; });
  }
}

// The label field of the topmost labelled feature under the pointer, in a tooltip: "Name" for a text field,
// "Layer title: field value" for a number (a rank, a class).
function setUpTooltip(catalog, specs) {
  const labelled = specs.filter(l => state.styles[l['source-layer']].labelField).map(l => l.id).reverse();
  if (labelled.length === 0) return;
  const popup = new maplibregl.Popup({ closeButton: false, closeOnClick: false, className: 'tooltip', offset: 8 });
  state.tooltip = () => popup.isOpen() ? popup.getElement().textContent : null;
  map.on('mousemove', e => {
    const visible = labelled.filter(id => map.getLayoutProperty(id, 'visibility') !== 'none');
    const feature = visible.length ? map.queryRenderedFeatures(e.point, { layers: visible })[0] : null;
    const info = feature && catalog.tiles[feature.sourceLayer];
    const field = info && state.styles[feature.sourceLayer].labelField;
    const value = feature && feature.properties[field];
    if (value == null) { popup.remove(); return; }
    const type = info.fields.find(f => f.name === field)?.type;
    popup.setLngLat(e.lngLat).setText(type === 'String' ? String(value) : `${info.title}: ${field.replaceAll('_', ' ')} ${value}`).addTo(map);
  });
  map.getCanvas().addEventListener('mouseleave', () => popup.remove());
}

function selectFeature(id, selected) {
  if (id == null || !state.communesSource) return;
  map.setFeatureState({ source: state.communesSource, sourceLayer: state.catalog.communes_layer, id }, { selected });
}

// Each analysis's figures under its title; label, unit and decimals as the figure descriptions give them.
function figureRows(metrics) {
  const rows = [];
  let kind = null;
  for (const m of metrics) {
    if (m.kind !== kind) { kind = m.kind; rows.push([state.analyses?.[kind]?.title ?? kind, null]); }
    rows.push([m.label, m.value == null ? '–' : `${number(m.value, m.decimals)}${m.unit ? (m.unit === '%' ? ' %' : ` ${m.unit}`) : ''}`]);
  }
  return rows;
}

function showRows(rows) {
  document.getElementById('commune-figures').replaceChildren(...rows.flatMap(([k, v]) => {
    const dt = document.createElement('dt');
    dt.textContent = k;
    if (v === null) { dt.className = 'group'; return [dt]; }
    const dd = document.createElement('dd');
    dd.textContent = v;
    return [dt, dd];
  }));
}

// The switch: whose figures the panel shows — the picked commune's, its canton's or its cooperation space's (the
// group figures: sums over the members, ratios recomputed from the sums). The group layer shows that kind's outlines.
function unit() { return document.querySelector('#unit-switch input:checked')?.value ?? 'commune'; }

function showGroupLayer(kind, code) {
  const fill = `${state.catalog?.groups_layer}:fill`;
  if (!map.getLayer(fill)) return;
  const toggle = document.getElementById(`toggle-${state.catalog.groups_layer}`);
  if (kind === 'commune') {
    map.setFilter(fill, null);
    map.setLayoutProperty(fill, 'visibility', toggle?.checked ? 'visible' : 'none');
    return;
  }
  map.setFilter(fill, ['all', ['==', ['get', 'kind'], kind], ...(code ? [['==', ['get', 'code'], code]] : [])]);
  map.setLayoutProperty(fill, 'visibility', 'visible');
}

// Each analysis's group layer shows one kind of group at a time, the switch's (cantons while it is on the commune).
function filterAnalysisGroupLayers() {
  const kind = unit() === 'commune' ? 'canton' : unit();
  for (const name of Object.values(state.catalog?.group_layers ?? {})) {
    if (map.getLayer(`${name}:fill`)) map.setFilter(`${name}:fill`, ['==', ['get', 'kind'], kind]);
  }
}

async function showUnit() {
  filterAnalysisGroupLayers();
  const commune = state.selected;
  if (!commune) return;
  const kind = unit();
  const note = document.getElementById('unit-note');
  note.hidden = true;
  state.group = null;
  if (kind === 'commune') {
    document.getElementById('commune-name').textContent = commune.name;
    showRows(communeRows(commune));
    showGroupLayer('commune');
    return;
  }
  const region = encodeURIComponent(commune.region);
  let code = kind === 'canton' ? commune.canton : null;
  if (kind === 'space') {
    const groups = await getJson(`/regions/${region}/groups`, 'The region\'s groups');
    code = groups.find(g => g.kind === 'space' && g.communes.includes(commune.code))?.code ?? null;
  }
  if (!code) {
    document.getElementById('commune-name').textContent = commune.name;
    note.textContent = kind === 'space' ? `${commune.name} is in no cooperation space.` : `${commune.name} has no canton.`;
    note.hidden = false;
    showRows([]);
    showGroupLayer(kind);
    return;
  }
  const group = await getJson(`/regions/${region}/groups/${kind}/${encodeURIComponent(code)}`, `The figures of ${code}`);
  state.group = group;
  document.getElementById('commune-name').textContent = group.group.name;
  note.textContent = `${kind === 'canton' ? 'Canton' : 'Cooperation space'} of ${group.group.communes.length} members, with ${commune.name}; figures summed over the members, ratios recomputed from the sums.`;
  note.hidden = false;
  showRows([
    ['Communes', String(group.group.communes.length)],
    ['Population', number(group.population)],
    ['Area', `${number(group.areaKm2, 2)} km²`],
    ['Density', group.population ? `${number(group.population / group.areaKm2)} per km²` : '–'],
    ...figureRows(group.figures),
  ]);
  showGroupLayer(kind, code);
}

function communeRows(commune) {
  return [
    ['Canton', commune.canton ?? '–'],
    [`Population (1 Jan ${commune.populationYear ?? '–'})`, number(commune.population)],
    ['Area', `${number(commune.areaKm2, 2)} km²`],
    ['Density', commune.population ? `${number(commune.population / commune.areaKm2)} per km²` : '–'],
    ...figureRows(commune.metrics),
  ];
}

async function showCommune(region, code) {
  const commune = await getJson(`/regions/${encodeURIComponent(region)}/communes/${encodeURIComponent(code)}`, 'The commune\'s figures');
  if (state.selected) selectFeature(state.selected.id, false);
  selectFeature(commune.id, true);
  const [w, s, e, n] = commune.bbox;
  map.fitBounds([[w, s], [e, n]], { padding: 40, duration: 0 });
  document.getElementById('figures').hidden = false;
  document.getElementById('commune-name').textContent = commune.name;
  // What each analysis's figures rest on (its run's inputs and their sources), one line per input, folded.
  const sources = (commune.sources ?? []).map(s => {
    const details = document.createElement('details');
    details.className = 'sources';
    details.dataset.kind = s.kind;
    const summary = document.createElement('summary');
    summary.textContent = `${state.analyses?.[s.kind]?.title ?? s.kind}: what the figures rest on`;
    const list = document.createElement('ul');
    list.replaceChildren(...s.inputs.map(line => { const li = document.createElement('li'); li.textContent = line; return li; }));
    details.append(summary, list);
    return details;
  });
  document.getElementById('commune-sources').replaceChildren(...sources);
  state.selected = commune;
  await showUnit();
}

function setUpSearch() {
  const input = document.getElementById('search');
  const results = document.getElementById('results');
  let timer;
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const q = input.value.trim();
      if (!q) { results.replaceChildren(); return; }
      let found;
      try {
        found = await getJson(`/communes?q=${encodeURIComponent(q)}`, 'The commune search');
      } catch (e) {
        reportError(e.message);
        return;
      }
      results.replaceChildren(...found.slice(0, 20).map(c => {
        const li = document.createElement('li');
        li.setAttribute('role', 'option');
        li.dataset.region = c.region;
        li.dataset.code = c.code;
        li.textContent = `${c.name} (${c.region.toUpperCase()})`;
        li.addEventListener('click', () => {
          results.replaceChildren();
          input.value = c.name;
          showCommune(c.region, c.code).catch(e => reportError(e.message));
        });
        return li;
      }));
    }, 150);
  });
  input.addEventListener('keydown', e => {
    if (e.key === 'Enter' && results.firstChild) results.firstChild.click();
  });
}

map.on('load', async () => {
  setUpSearch();
  for (const input of document.querySelectorAll('#unit-switch input')) {
    input.addEventListener('change', () => { state.unitReady = false; showUnit().then(() => { state.unitReady = true; }, e => reportError(e.message)); });
  }
  try {
    await addLayers();
  } catch (e) {
    reportError(e.message);
  }
  map.once('idle', () => { state.ready = true; });
});
