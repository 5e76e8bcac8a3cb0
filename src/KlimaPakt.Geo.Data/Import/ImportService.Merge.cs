using KlimaPakt.Geo.Core.Layers;
using Npgsql;

namespace KlimaPakt.Geo.Data.Import;

public sealed partial class ImportService
{
    /// <summary>
    /// Two mappings of one road are taken as the same road where the older lies within this distance of the newer: 15 m,
    /// a few times the digitising offsets between OSM snapshots of different years (and enough for a road that one
    /// snapshot maps as one line and the other as two carriageways), less than the distance to a parallel service road.
    /// </summary>
    public const double DuplicateBufferMeters = 15;

    /// <summary>
    /// Pieces of an older line shorter than this that are left outside the newer lines' buffer are dropped: 30 m (twice
    /// the buffer), the stubs a diverging junction leaves behind.
    /// </summary>
    public const double MinRemainingLengthMeters = 30;

    /// <summary>
    /// <see cref="LayerMerge.PreferNewer"/>: for every other source with rows in the layer's table and region, the source
    /// with the earlier data date (no date counts as earliest; on equal dates the earlier import) gives way: each of its
    /// lines loses the parts that lie within <see cref="DuplicateBufferMeters"/> of the newer source's lines (pieces under
    /// <see cref="MinRemainingLengthMeters"/> go too, a line with nothing left is removed) — but only lines of a class the
    /// newer source also has, so a class only the older source maps is kept whole. A road is thus counted once, in its
    /// newer mapping. Removed parts of the other source stay removed until it is imported again, when the same rule applies.
    /// </summary>
    private static async Task<PublishResult> MergeByDateAsync(NpgsqlConnection connection, InputLayer layer, RegionRow region, int sourceId,
        PublishResult published, CancellationToken ct)
    {
        var others = new List<(int Id, string Name, bool Newer)>();
        await using (var command = new NpgsqlCommand($"""
            SELECT o.id, o.source_name, (coalesce(o.data_date, ''), o.id) > (coalesce(s.data_date, ''), s.id)
            FROM import_sources o, import_sources s
            WHERE s.id = $2 AND o.id <> s.id AND EXISTS (SELECT 1 FROM {layer.Table} t WHERE t.source_id = o.id AND t.region_id = $1)
            ORDER BY o.id
            """, connection) { Parameters = { new() { Value = region.Id }, new() { Value = sourceId } } })
        await using (var reader = await command.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct)) others.Add((reader.GetInt32(0), reader.GetString(1), reader.GetBoolean(2)));

        var written = published.Written;
        foreach (var (otherId, otherName, otherIsNewer) in others)
        {
            var (older, newer, newerName) = otherIsNewer ? (sourceId, otherId, otherName) : (otherId, sourceId, (string?)null);
            await ExecuteAsync(connection, "DROP TABLE IF EXISTS merge_cut", ct);
            await ExecuteAsync(connection, $"""
                CREATE TEMP TABLE merge_cut ON COMMIT DROP AS
                SELECT id, ST_Length(geom) AS before_m,
                       (SELECT ST_Multi(ST_Collect(p.geom)) FROM ST_Dump(ST_CollectionExtract(ST_Difference(geom, cover), 2)) p
                        WHERE ST_Length(p.geom) >= $5) AS geom
                FROM (SELECT o.id, o.geom,
                             (SELECT ST_Union(ST_Buffer(n.geom, $4)) FROM {layer.Table} n
                              WHERE n.region_id = $1 AND n.source_id = $3 AND n.geom && ST_Expand(o.geom, $4)) AS cover
                      FROM {layer.Table} o
                      WHERE o.region_id = $1 AND o.source_id = $2
                        AND o.class IN (SELECT DISTINCT class FROM {layer.Table} WHERE region_id = $1 AND source_id = $3 AND class IS NOT NULL)) c
                WHERE cover IS NOT NULL
                """, ct, region.Id, older, newer, DuplicateBufferMeters, MinRemainingLengthMeters);
            var removedKm = await ScalarAsync<double>(connection, "SELECT coalesce(sum(before_m - coalesce(ST_Length(geom), 0)), 0) / 1000 FROM merge_cut", ct);
            var removed = await ExecuteAsync(connection, $"DELETE FROM {layer.Table} t USING merge_cut m WHERE t.id = m.id AND m.geom IS NULL", ct);
            var clipped = await ExecuteAsync(connection, $"""
                UPDATE {layer.Table} t SET geom = m.geom, tags = t.tags || hstore('merge', 'clipped where a newer source maps the road')
                FROM merge_cut m WHERE t.id = m.id AND m.geom IS NOT NULL AND ST_Length(m.geom) < m.before_m
                """, ct);
            if (older == sourceId) written -= removed;
            else await ExecuteAsync(connection, $"UPDATE import_sources SET features_written = (SELECT count(*) FROM {layer.Table} WHERE source_id = $1) WHERE id = $1", ct, otherId);
            var what = $"{removedKm:F1} km within {DuplicateBufferMeters} m of the same classes";
            published.Skipped.Add(newerName is not null
                ? $"the newer {newerName} already maps {what}: {removed} line(s) left out, {clipped} clipped"
                : $"this file maps {what} of the older {otherName}: {removed} of its line(s) removed, {clipped} clipped");
        }
        return published with { Written = written };
    }

    /// <summary>Tag on the rows of a land-cover classification of a raster; a land-cover file of the region replaces them.</summary>
    internal const string SpectralClassificationTag = "classification";

    /// <summary>
    /// A user's own land cover replaces a classification of a raster: when a file (or an OSM extract) brings land cover
    /// into a region, the region's rows classified from a raster are removed. Returns the report line, if any.
    /// </summary>
    private static async Task<List<string>> ReplaceSpectralLandCoverAsync(NpgsqlConnection connection, RegionRow region, int sourceId, CancellationToken ct)
    {
        var removed = await ExecuteAsync(connection, $"""
            DELETE FROM land_cover WHERE region_id = $1 AND source_id <> $2 AND tags ? '{SpectralClassificationTag}'
            """, ct, region.Id, sourceId);
        return removed == 0 ? [] : [$"{removed} land-cover area(s) classified from a raster removed: this file's land cover replaces them"];
    }
}
