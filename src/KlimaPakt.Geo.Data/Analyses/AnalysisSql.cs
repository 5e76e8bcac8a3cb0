using KlimaPakt.Geo.Core.Layers;
using KlimaPakt.Geo.Data.Runs;
using Npgsql;

namespace KlimaPakt.Geo.Data.Analyses;

/// <summary>The small SQL helpers every analysis uses to read its inputs and record their hashes.</summary>
internal static class AnalysisSql
{
    /// <summary>A command with positional parameters ($1, $2, …).</summary>
    public static NpgsqlCommand Sql(NpgsqlConnection connection, string sql, params object?[] args)
    {
        var command = new NpgsqlCommand(sql, connection);
        foreach (var a in args) command.Parameters.Add(new NpgsqlParameter { Value = a ?? DBNull.Value });
        return command;
    }

    /// <summary>The first column of the first row, or default.</summary>
    public static async Task<T?> ScalarAsync<T>(NpgsqlConnection connection, string sql, CancellationToken ct, params object?[] args)
    {
        await using var command = Sql(connection, sql, args);
        return await command.ExecuteScalarAsync(ct) is T value ? value : default;
    }

    /// <summary>Streams the rows, mapped.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1068", Justification = "The SQL's positional arguments come last, as params.")]
    public static async IAsyncEnumerable<T> Read<T>(NpgsqlConnection connection, string sql,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct, Func<NpgsqlDataReader, T> map, params object?[] args)
    {
        await using var command = Sql(connection, sql, args);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) yield return map(reader);
    }

    /// <summary>
    /// The latest population figure of every commune of the run, by commune id; a commune without one stops the run
    /// with a <see cref="Core.Errors.GeoInputException"/> naming it.
    /// </summary>
    public static async Task<Dictionary<int, int>> CommunePopulationsAsync(RunContext context, NpgsqlConnection connection, RunCommunes communes,
        CancellationToken ct)
    {
        var populations = new Dictionary<int, int>();
        await foreach (var (id, population) in Read(connection, """
            SELECT DISTINCT ON (p.commune_id) p.commune_id, p.population FROM commune_populations p JOIN communes c ON c.id = p.commune_id
            WHERE c.region_id = $1 ORDER BY p.commune_id, p.year DESC
            """, ct, r => (r.GetInt32(0), r.GetInt32(1)), context.Region.Id)) populations[id] = population;
        var without = communes.All.Where(c => !populations.ContainsKey(c.Id)).Select(c => c.Name).ToList();
        if (without.Count > 0)
            throw new Core.Errors.GeoInputException(
                $"{without.Count} commune(s) of region '{context.Region.Code}' have no population figure: import one (klimapakt import population).", without);
        return populations;
    }

    /// <summary>The region's DEM: the first registered raster whose name says elevation (name, path, SHA-256), or null.</summary>
    public static async Task<(string Name, string Path, string Sha256)?> DemAsync(NpgsqlConnection connection, int regionId, CancellationToken ct)
    {
        await foreach (var dem in Read(connection, "SELECT name, path, content_sha256 FROM rasters WHERE region_id = $1 AND name ILIKE '%elevation%' ORDER BY name LIMIT 1",
            ct, r => (r.GetString(0), r.GetString(1), r.GetString(2)), regionId))
            return dem;
        return null;
    }

    /// <summary>
    /// The region's DEM (<see cref="DemAsync"/>) read onto <paramref name="grid"/> (bilinear), its hash recorded as the
    /// run's <c>dem</c> input; null when the region has none. With <paramref name="within"/>, only the cells in its
    /// boxes are read (NaN elsewhere; see <see cref="Raster.Gdal.GeoTiff.ReadOnto"/>).
    /// </summary>
    public static async Task<(float[] Cells, string Name)?> ElevationAsync(RunContext context, NpgsqlConnection connection, Raster.GridSpec grid,
        CancellationToken ct, IReadOnlyList<(double MinX, double MinY, double MaxX, double MaxY)>? within = null)
    {
        if (await DemAsync(connection, context.Region.Id, ct) is not { } dem) return null;
        context.InputHash("dem", dem.Sha256);
        context.Log.Add($"DEM: {dem.Name}");
        return (Raster.Gdal.GeoTiff.ReadOnto(dem.Path, grid, Raster.Gdal.Resampling.Bilinear, within).Cells, dem.Name);
    }

    /// <summary>
    /// Records with the run an MD5 of each input of its region — the communes, their population or a typed layer — over
    /// the content that matters (ids in the source, class, name, tags, geometry), not the row ids, so a re-import of the
    /// same file keeps the hash.
    /// </summary>
    public static async Task HashInputsAsync(RunContext context, NpgsqlConnection connection, IEnumerable<AnalysisInput> inputs, CancellationToken ct)
    {
        foreach (var input in inputs)
        {
            var sql = input switch
            {
                // Census cells: their residents and year are columns, not tags.
                { Layer: { } cells } when cells == InputLayer.PopulationCells => """
                    SELECT md5(string_agg(source_fid || ':' || year || ':' || population || ST_AsEWKT(geom), ',' ORDER BY source_fid))
                    FROM population_cells WHERE region_id = $1
                    """,
                { Layer: { } layer } => $"""
                    SELECT md5(string_agg(source_fid || coalesce(class, '') || coalesce(name, '') || tags::text || ST_AsEWKT(geom), ',' ORDER BY source_fid))
                    FROM {layer.Table} WHERE region_id = $1
                    """,

                _ when input == AnalysisInput.Communes => "SELECT md5(string_agg(code || ST_AsEWKT(geom), ',' ORDER BY code)) FROM communes WHERE region_id = $1",
                _ when input == AnalysisInput.Population => """
                    SELECT md5(string_agg(c.code || ':' || p.year || ':' || p.population, ',' ORDER BY c.code, p.year))
                    FROM commune_populations p JOIN communes c ON c.id = p.commune_id WHERE c.region_id = $1
                    """,
                _ => throw new ArgumentException($"Unknown input '{input.Name}'.", nameof(inputs)),
            };
            context.InputHash(input.Name, await ScalarAsync<string>(connection, sql, ct, context.Region.Id) ?? "empty");
        }
    }
}
