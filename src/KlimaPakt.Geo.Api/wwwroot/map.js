// The planners' map: every published layer from /catalog as vector tiles, a toggle and legend each,
// and a commune picker that zooms to the commune and shows its figures.
'use strict';

const state = window.klimapakt = { ready: false, errors: [], selected: null };
window.addEventListener('error', e => state.errors.push(String(e.message)));

const palette = {
  communes: '#3b7d5b', buildings: '#8c6d5a', roads: '#d08a2e', railways: '#555555', land_cover: '#9cc58a',
  waterways: '#3d8fd1', water_bodies: '#7fb7e6', protected_areas: '#4f9a3c', power_lines: '#b8434f',
  power_sites: '#b8434f', places: '#303a8c', ev_chargers: '#0f9fb0',
};
const extraColours = ['#7b3fa0', '#c2577d', '#5f7f1f', '#a36a00', '#2f6f8f'];
const initialBounds = [[5.73, 49.44], [6.53, 50.19]];
const onByDefault = new Set(['communes', 'ev_chargers', 'places', 'roads']);

const map = new maplibregl.Map({
  container: 'map',
  style: { version: 8, sources: {}, layers: [{ id: 'background', type: 'background', paint: { 'background-color': '#eef2f0' } }] },
  bounds: initialBounds,
  // Each source's TileJSON brings its attribution (© OpenStreetMap contributors, ACT, STATEC).
  attributionControl: { compact: false },
});
map.addControl(new maplibregl.NavigationControl(), 'top-right');
map.addControl(new maplibregl.ScaleControl(), 'bottom-right');
state.map = map;
state.renderedCommunes = () => map.getLayer('communes-fill') ? map.queryRenderedFeatures({ layers: ['communes-fill'] }).length : 0;
map.on('error', e => state.errors.push(e.error ? String(e.error.message || e.error) : 'map error'));

// "ev_covered_pct" of kind "ev" → "EV: covered (%)": the unit suffixes of the metric names, spelt out.
function metricLabel(kind, metric) {
  const name = metric.startsWith(`${kind}_`) ? metric.slice(kind.length + 1) : metric;
  return `${kind.toUpperCase()}: ${name.replace(/_pct$/, ' (%)').replace(/_per_1000$/, ' per 1,000 residents')
    .replace(/_km2$/, ' (km²)').replace(/_mwh_per_year$/, ' (MWh/yr)').replace(/_gwh_per_year$/, ' (GWh/yr)').replace(/_mw$/, ' (MW)')
    .replaceAll('_', ' ')}`;
}

function number(value, digits = 0) {
  return value == null ? '–' : Number(value).toLocaleString('en-GB', { maximumFractionDigits: digits });
}

function styleLayers(name, info, colour) {
  const source = name;
  const common = { source, 'source-layer': name };
  if (name === 'communes') {
    return [
      { id: 'communes-fill', type: 'fill', ...common, paint: {
        'fill-color': ['interpolate', ['linear'], ['coalesce', ['get', 'population'], 0], 0, '#e5f2ea', 5000, '#a9d6b9', 20000, '#5aa57c', 120000, '#1f5e3d'],
        'fill-opacity': ['case', ['boolean', ['feature-state', 'selected'], false], 0.85, 0.55] } },
      { id: 'communes-line', type: 'line', ...common, paint: { 'line-color': '#24513a', 'line-width': ['case', ['boolean', ['feature-state', 'selected'], false], 3, 0.8] } },
    ];
  }
  if (name === 'wind_potential') {
    // The potential map's five score classes, low (pale) to high (deep): where potential is high, not only eligible.
    return [{ id: `${name}-fill`, type: 'fill', ...common, paint: {
      'fill-color': ['match', ['get', 'class'], 1, '#fde0c5', 2, '#facba6', 3, '#f59e72', 4, '#e0613f', 5, '#a32b1c', '#cccccc'],
      'fill-opacity': 0.8 } }];
  }
  if (info.geometry === 'polygon') {
    return [{ id: `${name}-fill`, type: 'fill', ...common, paint: { 'fill-color': colour, 'fill-opacity': 0.6, 'fill-outline-color': colour } }];
  }
  if (info.geometry === 'line') {
    return [{ id: `${name}-line`, type: 'line', ...common, paint: { 'line-color': colour, 'line-width': 1.6 } }];
  }
  return [{ id: `${name}-circle`, type: 'circle', ...common, paint: {
    'circle-color': colour, 'circle-radius': ['interpolate', ['linear'], ['zoom'], 8, 2.5, 14, 6],
    'circle-stroke-color': '#ffffff', 'circle-stroke-width': 0.8 } }];
}

