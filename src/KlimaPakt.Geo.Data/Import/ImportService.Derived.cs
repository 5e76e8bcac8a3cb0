using System.Diagnostics;
using System.Globalization;
using KlimaPakt.Geo.Core.Errors;
using KlimaPakt.Geo.Core.LandCover;
using KlimaPakt.Geo.Core.Layers;
using KlimaPakt.Geo.Data.Import.Readers;
using KlimaPakt.Geo.Raster.Gdal;
using NetTopologySuite.Geometries;
using Npgsql;

namespace KlimaPakt.Geo.Data.Import;

/// <summary>Imports whose rows are derived from the file rather than copied: aerodromes, census grids, land cover from a raster.</summary>
public sealed partial class ImportService
{
    /// <summary>Class (and <c>aeroway</c> tag) under which aerodromes are stored in <c>land_cover</c>.</summary>
    public const string AerodromeClass = "aerodrome";

    /// <summary>
    /// Imports runways, airport points and aerodrome areas into <c>land_cover</c> as <see cref="AerodromeClass"/> areas
    /// (see <see cref="AerodromeImportRequest"/> for how each geometry becomes an area). Each row says in its tags how
    /// its area was made (<c>derived</c>).
    /// </summary>
    public async Task<ImportReport> ImportAerodromesAsync(AerodromeImportRequest request, CancellationToken ct = default)
    {
        if (!(request.RunwayStripHalfWidthMeters > 0 && request.RunwayStripEndMeters >= 0 && request.AirfieldRadiusMeters > 0))
            throw new GeoInputException($"{request.Path}: runway strip half-width and airfield radius must be positive, the strip end not negative.");
        var layer = InputLayer.LandCover;
        var source = OpenVectorFile(request.Path, null, null);
        var rows = source.Read().Select(f => new StagedFeature(layer.Name, f, f.First(NameFields) ?? f.First(["ident"]), AerodromeClass, null));
        return await ImportVectorFileAsync(request.Region, source, layer.Name, layer.Table, rows, request.Provenance, async (connection, region, sourceId) =>
        {
            var multiLines = await ListAsync(connection, """
                SELECT fid FROM import_staging WHERE layer = $1 AND GeometryType(geom) = 'MULTILINESTRING' AND ST_NumGeometries(geom) > 1 ORDER BY seq
                """, ct, layer.Name);
            if (multiLines.Count > 0)
                throw new GeoInputException($"{request.Path}: a runway is one centreline; these features have several lines.", Truncate(multiLines));
            // ST_Azimuth is clockwise from north: a step of d along it is (d·sin, d·cos). The centreline is extended by the
            // strip's end distance at both ends, then buffered with flat ends.
            var strip = $"Runway strip (ICAO Annex 14 §3.4): {request.RunwayStripHalfWidthMeters} m each side of the centreline, {request.RunwayStripEndMeters} m beyond each end";
            var disc = $"Airfield point buffered by {request.AirfieldRadiusMeters} m (assumed size; the source gives no runway)";
            await ExecuteAsync(connection, """
                UPDATE import_staging SET tags = tags || hstore(ARRAY['aeroway', 'derived'], ARRAY[$5, CASE WHEN GeometryType(geom) LIKE '%LINESTRING' THEN $6
                                                                         WHEN GeometryType(geom) LIKE '%POINT' THEN $7 ELSE 'area as given' END]),
                    geom = CASE
                        WHEN GeometryType(geom) LIKE '%LINESTRING' THEN (
                            SELECT ST_Buffer(ST_AddPoint(ST_AddPoint(g,
                                       ST_Translate(ST_StartPoint(g), -$2 * sin(a0), -$2 * cos(a0)), 0),
                                       ST_Translate(ST_EndPoint(g), $2 * sin(a1), $2 * cos(a1))), $3, 'endcap=flat join=mitre')
                            FROM (SELECT g, ST_Azimuth(ST_PointN(g, 1), ST_PointN(g, 2)) AS a0,
                                         ST_Azimuth(ST_PointN(g, ST_NPoints(g) - 1), ST_PointN(g, ST_NPoints(g))) AS a1
                                  FROM (SELECT ST_GeometryN(ST_Transform(geom, $1), 1) AS g) l) e)
                        WHEN GeometryType(geom) LIKE '%POINT' THEN ST_Buffer(ST_Transform(ST_GeometryN(geom, 1), $1), $4, 16)
                        ELSE ST_Transform(geom, $1) END
                WHERE layer = $8 AND geom IS NOT NULL AND NOT ST_IsEmpty(geom)
                """, ct, region.Srid, request.RunwayStripEndMeters, request.RunwayStripHalfWidthMeters, request.AirfieldRadiusMeters,
                AerodromeClass, strip, disc, layer.Name);
            // An airport's reference point inside a strip of the same file is the same aerodrome: the strip stands for it.
            var duplicates = await ListAsync(connection, """
                DELETE FROM import_staging p USING import_staging s
                WHERE p.layer = $1 AND s.layer = $1 AND p.tags->'derived' = $2 AND s.tags->'derived' = $3 AND ST_Intersects(s.geom, p.geom)
                  AND ST_Contains(s.geom, ST_Centroid(p.geom))
                RETURNING coalesce(p.name, p.fid) || ' (feature ' || p.fid || '): reference point inside the runway strip of ' || coalesce(s.name, s.fid) || ' (feature ' || s.fid || '), which stands for it' 
                """, ct, layer.Name, disc, strip);
            var published = await PublishLayerAsync(connection, layer, region, sourceId, InvalidGeometryPolicy.Repair, request.Path, ct);
            published.Skipped.AddRange(duplicates);
            return published;
        }, ct);
    }

