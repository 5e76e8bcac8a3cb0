using System.Diagnostics;
using KlimaPakt.Geo.Core.Errors;
using KlimaPakt.Geo.Raster;
using KlimaPakt.Geo.Raster.Gdal;
using Npgsql;

namespace KlimaPakt.Geo.Data.Import;

/// <summary>
/// Registers GeoTIFFs: reads grid, CRS and NoData with GDAL, hashes the bytes (the input hash runs record) and,
/// for a region, checks in PostGIS that the raster's footprint covers the region's communes.
/// </summary>
public sealed class RasterRegistry(NpgsqlDataSource dataSource)
{
    /// <summary>Registers (or re-registers, by name) one raster.</summary>
    public async Task<ImportReport> RegisterAsync(RasterRegistrationRequest request, CancellationToken ct = default)
    {
        var stopwatch = Stopwatch.StartNew();
        Readers.FileChecks.RequireNonEmpty(request.Path);
        RasterInfo info;
        try { info = GeoTiff.ReadInfo(request.Path); }
        catch (RasterFileException e) { throw new GeoInputException($"{request.Path}: not a readable GeoTIFF ({e.Message}).", inner: e); }
        var grid = info.Grid;
        if (grid.Srid <= 0) throw new GeoInputException($"{request.Path}: the raster's CRS has no EPSG code; assign one (gdal_edit.py -a_srs EPSG:…) before registering it.");
        var name = request.Name ?? Path.GetFileNameWithoutExtension(request.Path);

        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        int? regionId = null;
        double? coverage = null;
        var notes = new List<string>();
        if (request.Region is { } regionCode)
        {
            await using (var command = new NpgsqlCommand("SELECT id FROM regions WHERE code = $1", connection) { Parameters = { new() { Value = regionCode } } })
                regionId = await command.ExecuteScalarAsync(ct) as int? ?? throw new NotFoundException($"Unknown region '{regionCode}'.");
            coverage = await CoverageAsync(connection, grid, regionId.Value, null, ct)
                ?? throw new GeoInputException($"Region '{regionCode}' has no communes: import them before registering rasters for it.");
            if (coverage < request.MinRegionCoverage)
                throw new GeoInputException($"{request.Path}: the raster covers {coverage:P1} of region '{regionCode}', less than the {request.MinRegionCoverage:P0} required.");
            notes.Add($"covers {coverage:P2} of region '{regionCode}'");
        }
        await UpsertAsync(connection, name, request.Path, info, regionId, coverage, ct);
        await tx.CommitAsync(ct);
        return new ImportReport(request.Path, "raster", 1, new Dictionary<string, int> { ["rasters"] = 1 }, [], notes, stopwatch.Elapsed);
    }

    /// <summary>
    /// Share (0–1) of the region's communes — or of <paramref name="communes"/> — that <paramref name="grid"/>'s footprint
    /// covers, the footprint densified so its reprojected edges stay close; null when there are no such communes.
    /// </summary>
    internal static async Task<double?> CoverageAsync(NpgsqlConnection connection, GridSpec grid, int regionId, IReadOnlyList<string>? communes, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"""
            SELECT ST_Area(ST_Intersection(u.geom, ST_Transform({Footprint}, r.srid))) / NULLIF(ST_Area(u.geom), 0)
            FROM regions r CROSS JOIN LATERAL (SELECT ST_Union(geom) AS geom FROM communes WHERE region_id = r.id AND ($7::text[] IS NULL OR code = ANY($7))) u
            WHERE r.id = $6
            """, connection);
        foreach (var v in new object[] { grid.MinX, grid.MinY, grid.MaxX, grid.MaxY, grid.Srid, regionId }) command.Parameters.Add(new NpgsqlParameter { Value = v });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)communes?.ToArray() ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text });
        return await command.ExecuteScalarAsync(ct) as double?;
    }

    /// <summary>Registers (or re-registers, by name) a GeoTIFF in <c>rasters</c> on <paramref name="connection"/>'s transaction.</summary>
    internal static async Task UpsertAsync(NpgsqlConnection connection, string name, string path, RasterInfo info, int? regionId, double? coverage, CancellationToken ct)
    {
        var grid = info.Grid;
        await ImportService.ExecuteAsync(connection, $"""
            INSERT INTO rasters (region_id, name, path, content_sha256, srid, width, height, band_count, data_type,
                                 origin_x, origin_y, cell_size_x, cell_size_y, no_data, region_coverage, footprint, registered_at)
            VALUES ($6, $7, $8, $9, $5, $10, $11, $12, $13, $1, $4, $14, $15, $16, $17, ST_Transform({Footprint}, 4326), now())
            ON CONFLICT (name) DO UPDATE SET region_id = excluded.region_id, path = excluded.path, content_sha256 = excluded.content_sha256,
                srid = excluded.srid, width = excluded.width, height = excluded.height, band_count = excluded.band_count,
                data_type = excluded.data_type, origin_x = excluded.origin_x, origin_y = excluded.origin_y,
                cell_size_x = excluded.cell_size_x, cell_size_y = excluded.cell_size_y, no_data = excluded.no_data,
                region_coverage = excluded.region_coverage, footprint = excluded.footprint, registered_at = excluded.registered_at
            """, ct, grid.MinX, grid.MinY, grid.MaxX, grid.MaxY, grid.Srid, regionId, name, Path.GetFullPath(path),
            ImportService.Sha256Of(path), grid.Width, grid.Height, info.BandCount, info.DataType,
            grid.CellSizeX, grid.CellSizeY, info.NoData, coverage);
    }

    /// <summary>The raster's envelope ($1–$4 in CRS $5), densified so that its reprojected edges stay close.</summary>
    private const string Footprint = "ST_Segmentize(ST_MakeEnvelope($1, $2, $3, $4, $5), greatest($3 - $1, $4 - $2) / 64)";
}
