using KlimaPakt.Geo.Core.Layers;

namespace KlimaPakt.Geo.Data.Import;

/// <summary>Typed columns that some layer tables derive from the tags at import (units in the column names).</summary>
internal static class LayerTables
{
    private static readonly Dictionary<string, (string Columns, string Values)> Extras = new()
    {
        // OSM voltage is in volts, several circuits separated by ';': keep the highest, in kV.
        [InputLayer.PowerLines.Table] = (", voltage_kv",
            @", (SELECT max(v::double precision) / 1000 FROM unnest(string_to_array(tags->'voltage', ';')) v WHERE v ~ '^\s*\d+(\.\d+)?\s*$')"),
        [InputLayer.Places.Table] = (", population", @", CASE WHEN tags->'population' ~ '^\d{1,9}$' THEN (tags->'population')::int END"),
        [InputLayer.EvChargers.Table] = (", operator, capacity", @", tags->'operator', CASE WHEN tags->'capacity' ~ '^\d{1,6}$' THEN (tags->'capacity')::int END"),
        // MWh/yr given, or MW of continuous heat × 8760 h; numbers only (anything else stays in the tags).
        [InputLayer.HeatSources.Table] = (", heat_mwh_per_year",
            @", coalesce(CASE WHEN tags->'heat_mwh_per_year' ~ '^\s*\d+(\.\d+)?\s*$' THEN (tags->'heat_mwh_per_year')::double precision END, " +
            @"CASE WHEN tags->'heat_mw' ~ '^\s*\d+(\.\d+)?\s*$' THEN (tags->'heat_mw')::double precision * 8760 END)"),
        // Checked to be whole, non-negative numbers before staging (ImportService.ImportPopulationGridAsync).
        [InputLayer.PopulationCells.Table] = (", population, year",
            $", (tags->'{ImportService.PopulationTag}')::int, (tags->'{ImportService.PopulationYearTag}')::int"),
    };

    /// <summary>The extra column list and value expressions (each starting with a comma), or empty strings.</summary>
    public static (string Columns, string Values) ExtraColumns(InputLayer layer) => Extras.GetValueOrDefault(layer.Table, ("", ""));
}