    /// <summary>
    /// Imports a census population grid into <c>population_cells</c>: every cell needs a whole, non-negative number of
    /// residents in <see cref="PopulationGridImportRequest.PopulationField"/> (the file is refused otherwise, naming the
    /// cells); the figure and its year go into <c>population</c> and <c>year</c>, every attribute stays in the tags.
    /// </summary>
    public async Task<ImportReport> ImportPopulationGridAsync(PopulationGridImportRequest request, CancellationToken ct = default)
    {
        var layer = InputLayer.PopulationCells;
        var source = OpenVectorFile(request.Path, null, null);
        var features = source.Read().ToList();
        var bad = features.Where(f => !int.TryParse(f.First([request.PopulationField]), NumberStyles.None, CultureInfo.InvariantCulture, out _))
            .Select(f => $"feature {f.Fid}: '{request.PopulationField}' is {(f.First([request.PopulationField]) is { } v ? $"'{v}'" : "missing")}").ToList();
        if (bad.Count > 0)
            throw new GeoInputException($"{request.Path}: {bad.Count} cell(s) have no whole, non-negative number of residents in '{request.PopulationField}'.", Truncate(bad));
        var rows = features.Select(f =>
        {
            var attributes = new Dictionary<string, string>(f.Attributes)
            {
                [PopulationTag] = f.First([request.PopulationField])!,
                [PopulationYearTag] = request.Year.ToString(CultureInfo.InvariantCulture),
            };
            var record = f with { Attributes = attributes };
            return new StagedFeature(layer.Name, record, f.First(["GRD_ID"]) ?? f.First(NameFields), request.ClassField is null ? null : f.First([request.ClassField]), null);
        });
        return await ImportVectorFileAsync(request.Region, source, layer.Name, layer.Table, rows, request.Provenance,
            (connection, region, sourceId) => PublishLayerAsync(connection, layer, region, sourceId, InvalidGeometryPolicy.Repair, request.Path, ct), ct);
    }

    /// <summary>Tags that carry a census cell's residents and their year into the typed columns.</summary>
    internal const string PopulationTag = "population", PopulationYearTag = "population_year";

