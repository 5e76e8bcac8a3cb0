using KlimaPakt.Geo.Core.Layers;
using Npgsql;

namespace KlimaPakt.Geo.Data.Import;

/// <summary>One source of rows in one table of a region, with the provenance its import declared.</summary>
/// <param name="Table">Table the rows are in (a layer table, <c>communes</c> or <c>commune_populations</c>).</param>
/// <param name="SourceName">File name (or a derived source's name, e.g. <c>sentinel2-ndvi-30arcsec</c>).</param>
/// <param name="Rows">Rows of this source in the table and region.</param>
/// <param name="Licence">Declared licence, if any.</param>
/// <param name="Attribution">Declared attribution, if any.</param>
/// <param name="DataDate">Declared data date (ISO 8601 prefix), if any.</param>
/// <param name="Coverage">Declared coverage of the region, in words, if any.</param>
public sealed record LayerSource(string Table, string SourceName, long Rows, string? Licence, string? Attribution, string? DataDate, string? Coverage);

public sealed partial class ImportService
{
    /// <summary>
    /// What each table of a region rests on: per table (every typed layer, the communes and their populations) the
    /// sources that have rows in it, with their row counts and declared provenance, ordered by table and data date.
    /// A table without rows has no entry. For a run's log, its summary and the map's legend.
    /// </summary>
    /// <param name="regionCode">Region code.</param>
    /// <param name="ct">Cancellation.</param>
    public async Task<IReadOnlyList<LayerSource>> LayerSourcesAsync(string regionCode, CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var region = await RegionAsync(connection, regionCode, ct);
        var perTable = InputLayer.All.Select(l => $"SELECT '{l.Table}' AS tbl, source_id, count(*) AS n FROM {l.Table} WHERE region_id = $1 GROUP BY source_id")
            .Append("SELECT 'communes', source_id, count(*) FROM communes WHERE region_id = $1 AND source_id IS NOT NULL GROUP BY source_id")
            .Append("""
                SELECT 'commune_populations', p.source_id, count(*) FROM commune_populations p JOIN communes c ON c.id = p.commune_id
                WHERE c.region_id = $1 AND p.source_id IS NOT NULL GROUP BY p.source_id
                """);
        await using var command = new NpgsqlCommand($"""
            SELECT t.tbl, s.source_name, t.n, s.licence, s.attribution, s.data_date, s.coverage
            FROM ({string.Join("\nUNION ALL ", perTable)}) t JOIN import_sources s ON s.id = t.source_id
            ORDER BY t.tbl, s.data_date NULLS FIRST, s.source_name
            """, connection) { Parameters = { new() { Value = region.Id } } };
        await using var reader = await command.ExecuteReaderAsync(ct);
        var result = new List<LayerSource>();
        string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
        while (await reader.ReadAsync(ct))
            result.Add(new LayerSource(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), Text(3), Text(4), Text(5), Text(6)));
        return result;
    }
}
