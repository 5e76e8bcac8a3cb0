// The maps of a commune or group report (GET /reports/…, klimapakt report). Everything comes from the page's
// #report-config: per analysis section its result layer, the served style (colourExpression, layer-style.js) and
// the tile URL — the service's /tiles when served, or tiles embedded in the page (embedded://) when written to a
// file. window.klimapaktReport: ready once every map is idle, errors lists what failed.
'use strict';

const report = window.klimapaktReport = { ready: false, errors: [], maps: {} };
const config = JSON.parse(document.getElementById('report-config').textContent);

function reportError(message) {
  report.errors.push(message);
  const box = document.getElementById('errors');
  const p = document.createElement('p');
  p.textContent = message;
  box.append(p);
  box.hidden = false;
}
window.addEventListener('error', e => reportError(`Script error: ${e.message}`));

if (config.embedded) {
  // Embedded tiles: embedded://KIND/z/x/y answers the tile's bytes (an empty tile where nothing was there).
  maplibregl.addProtocol('embedded', async params => {
    const [kind, z, x, y] = params.url.slice('embedded://'.length).split('/');
    const b64 = config.embedded[kind]?.[`${z}/${x}/${y}`];
    if (!b64) return { data: new ArrayBuffer(0) };
    const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
    return { data: bytes.buffer };
  });
}

function layersOf(section) {
  const m = section.map;
  const common = { source: 'results', 'source-layer': m.layer };
  const colour = colourExpression(m.style);
  const members = ['in', ['get', 'code'], ['literal', config.communes]];
  const layers = [{ id: 'background', type: 'background', paint: { 'background-color': '#eef2f0' } }];
  if (m.geometry === 'polygon') layers.push({ id: 'result', type: 'fill', ...common, paint: { 'fill-color': colour, 'fill-opacity': Math.max(m.style.opacity, 0.7) } });
  else if (m.geometry === 'line') layers.push({ id: 'result', type: 'line', ...common, paint: { 'line-color': colour, 'line-width': 1.6 } });
  else layers.push({ id: 'result', type: 'circle', ...common, paint: { 'circle-color': colour, 'circle-radius': 4, 'circle-stroke-color': '#fff', 'circle-stroke-width': 0.8 } });
  // Outside the report's communes: greyed; its communes: outlined.
  layers.push({ id: 'outside', type: 'fill', source: 'results', 'source-layer': config.communesLayer, filter: ['!', members],
    paint: { 'fill-color': '#ffffff', 'fill-opacity': 0.65 } });
  layers.push({ id: 'outline', type: 'line', source: 'results', 'source-layer': config.communesLayer, filter: members,
    paint: { 'line-color': '#1f2a24', 'line-width': 2 } });
  return layers;
}

const pending = new Set();
for (const section of config.sections) {
  const m = section.map;
  pending.add(section.kind);
  const map = new maplibregl.Map({
    container: `map-${section.kind}`,
    // Tile URLs must be absolute: MapLibre fetches them in its workers.
    style: { version: 8, sources: { results: { type: 'vector', tiles: [config.embedded ? m.tiles : location.origin + m.tiles], minzoom: m.minzoom, maxzoom: m.maxzoom, attribution: section.attribution } },
      layers: layersOf(section) },
    bounds: [[config.bbox[0], config.bbox[1]], [config.bbox[2], config.bbox[3]]],
    fitBoundsOptions: { padding: 24 },
    minZoom: config.embedded ? m.minzoom : 0,
    interactive: !config.embedded,
    attributionControl: { compact: false },
    canvasContextAttributes: { preserveDrawingBuffer: true },
  });
  report.maps[section.kind] = map;
  map.on('error', e => reportError(`Map of ${section.title}: ${e.error ? e.error.message || e.error : 'error'}`));
  map.once('idle', () => {
    pending.delete(section.kind);
    if (pending.size === 0) report.ready = true;
  });
}
if (pending.size === 0) report.ready = true;
