using System.Security.Cryptography;
using KlimaPakt.Geo.Core.Errors;
using KlimaPakt.Geo.Data.Analyses;
using KlimaPakt.Geo.Raster.Gdal;
using Npgsql;

namespace KlimaPakt.Geo.Data.Runs;

/// <summary>
/// Resolves the rasters a run's parameters name — a registered raster by name, else a GeoTIFF path — once, when the
/// run is created: readable, EPSG-coded, covering the communes run; the path and content hash are stored with the run.
/// </summary>
internal static class RasterInputs
{
    /// <summary>Path and SHA-256 of the raster <paramref name="nameOrPath"/> given for <paramref name="parameter"/>.</summary>
    public static async Task<(string Path, string Sha256)> ResolveAsync(NpgsqlDataSource dataSource, int regionId, string regionCode,
        IReadOnlyList<string>? communes, RasterParameter parameter, string nameOrPath, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        string? path = null, sha = null;
        await using (var command = new NpgsqlCommand("SELECT path, content_sha256 FROM rasters WHERE name = $1", connection))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = nameOrPath });
            await using var reader = await command.ExecuteReaderAsync(ct);
            if (await reader.ReadAsync(ct)) (path, sha) = (reader.GetString(0), reader.GetString(1));
        }
        if (path is null)
        {
            if (!File.Exists(nameOrPath))
                throw new NotFoundException($"Unknown {parameter.Label} '{nameOrPath}': neither a registered raster (klimapakt import raster) nor a file.");
            path = nameOrPath;
        }
        RasterInfo info;
        try { info = GeoTiff.ReadInfo(path); }
        catch (RasterFileException e) { throw new GeoInputException($"{Capitalised(parameter.Label)} '{nameOrPath}' is not a readable GeoTIFF ({e.Message}).", inner: e); }
        var grid = info.Grid;
        if (grid.Srid <= 0) throw new GeoInputException($"{Capitalised(parameter.Label)} '{nameOrPath}' has no EPSG-coded CRS.");
        if (sha is null)
        {
            await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
            sha = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, ct));
        }
        var coverage = await Import.RasterRegistry.CoverageAsync(connection, grid, regionId, communes, ct) ?? 0;
        if (coverage < parameter.MinRegionCoverage)
            throw new GeoInputException($"{Capitalised(parameter.Label)} '{nameOrPath}' covers {coverage:P1} of region '{regionCode}'{(communes is null ? "" : " (communes run)")}, " +
                $"less than the {parameter.MinRegionCoverage:P0} required.");
        return (Path.GetFullPath(path), sha);
    }

    private static string Capitalised(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];
}
