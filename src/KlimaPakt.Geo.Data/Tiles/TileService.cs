using System.Collections.Concurrent;
using KlimaPakt.Geo.Core;
using KlimaPakt.Geo.Core.Errors;
using NetTopologySuite.Geometries;
using Npgsql;
using NpgsqlTypes;

namespace KlimaPakt.Geo.Data.Tiles;

/// <summary>Limits of the tile queries.</summary>
public sealed class TileOptions
{
    /// <summary>Statement timeout of one tile query, in seconds.</summary>
    public int StatementTimeoutSeconds { get; set; } = 10;

    /// <summary>How long the list of regions (and so the tile SQL) is kept before it is read again, in seconds.</summary>
    public int RegionRefreshSeconds { get; set; } = 60;
}

/// <summary>A rendered tile: the MVT bytes (empty when no feature touches the tile) and the runs it shows.</summary>
/// <param name="Data">MVT bytes; zero length for an empty tile.</param>
/// <param name="Runs">Run ids whose results the tile shows (run-scoped layers only).</param>
public sealed record Tile(byte[] Data, IReadOnlyList<Guid> Runs)
{
    /// <summary>Whether no feature touches the tile.</summary>
    public bool IsEmpty => Data.Length == 0;
}

/// <summary>
/// Renders vector tiles from PostGIS: one <c>ST_AsMVT</c> statement per layer (built once, see <see cref="TileSql"/>),
/// the layers of a composite tile concatenated (an MVT tile is a sequence of layers).
/// </summary>
public sealed class TileService(NpgsqlDataSource dataSource, LayerRegistry layers, RunLookup runs, TileOptions options)
{
    /// <summary>Deepest zoom any layer can serve.</summary>
    public const int MaxZoom = 24;

    private readonly ConcurrentDictionary<string, string> _sql = new();
    private volatile RegionSnapshot? _regions;

    /// <summary>Renders <paramref name="layerNames"/> at z/x/y; <paramref name="run"/> selects a run, else the latest published.</summary>
    /// <exception cref="NotFoundException">Unknown layer or run.</exception>
    /// <exception cref="GeoInputException">z/x/y out of range for a layer.</exception>
    public async Task<Tile> RenderAsync(IReadOnlyList<string> layerNames, int z, int x, int y, Guid? run, CancellationToken ct)
    {
        var selected = Resolve(layerNames);
        CheckAddress(selected, z, x, y);
        var regions = await RegionsAsync(ct);
        if (run is { } requested && selected.Any(l => l.IsRunScoped) && !await runs.IsPublishedAsync(requested, ct))
            throw new NotFoundException($"Run {requested} does not exist or is not published.");
        var usedRuns = new List<Guid>();
        var work = new List<Task<byte[]?>>();
        foreach (var layer in selected)
        {
            Guid[]? layerRuns = null;
            if (layer.IsRunScoped)
            {
                layerRuns = run is { } one ? [one] : await runs.LatestPublishedAsync(layer.RunKind!, ct);
                if (layerRuns.Length == 0) continue; // nothing published yet: the layer is empty
                usedRuns.AddRange(layerRuns);
            }
            var sql = _sql.GetOrAdd(layer.Name + "@" + regions.Version, _ => TileSql.Build(layer, regions.Regions));
            if (!sql.Contains("$1", StringComparison.Ordinal)) continue; // no region has data yet
            work.Add(RunLayerAsync(sql, z, x, y, layerRuns, ct));
        }
        // The layers of a composite tile are rendered concurrently, each on its own pooled connection (as Martin
        // does), and concatenated in the order asked for: an MVT tile is a sequence of layers.
        using var output = new MemoryStream();
        foreach (var bytes in await Task.WhenAll(work))
            if (bytes is { Length: > 0 }) output.Write(bytes);
        return new Tile(output.ToArray(), usedRuns);
    }

