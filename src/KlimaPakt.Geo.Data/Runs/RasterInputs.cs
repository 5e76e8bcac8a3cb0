using System.Security.Cryptography;
using KlimaPakt.Geo.Core.Errors;
using KlimaPakt.Geo.Data.Analyses;
using KlimaPakt.Geo.Raster.Gdal;
using Npgsql;

namespace KlimaPakt.Geo.Data.Runs;

/// <summary>
/// Resolves the rasters a run's parameters name, once, when the run is created: only rasters registered in the database
/// (<c>klimapakt import raster</c>) by name, never a server path — a client cannot make the service open a file of its
/// choosing, nor learn which files exist. Checked: still readable, EPSG-coded, covering the communes run; the path and
/// content hash are stored with the run (the path is never shown to clients).
/// </summary>
internal static class RasterInputs
{
    /// <summary>Path and SHA-256 of the registered raster <paramref name="name"/> given for <paramref name="parameter"/>.</summary>
    public static async Task<(string Path, string Sha256)> ResolveAsync(NpgsqlDataSource dataSource, int regionId, string regionCode,
        IReadOnlyList<string>? communes, RasterParameter parameter, string name, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        string? path = null, sha = null;
        await using (var command = new NpgsqlCommand("SELECT path, content_sha256 FROM rasters WHERE name = $1", connection))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = name });
            await using var reader = await command.ExecuteReaderAsync(ct);
            if (await reader.ReadAsync(ct)) (path, sha) = (reader.GetString(0), reader.GetString(1));
        }
        var shown = Shown(name);
        if (path is null || sha is null)
            throw new NotFoundException($"Unknown {parameter.Label} '{shown}': runs read registered rasters only, by name " +
                "(register a GeoTIFF with klimapakt import raster; its name is the file name without .tif unless --name gives one).");
        RasterInfo info;
        try { info = GeoTiff.ReadInfo(path); }
        catch (RasterFileException e) { throw new GeoInputException($"{Capitalised(parameter.Label)} '{shown}' is registered but can no longer be read on the server; register it again.", inner: e); }
        var grid = info.Grid;
        if (grid.Srid <= 0) throw new GeoInputException($"{Capitalised(parameter.Label)} '{shown}' has no EPSG-coded CRS.");
        var coverage = await Import.RasterRegistry.CoverageAsync(connection, grid, regionId, communes, ct) ?? 0;
        if (coverage < parameter.MinRegionCoverage)
            throw new GeoInputException($"{Capitalised(parameter.Label)} '{shown}' covers {coverage:P1} of region '{regionCode}'{(communes is null ? "" : " (communes run)")}, " +
                $"less than the {parameter.MinRegionCoverage:P0} required.");
        return (Path.GetFullPath(path), sha);
    }

    /// <summary>A client's text as echoed in a message: at most 80 characters.</summary>
    internal static string Shown(string s) => s.Length > 80 ? s[..80] + "…" : s;

    private static string Capitalised(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];
}