    /// <summary>
    /// Classifies a registered four-band raster (<see cref="SpectralLandCoverClassifier"/>) and imports one
    /// <c>land_cover</c> row per patch of a class, through the same staging, repair and reprojection as a file. Every row
    /// carries in its tags the source name, the cell size, the image and the thresholds. When the region already has
    /// land cover from a file or an OSM extract (aerodromes aside), that land cover is kept and nothing is imported (the
    /// report says so).
    /// </summary>
    public async Task<ImportReport> ImportLandCoverFromRasterAsync(LandCoverRasterRequest request, CancellationToken ct = default)
    {
        var stopwatch = Stopwatch.StartNew();
        var thresholds = request.Thresholds ?? SpectralThresholds.Sentinel2L2A;
        try { thresholds.Validate(); }
        catch (ArgumentException e) { throw new GeoInputException($"Land-cover thresholds: {e.Message}", inner: e); }
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var path = await ScalarAsync<string?>(connection, "SELECT path FROM rasters WHERE name = $1", ct, request.Raster)
            ?? (File.Exists(request.Raster) ? request.Raster
                : throw new NotFoundException($"No raster named '{request.Raster}' is registered (klimapakt import raster), and no such file exists."));
        FileChecks.RequireNonEmpty(path);
        RasterInfo info;
        try { info = GeoTiff.ReadInfo(path); }
        catch (RasterFileException e) { throw new GeoInputException($"{path}: not a readable GeoTIFF ({e.Message}).", inner: e); }
        if (info.BandCount < 4)
            throw new GeoInputException($"{path}: a land-cover classification needs four bands (blue, green, red, near-infrared: Sentinel-2 B02, B03, B04, B08); the file has {info.BandCount}.");
        var grid = info.Grid;
        if (grid.Srid <= 0) throw new GeoInputException($"{path}: the raster's CRS has no EPSG code.");
        var bands = Enumerable.Range(1, 4).Select(b => GeoTiff.ReadBand(path, b).Cells).ToArray();
        var areas = SpectralLandCoverClassifier.Areas(grid, bands[0], bands[1], bands[2], bands[3], thresholds);
        if (areas.Count == 0) throw new GeoInputException($"{path}: every cell is NoData; nothing to classify.");

        var geographic = grid.Srid == Core.Srid.Wgs84;
        var cell = geographic ? $"{grid.CellSizeX * 3600:0.##}arcsec" : $"{grid.CellSizeX:0.##}m";
        var sourceName = request.SourceName ?? $"sentinel2-ndvi-{cell}";
        var cellText = geographic
            ? $"{grid.CellSizeX * 3600:0.##}″ × {grid.CellSizeY * 3600:0.##}″ ({grid.CellSizeX:0.######}°)"
            : $"{grid.CellSizeX:0.##} × {grid.CellSizeY:0.##} (EPSG:{grid.Srid} units)";
        var common = new Dictionary<string, string>
        {
            ["source"] = sourceName,
            [SpectralClassificationTag] = "spectral band rules (NDVI, NDWI, green, redness)",
            ["cell_size"] = cellText,
            ["raster"] = request.Raster,
            ["quality"] = "coarse: one class per cell of the image, not a survey-quality land-cover map",
            ["thresholds"] = thresholds.ToString(),
        };
        if (geographic) common["cell_size_deg"] = grid.CellSizeX.ToString("R", CultureInfo.InvariantCulture);
        var factory = new GeometryFactory(new PrecisionModel(), grid.Srid);
        var rows = areas.Select((a, k) =>
        {
            var name = SpectralLandCoverClassifier.ClassName(a.Class);
            var attributes = new Dictionary<string, string>(common) { ["class"] = name, ["cells"] = ((long)Math.Round(a.Polygon.Area / grid.CellAreaSquareUnits)).ToString(CultureInfo.InvariantCulture) };
            return new StagedFeature(InputLayer.LandCover.Name, new FeatureRecord($"{name}-{k + 1}", factory.CreateMultiPolygon([a.Polygon]), attributes), null, name, null);
        });

        await using var tx = await connection.BeginTransactionAsync(ct);
        var region = await RegionAsync(connection, request.Region, ct);
        var own = await ListAsync(connection, $"""
            SELECT DISTINCT s.source_name FROM land_cover l JOIN import_sources s ON s.id = l.source_id
            WHERE l.region_id = $1 AND NOT l.tags ? '{SpectralClassificationTag}' AND l.class IS DISTINCT FROM '{AerodromeClass}' ORDER BY 1
            """, ct, region.Id);
        if (own.Count > 0)
        {
            await tx.RollbackAsync(ct);
            return new ImportReport(path, InputLayer.LandCover.Name, 0, new Dictionary<string, int> { [InputLayer.LandCover.Table] = 0 }, [],
                [$"region '{request.Region}' has land cover from {string.Join(", ", own)}: that is kept, the raster classification is not imported"], stopwatch.Elapsed);
        }
        var read = await StageAsync(connection, rows, ct);
        // Cell edges are straight in the raster's CRS, not in the region's: densify to one vertex per cell before reprojecting.
        await ExecuteAsync(connection, "UPDATE import_staging SET geom = ST_Segmentize(geom, $1)", ct, Math.Min(grid.CellSizeX, grid.CellSizeY));
        var sourceId = await UpsertSourceAsync(connection, region.Id, InputLayer.LandCover.Name, path, grid.Srid, read, request.Provenance, ct, sourceName);
        var result = await PublishLayerAsync(connection, InputLayer.LandCover, region, sourceId, InvalidGeometryPolicy.Repair, path, ct);
        await FinishSourceAsync(connection, sourceId, result.Written, result.Repaired.Count, ct);
        await tx.CommitAsync(ct);
        var notes = areas.GroupBy(a => a.Class).Select(g => $"{SpectralLandCoverClassifier.ClassName(g.Key)}: {g.Count()} area(s)").ToList();
        notes.AddRange(result.Skipped);
        return new ImportReport(path, InputLayer.LandCover.Name, read, new Dictionary<string, int> { [InputLayer.LandCover.Table] = result.Written },
            result.Repaired, notes, stopwatch.Elapsed);
    }
}
