using System.Text;
using KlimaPakt.Geo.Core;
using KlimaPakt.Geo.Core.Projections;
using KlimaPakt.Geo.Data.Tiles;
using NetTopologySuite.Geometries;
using Npgsql;

namespace KlimaPakt.Geo.Data.Features;

/// <summary>What an items request asks for (OGC API - Features Part 1, plus region/commune/run filters).</summary>
public sealed record FeatureQuery
{
    /// <summary>Bounding box in CRS84 (lon/lat); features intersecting it are returned.</summary>
    public Envelope? Bbox { get; init; }

    /// <summary>Most features returned.</summary>
    public int Limit { get; init; } = 100;

    /// <summary>Features skipped (paging by <c>next</c> links).</summary>
    public int Offset { get; init; }

    /// <summary>Equality filters on the layer's filterable fields (field name → value).</summary>
    public IReadOnlyDictionary<string, string> Properties { get; init; } = new Dictionary<string, string>();

    /// <summary>Only features of this region (code).</summary>
    public string? Region { get; init; }

    /// <summary>Only features intersecting this commune (code); for the communes layer, that commune.</summary>
    public string? Commune { get; init; }

    /// <summary>Run whose results to read (run-scoped layers); null for the latest published.</summary>
    public Guid? Run { get; init; }
}

/// <summary>A page of GeoJSON features, each already serialised as one RFC 7946 Feature object.</summary>
/// <param name="Features">Feature objects as JSON text.</param>
/// <param name="HasMore">Whether features follow this page.</param>
public sealed record FeaturePage(IReadOnlyList<string> Features, bool HasMore);

/// <summary>
/// GeoJSON features straight from PostGIS for any <see cref="PublishedLayer"/>: PostGIS writes each Feature with
/// <c>ST_AsGeoJSON(ST_ForcePolygonCCW(ST_Transform(geom, 4326)), 7, 0)</c> — WGS 84 lon/lat, exterior rings
/// counter-clockwise (RFC 7946 right-hand rule), at most 7 decimals, no <c>crs</c> member — so no geometry passes
/// through .NET. The SQL is assembled from the layer description with every value bound as a parameter.
/// </summary>
public sealed class FeatureQueries(NpgsqlDataSource dataSource, RunLookup runs)
{
    /// <summary>Decimals of GeoJSON coordinates (1e-7° ≈ 1 cm).</summary>
    public const int Decimals = 7;

    /// <summary>
    /// Least widening, in metres, of a bbox's region-CRS envelope before the index test: a straight feature edge in the
    /// region CRS and the same edge drawn straight in lon/lat (as <c>ST_Transform</c> leaves it for the exact test) part
    /// by up to L²·tan φ/(8R) (about 115 m for a 70 km edge at 50° N, under 1 km up to 200 km); wider boxes get 1 % of
    /// their size instead.
    /// </summary>
    public const double BboxMarginMeters = 1000;