function legendFor(name, info, colour) {
  if (name === 'communes') return 'Population: light < 5,000 · dark > 100,000';
  if (name === 'wind_potential') return 'Score classes 1 (pale) – 5 (deep red), latest published wind run';
  const zooms = info.minzoom > 0 ? `, from zoom ${info.minzoom}` : '';
  const run = info.run_kind ? `, latest published ${info.run_kind} run` : '';
  return `${info.geometry === 'point' ? 'Points' : info.geometry === 'line' ? 'Lines' : 'Areas'}${zooms}${run}`;
}

async function addLayers() {
  const catalog = await (await fetch('/catalog')).json();
  const list = document.getElementById('layers');
  let extra = 0;
  const names = Object.keys(catalog.tiles).sort((a, b) => (a === 'communes' ? -1 : b === 'communes' ? 1 : 0));
  for (const name of names) {
    const info = catalog.tiles[name];
    const colour = palette[name] || extraColours[extra++ % extraColours.length];
    map.addSource(name, { type: 'vector', url: `/tiles/${name}.json`, promoteId: undefined });
    // Result areas would hide the communes: only result points start visible, the rest one click away.
    const visible = onByDefault.has(name) || (info.run_kind != null && info.geometry === 'point');
    const layers = styleLayers(name, info, colour);
    for (const layer of layers) {
      layer.layout = { visibility: visible ? 'visible' : 'none' };
      map.addLayer(layer);
    }
    const item = document.createElement('li');
    const id = `toggle-${name}`;
    item.innerHTML = `<input type="checkbox" id="${id}" ${visible ? 'checked' : ''}>`
      + `<span class="swatch ${info.geometry}" style="background:${name === 'wind_potential' ? 'linear-gradient(90deg, #fde0c5, #a32b1c)' : colour}"></span>`
      + `<label for="${id}">${info.title}</label>`;
    const legend = document.createElement('li');
    legend.className = 'legend';
    legend.textContent = legendFor(name, info, colour);
    item.querySelector('input').addEventListener('change', e => {
      for (const layer of layers) map.setLayoutProperty(layer.id, 'visibility', e.target.checked ? 'visible' : 'none');
    });
    list.append(item, legend);
  }
}

async function showCommune(region, code) {
  const commune = await (await fetch(`/regions/${encodeURIComponent(region)}/communes/${encodeURIComponent(code)}`)).json();
  if (state.selected) map.setFeatureState({ source: 'communes', sourceLayer: 'communes', id: state.selected.id }, { selected: false });
  map.setFeatureState({ source: 'communes', sourceLayer: 'communes', id: commune.id }, { selected: true });
  const [w, s, e, n] = commune.bbox;
  map.fitBounds([[w, s], [e, n]], { padding: 40, duration: 0 });
  document.getElementById('figures').hidden = false;
  document.getElementById('commune-name').textContent = commune.name;
  const rows = [
    ['Canton', commune.canton ?? '–'],
    [`Population (1 Jan ${commune.populationYear ?? '–'})`, number(commune.population)],
    ['Area (km²)', number(commune.areaKm2, 2)],
    ['Density (per km²)', commune.population ? number(commune.population / commune.areaKm2) : '–'],
    ...commune.metrics.map(m => [metricLabel(m.kind, m.metric), number(m.value, /population|chargers$|points$|turbines$/.test(m.metric) ? 0 : 2)]),
  ];
  const figures = document.getElementById('commune-figures');
  figures.replaceChildren(...rows.flatMap(([k, v]) => {
    const dt = document.createElement('dt'); dt.textContent = k;
    const dd = document.createElement('dd'); dd.textContent = v;
    return [dt, dd];
  }));
  state.selected = commune;
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
      const communes = await (await fetch(`/communes?q=${encodeURIComponent(q)}`)).json();
      results.replaceChildren(...communes.slice(0, 20).map(c => {
        const li = document.createElement('li');
        li.setAttribute('role', 'option');
        li.dataset.region = c.region;
        li.dataset.code = c.code;
        li.textContent = `${c.name} (${c.region.toUpperCase()})`;
        li.addEventListener('click', () => { results.replaceChildren(); input.value = c.name; showCommune(c.region, c.code); });
        return li;
      }));
    }, 150);
  });
  input.addEventListener('keydown', e => {
    if (e.key === 'Enter' && results.firstChild) results.firstChild.click();
  });
}

map.on('click', 'communes-fill', e => {
  const f = e.features && e.features[0];
  if (f) showCommune(f.properties.region || 'lu', f.properties.code);
});

map.on('load', async () => {
  try {
    await addLayers();
    setUpSearch();
    map.once('idle', () => { state.ready = true; });
  } catch (e) {
    state.errors.push(String(e));
  }
});
