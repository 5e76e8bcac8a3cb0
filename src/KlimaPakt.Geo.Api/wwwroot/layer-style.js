// How a served layer style (/catalog, TileJSON) becomes a MapLibre colour: shared by the planners' map (map.js) and
// the reports (report.js), so both draw a layer the same way.
'use strict';

// The colour of a feature from its layer's style: one colour, a `match` on the class field, or an `interpolate`
// over the graduated stops. A layer whose run has no classes yet falls back to its single colour.
function colourExpression(style) {
  if (style.kind === 'classes' && style.classes.length > 0) {
    return ['match', ['get', style.field], ...style.classes.flatMap(c => [c.value, c.colour]), '#cccccc'];
  }
  if (style.kind === 'graduated' && style.classes.length > 0) {
    const stops = style.classes.filter((c, i, all) => i === 0 || c.value > all[i - 1].value);
    if (stops.length === 1) return stops[0].colour;
    return ['interpolate', ['linear'], ['to-number', ['coalesce', ['get', style.field], stops[0].value]], ...stops.flatMap(c => [c.value, c.colour])];
  }
  return style.colour;
}