    /// <summary>Reads a page of features.</summary>
    public async Task<FeaturePage> QueryAsync(PublishedLayer layer, FeatureQuery query, CancellationToken ct)
    {
        if (await ItemsCommandAsync(layer, query, ct) is not var (sql, parameters)) return new FeaturePage([], false);
        var features = new List<string>();
        await using var command = dataSource.CreateCommand(sql);
        foreach (var p in parameters) command.Parameters.Add(new NpgsqlParameter { Value = p });
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) features.Add(reader.GetString(0));
        var hasMore = features.Count > query.Limit;
        if (hasMore) features.RemoveAt(features.Count - 1);
        return new FeaturePage(features, hasMore);
    }

    /// <summary>
    /// The SQL (and its positional parameters) of a page request, or null when a run-scoped layer has no run to read.
    /// A bbox becomes, per region CRS, <c>t.geom &amp;&amp; envelope</c> with the envelope transformed in process
    /// (<see cref="RegionProjection.EnvelopeOfLonLatBox"/> of the bbox clipped to <see cref="RegionProjection.ValidLonLat"/>,
    /// widened by <see cref="BboxMarginMeters"/>), so the layer's GiST index on <c>geom</c> is used, and then the exact
    /// <c>ST_Intersects(ST_Transform(t.geom, 4326), bbox)</c>, so the rows are those of the exact test alone (assuming,
    /// as the clip does, that no feature lies more than a degree outside its CRS's area of use). Regions in a CRS
    /// ProjNet is not given here are selected by region id and the exact test alone.
    /// </summary>
    /// <param name="layer">Layer to read.</param>
    /// <param name="query">The request.</param>
    /// <param name="ct">Cancellation.</param>
    public async Task<(string Sql, IReadOnlyList<object> Parameters)?> ItemsCommandAsync(PublishedLayer layer, FeatureQuery query, CancellationToken ct)
    {
        var where = new List<string>();
        var parameters = new List<object>();
        string Bind(object value) { parameters.Add(value); return "$" + parameters.Count; }

        if (query.Region is not null) where.Add($"r.code = {Bind(query.Region)}");
        if (await RunFilterAsync(layer, query.Run, ct) is { } run) where.Add($"t.run_id = ANY({Bind(run)})");
        else if (layer.IsRunScoped) return null;
        if (query.Bbox is { } b)
        {
            var branches = new List<string>();
            foreach (var (srid, regionIds) in await RegionsBySridAsync(ct))
            {
                if (!RegionProjection.TryGet(srid, out var projection))
                {
                    branches.Add($"t.region_id = ANY({Bind(regionIds)})");
                    continue;
                }
                // Clipped to where the projection is valid (the CRS's area of use and a degree around it): a region's
                // features lie there, and outside it a transverse or oblique projection diverges.
                var inArea = b.Intersection(projection.ValidLonLat);
                if (inArea.IsNull || projection.EnvelopeOfLonLatBox(inArea, 0) is not { } e) continue;
                e.ExpandBy(Math.Max(BboxMarginMeters, 0.01 * Math.Max(e.Width, e.Height)));
                // No r.srid guard: conditions on t alone are what the planner turns into index scans (one per CRS,
                // OR-ed); a row of another CRS whose box happens to overlap is dropped by the exact test below.
                branches.Add($"t.geom && ST_MakeEnvelope({Bind(e.MinX)}, {Bind(e.MinY)}, {Bind(e.MaxX)}, {Bind(e.MaxY)}, {srid})");
            }
            where.Add(branches.Count > 0 ? $"({string.Join(" OR ", branches)})" : "false");
            where.Add($"ST_Intersects(ST_Transform(t.geom, {Srid.Wgs84}), ST_MakeEnvelope({Bind(b.MinX)}, {Bind(b.MinY)}, {Bind(b.MaxX)}, {Bind(b.MaxY)}, {Srid.Wgs84}))");
        }
        foreach (var (name, value) in query.Properties)
        {
            var field = layer.FilterableFields.First(f => f.Name == name);
            where.Add($"({field.Sql})::text = {Bind(value)}");
        }
        if (query.Commune is not null)
            where.Add(layer.Name == LayerRegistry.CommunesLayer
                ? $"t.code = {Bind(query.Commune)}"
                : $"EXISTS (SELECT 1 FROM communes c WHERE c.region_id = t.region_id AND c.code = {Bind(query.Commune)} AND ST_Intersects(c.geom, t.geom))");

        var sql = new StringBuilder(FeatureSelect(layer));
        if (where.Count > 0) sql.Append(" WHERE ").AppendJoin(" AND ", where);
        sql.Append($" ORDER BY t.id LIMIT {Bind((long)query.Limit + 1)} OFFSET {Bind((long)query.Offset)}");
        return (sql.ToString(), parameters);
    }

    /// <summary>One feature by id, or null.</summary>
    public async Task<string?> GetAsync(PublishedLayer layer, long id, Guid? run, CancellationToken ct)
    {
        var sql = FeatureSelect(layer) + " WHERE t.id = $1";
        var resolved = await RunFilterAsync(layer, run, ct);
        if (layer.IsRunScoped)
        {
            if (resolved is null) return null;
            sql += " AND t.run_id = ANY($2)";
        }
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        if (resolved is { } r) command.Parameters.Add(new NpgsqlParameter { Value = r });
        return await command.ExecuteScalarAsync(ct) as string;
    }

    /// <summary>Extent of the layer's features in CRS84, or null when it has none.</summary>
    public async Task<Envelope?> ExtentAsync(PublishedLayer layer, CancellationToken ct)
    {
        // Aggregate per SRID first (boxes in each region's CRS), then transform the few boxes.
        var sql = $"""
            SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM (
              SELECT ST_Extent(ST_Transform(ST_SetSRID(x.b::geometry, x.srid), {Srid.Wgs84})) AS e FROM (
                SELECT r.srid, ST_Extent(t.geom) AS b FROM {layer.Relation} AS t JOIN regions r ON r.id = t.region_id GROUP BY r.srid
              ) x
            ) y WHERE e IS NOT NULL
            """;
        await using var command = dataSource.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        return new Envelope(reader.GetDouble(0), reader.GetDouble(2), reader.GetDouble(1), reader.GetDouble(3));
    }

    /// <summary>The SELECT producing one Feature JSON per row, over <c>{relation} AS t JOIN regions r</c>.</summary>
    public static string FeatureSelect(PublishedLayer layer)
    {
        var pairs = layer.Fields.Select(f => $"'{f.Name}', {f.Sql}").ToList();
        if (layer.IsRunScoped) pairs.Add("'run_id', t.run_id");
        if (layer.Fields.All(f => f.Name != "region")) pairs.Add("'region', r.code");
        // PostgreSQL functions take at most 100 arguments: a layer of more than 50 fields (the group figures of every
        // analysis) joins objects of 50 pairs as jsonb (whose key order is its own); the others keep their field order.
        var properties = pairs.Count <= 50
            ? $"json_build_object({string.Join(", ", pairs)})"
            : "(" + string.Join(" || ", pairs.Chunk(50).Select(c => $"jsonb_build_object({string.Join(", ", c)})")) + ")::json";
        return $"""
            SELECT json_build_object('type', 'Feature', 'id', t.id,
              'geometry', ST_AsGeoJSON(ST_ForcePolygonCCW(ST_Transform(t.geom, {Srid.Wgs84})), {Decimals}, 0)::json,
              'properties', {properties})::text
            FROM {layer.Relation} AS t JOIN regions r ON r.id = t.region_id
            """;
    }

    /// <summary>The regions' ids per CRS their geometries are stored in (a handful of rows: read per request, never stale).</summary>
    private async Task<List<(int Srid, int[] RegionIds)>> RegionsBySridAsync(CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("SELECT srid, array_agg(id ORDER BY id) FROM regions GROUP BY srid ORDER BY srid");
        await using var reader = await command.ExecuteReaderAsync(ct);
        var result = new List<(int, int[])>();
        while (await reader.ReadAsync(ct)) result.Add((reader.GetInt32(0), reader.GetFieldValue<int[]>(1)));
        return result;
    }

    /// <summary>The runs a run-scoped layer's features come from: the one asked for, else each region's latest published; null when none.</summary>
    private async Task<Guid[]?> RunFilterAsync(PublishedLayer layer, Guid? run, CancellationToken ct) =>
        !layer.IsRunScoped ? null : run is { } one ? [one] : await runs.LatestPublishedAsync(layer.RunKind!, ct) is { Length: > 0 } latest ? latest : null;
}
