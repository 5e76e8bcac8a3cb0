using System.Diagnostics;
using System.Globalization;
using System.Text;
using KlimaPakt.Geo.Core.Errors;
using KlimaPakt.Geo.Data.Analyses;
using KlimaPakt.Geo.Data.Entities;
using Npgsql;

namespace KlimaPakt.Geo.Data.Exports;

/// <summary>An export of a run that is not (or no longer) published: the API answers 409, the CLI exits with 2.</summary>
public sealed class RunNotPublishedException(string message) : GeoInputException(message)
{
    /// <inheritdoc />
    public override int StatusCode => 409;

    /// <inheritdoc />
    public override string Title => "Run not published";
}

/// <summary>What an export wrote.</summary>
/// <param name="GeoPackage">The GeoPackage with every result table of the run.</param>
/// <param name="FeatureCounts">Rows written per GeoPackage layer (result table name, and <c>commune_metrics</c>).</param>
/// <param name="Rasters">The run's rasters as Cloud-Optimised GeoTIFFs.</param>
/// <param name="CommuneCsv">The per-commune figures, one row per commune, one column per figure.</param>
public sealed record RunExport(string GeoPackage, IReadOnlyDictionary<string, long> FeatureCounts, IReadOnlyList<string> Rasters, string CommuneCsv);