    private async Task<byte[]?> RunLayerAsync(string sql, int z, int x, int y, Guid[]? runIds, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = options.StatementTimeoutSeconds };
        command.Parameters.Add(new NpgsqlParameter { Value = z, NpgsqlDbType = NpgsqlDbType.Integer });
        command.Parameters.Add(new NpgsqlParameter { Value = x, NpgsqlDbType = NpgsqlDbType.Integer });
        command.Parameters.Add(new NpgsqlParameter { Value = y, NpgsqlDbType = NpgsqlDbType.Integer });
        if (runIds is not null) command.Parameters.Add(new NpgsqlParameter { Value = runIds, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
        return await command.ExecuteScalarAsync(ct) as byte[];
    }

    /// <summary>The statement a layer's tiles run (for benchmarks against raw <c>psql</c>; never shown to clients).</summary>
    public async Task<string> StatementAsync(string layerName, CancellationToken ct)
    {
        var layer = layers.Get(layerName);
        var regions = await RegionsAsync(ct);
        return _sql.GetOrAdd(layer.Name + "@" + regions.Version, _ => TileSql.Build(layer, regions.Regions));
    }

    /// <summary>The layers named, in order, each at most once.</summary>
    public IReadOnlyList<PublishedLayer> Resolve(IReadOnlyList<string> layerNames)
    {
        if (layerNames.Count == 0) throw new GeoInputException("No layer named.");
        return layerNames.Distinct(StringComparer.OrdinalIgnoreCase).Select(layers.Get).ToList();
    }

    /// <summary>Checks z/x/y against the tile pyramid and the layers' zoom range.</summary>
    /// <exception cref="GeoInputException">Out of range.</exception>
    public static void CheckAddress(IReadOnlyList<PublishedLayer> selected, int z, int x, int y)
    {
        if (z < 0 || z > MaxZoom) throw new GeoInputException($"Zoom {z} is out of range (0–{MaxZoom}).");
        var size = 1L << z;
        if (x < 0 || x >= size || y < 0 || y >= size)
            throw new GeoInputException($"Tile {z}/{x}/{y} does not exist: x and y must be in 0–{size - 1} at zoom {z}.");
        foreach (var layer in selected)
            if (z < layer.MinZoom || z > layer.MaxZoom)
                throw new GeoInputException($"Layer '{layer.Name}' is served at zooms {layer.MinZoom}–{layer.MaxZoom}, not {z}.");
    }

    /// <summary>The regions with their extents, read again after <see cref="TileOptions.RegionRefreshSeconds"/> or <see cref="InvalidateRegions"/>.</summary>
    public async Task<IReadOnlyList<TileRegion>> GetRegionsAsync(CancellationToken ct) => (await RegionsAsync(ct)).Regions;

    /// <summary>Forgets the cached regions (after an import added a region or changed its communes).</summary>
    public void InvalidateRegions() => _regions = null;

    private async Task<RegionSnapshot> RegionsAsync(CancellationToken ct)
    {
        var current = _regions;
        if (current is not null && DateTime.UtcNow - current.ReadAt < TimeSpan.FromSeconds(options.RegionRefreshSeconds)) return current;
        const string sql = """
            SELECT r.id, r.code, r.srid,
                   ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)
            FROM regions r
            LEFT JOIN LATERAL (
                SELECT ST_Expand(ST_Transform(ST_SetSRID(ST_Extent(c.geom)::geometry, r.srid), 3857), 50000) AS e
                FROM communes c WHERE c.region_id = r.id
            ) x ON true
            ORDER BY r.id
            """;
        var list = new List<TileRegion>();
        await using (var command = dataSource.CreateCommand(sql))
        await using (var reader = await command.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct))
            {
                Envelope? extent = reader.IsDBNull(3) ? null : new Envelope(reader.GetDouble(3), reader.GetDouble(5), reader.GetDouble(4), reader.GetDouble(6));
                list.Add(new TileRegion(reader.GetInt32(0), reader.GetString(1), reader.GetInt32(2), extent));
            }
        // The statement text depends on the regions: a new version only when they changed.
        var version = string.Join(";", list.Select(r => FormattableString.Invariant($"{r.Id}:{r.Srid}:{r.MercatorExtent}")));
        var snapshot = new RegionSnapshot(list, version, DateTime.UtcNow);
        _regions = snapshot;
        return snapshot;
    }

    private sealed record RegionSnapshot(IReadOnlyList<TileRegion> Regions, string Version, DateTime ReadAt);
}

/// <summary>Finds runs: the latest published one of a kind, or whether an id exists.</summary>
public sealed class RunLookup(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// The runs a layer of <paramref name="kind"/> shows by default: the latest published run of the kind in each region
    /// (so a Liechtenstein run does not hide Luxembourg's), by region id; empty when none is published.
    /// </summary>
    public async Task<Guid[]> LatestPublishedAsync(string kind, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT DISTINCT ON (region_id) id FROM analysis_runs WHERE kind = $1 AND status = 'Published'
            ORDER BY region_id, published_at DESC NULLS LAST
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = kind });
        var ids = new List<Guid>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) ids.Add(reader.GetGuid(0));
        return [.. ids];
    }

    /// <summary>Whether run <paramref name="id"/> exists and is published.</summary>
    public async Task<bool> IsPublishedAsync(Guid id, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("SELECT EXISTS (SELECT 1 FROM analysis_runs WHERE id = $1 AND status = 'Published')");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        return await command.ExecuteScalarAsync(ct) is true;
    }
}
