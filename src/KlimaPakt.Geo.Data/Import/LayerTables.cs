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
        // Checked to be whole, non-negative numbers before staging (ImportService.ImportPopulationGridAsync).
        [InputLayer.PopulationCells.Table] = (", population, year",
            $", (tags->'{ImportService.PopulationTag}')::int, (tags->'{ImportService.PopulationYearTag}')::int"),
    };

    /// <summary>The extra column list and value expressions (each starting with a comma), or empty strings.</summary>
    public static (string Columns, string Values) ExtraColumns(InputLayer layer) => Extras.GetValueOrDefault(layer.Table, ("", ""));
}