/// <summary>
/// Hands a published run over as files: one GeoPackage (<c>{kind}_{run}.gpkg</c>) with every result table of the run and
/// its per-commune figures, the run's rasters as Cloud-Optimised GeoTIFFs, and the figures as CSV. The GeoPackage is
/// written by GDAL's own <c>ogr2ogr</c> reading PostGIS (one <c>-sql</c> layer per table, filtered on the run): GDAL
/// maps the PostgreSQL types, writes the SRS, the spatial index and the GeoPackage metadata that QGIS and
/// <c>ogrinfo</c> read; doing the same through GDAL's C API (as the raster code does for GeoTIFF) would need the whole
/// OGR binding for no gain. The rasters go through <c>gdal_translate -of COG</c> likewise.
/// </summary>
/// <param name="dataSource">The database.</param>
/// <param name="connectionString">Its connection string with the password (a data source's own string drops it).</param>
public sealed class RunExporter(NpgsqlDataSource dataSource, string connectionString)
{
    /// <summary>Exports run <paramref name="runId"/> into <paramref name="directory"/> (created when missing).</summary>
    /// <exception cref="NotFoundException">No such run.</exception>
    /// <exception cref="RunNotPublishedException">The run is not published.</exception>
    public async Task<RunExport> ExportAsync(Guid runId, string directory, CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        string kind, status;
        int srid;
        await using (var command = new NpgsqlCommand("SELECT r.kind, r.status, g.srid FROM analysis_runs r JOIN regions g ON g.id = r.region_id WHERE r.id = $1", connection))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = runId });
            await using var reader = await command.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct)) throw new NotFoundException($"Unknown run {runId}.");
            (kind, status, srid) = (reader.GetString(0), reader.GetString(1), reader.GetInt32(2));
        }
        if (status != nameof(RunStatus.Published))
            throw new RunNotPublishedException($"Run {runId} is {status.ToLowerInvariant()}, not published: only published runs are exported.");
        var description = AnalysisServices.Find(kind) ?? throw new NotFoundException($"Run {runId} is of unknown kind '{kind}'.");
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new GeoInputException($"{directory}: cannot create the export folder ({e.Message}).", inner: e);
        }

        var gpkg = Path.Combine(directory, $"{kind}_{runId:N}.gpkg");
        File.Delete(gpkg);
        var counts = new Dictionary<string, long>();
        var first = true;
        var layers = description.Tables.Select(t => (t.Name, Sql: $"SELECT * FROM {t.QualifiedName} WHERE run_id = '{runId}'", Spatial: true)).ToList();
        layers.Add(("commune_metrics", $"""
            SELECT c.code AS commune_code, c.name AS commune, m.metric, m.value FROM results.commune_metrics m
            JOIN communes c ON c.id = m.commune_id WHERE m.run_id = '{runId}' ORDER BY c.code, m.metric
            """, false));
        foreach (var (name, sql, spatial) in layers)
        {
            List<string> args = ["-f", "GPKG", gpkg, PgSource(), "-sql", sql, "-nln", name];
            if (spatial) args.AddRange(["-a_srs", $"EPSG:{srid}", "-nlt", "PROMOTE_TO_MULTI"]);
            if (!first) args.Add("-update");
            await GdalAsync("ogr2ogr", args, ct);
            first = false;
            await using var count = new NpgsqlCommand($"SELECT count(*) FROM ({sql}) q", connection);
            counts[name] = (long)(await count.ExecuteScalarAsync(ct))!;
        }

        var rasters = new List<string>();
        await using (var command = new NpgsqlCommand("SELECT name, path FROM rasters WHERE name LIKE $1 ORDER BY name", connection))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = $"{kind}_{runId:N}_%" });
            var found = new List<(string, string)>();
            await using (var reader = await command.ExecuteReaderAsync(ct))
                while (await reader.ReadAsync(ct)) found.Add((reader.GetString(0), reader.GetString(1)));
            foreach (var (name, path) in found)
            {
                var cog = Path.Combine(directory, name + ".cog.tif");
                await GdalAsync("gdal_translate", ["-q", "-of", "COG", "-co", "COMPRESS=DEFLATE", path, cog], ct);
                rasters.Add(cog);
            }
        }

        var csv = Path.Combine(directory, $"{kind}_{runId:N}_communes.csv");
        await File.WriteAllTextAsync(csv, await CommuneCsvAsync(connection, runId, description, ct), ct);
        return new RunExport(gpkg, counts, rasters, csv);
    }

    /// <summary>One row per commune of the run (code, name), one column per described figure, in the description's order.</summary>
    private static async Task<string> CommuneCsvAsync(NpgsqlConnection connection, Guid runId, AnalysisDescription description, CancellationToken ct)
    {
        var rows = new SortedDictionary<string, (string Name, Dictionary<string, double> Values)>(StringComparer.Ordinal);
        await using (var command = new NpgsqlCommand("""
            SELECT c.code, c.name, m.metric, m.value FROM results.commune_metrics m JOIN communes c ON c.id = m.commune_id WHERE m.run_id = $1
            """, connection))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = runId });
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var code = reader.GetString(0);
                if (!rows.TryGetValue(code, out var row)) rows[code] = row = (reader.GetString(1), []);
                row.Values[reader.GetString(2)] = reader.GetDouble(3);
            }
        }
        var metrics = description.Figures.Select(f => f.Metric).Where(m => rows.Values.Any(r => r.Values.ContainsKey(m))).ToList();
        static string Q(string s) => s.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : s;
        var sb = new StringBuilder().AppendJoin(',', ["commune_code", "commune", .. metrics]).Append("\r\n");
        foreach (var (code, (name, values)) in rows)
            sb.AppendJoin(',', [Q(code), Q(name), .. metrics.Select(m => values.TryGetValue(m, out var v) ? v.ToString("R", CultureInfo.InvariantCulture) : "")]).Append("\r\n");
        return sb.ToString();
    }

    /// <summary>The database as a GDAL PostgreSQL source (the password travels in PGPASSWORD, not on the command line).</summary>
    private string PgSource()
    {
        var b = new NpgsqlConnectionStringBuilder(connectionString);
        return $"PG:host='{b.Host}' port={b.Port} dbname='{b.Database}' user='{b.Username}'";
    }

    private async Task GdalAsync(string tool, IReadOnlyList<string> args, CancellationToken ct)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in args) start.ArgumentList.Add(a);
        if (new NpgsqlConnectionStringBuilder(connectionString).Password is { Length: > 0 } password) start.Environment["PGPASSWORD"] = password;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{tool} did not start.");
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.StandardOutput.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0) throw new InvalidOperationException($"{tool} failed with exit code {process.ExitCode}: {await stderr}");
    }
}
