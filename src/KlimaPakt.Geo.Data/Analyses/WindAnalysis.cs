using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using KlimaPakt.Geo.Core.Errors;
using KlimaPakt.Geo.Core.Layers;
using KlimaPakt.Geo.Core.Wind;
using KlimaPakt.Geo.Data.Runs;
using KlimaPakt.Geo.Data.Tiles;
using KlimaPakt.Geo.Raster;
using KlimaPakt.Geo.Raster.Gdal;
using NetTopologySuite.Geometries;
using Npgsql;

using static KlimaPakt.Geo.Data.Analyses.AnalysisSql;

namespace KlimaPakt.Geo.Data.Analyses;

/// <summary>
/// Wind potential cadastre run (issue 5): reads the communes and the exclusion/criteria layers from PostGIS, the DEM and
/// a wind raster (or derives the labelled modelled field), computes with <see cref="WindPotentialCalculator"/> on one
/// grid for all communes, and publishes per-commune figures, eligible areas, the potential map, turbines and the
/// exclusions report under the run id.
/// </summary>
public sealed class WindAnalysis(NpgsqlDataSource dataSource) : IAnalysis
{
    /// <summary>The kind name.</summary>
    public const string KindName = "wind";

    /// <summary>Smallest share of the region a wind raster must cover.</summary>
    public const double MinWindRasterCoverage = 0.99;

    /// <inheritdoc />
    public string Kind => KindName;

    /// <inheritdoc />
    public JsonDocument NormaliseParameters(JsonElement? parameters) => RunParameters.Normalise<WindParameters>(parameters, p =>
    {
        var valid = p.Validate();
        if (valid.WindRaster is { } raster) _ = ResolveRaster(raster);
        return valid;
    });

    /// <summary>
    /// Checks what needs the region: a wind raster must cover at least 99 % of the communes run. Call before creating a
    /// run (the CLI does; the run checks again when it starts).
    /// </summary>
    /// <param name="regionCode">Region code.</param>
    /// <param name="communes">Commune codes of a subset run, or null.</param>
    /// <param name="parameters">The run's parameters (JSON), or null for defaults.</param>
    /// <param name="ct">Cancellation.</param>
    public async Task ValidateForRegionAsync(string regionCode, IReadOnlyList<string>? communes, JsonElement? parameters, CancellationToken ct = default)
    {
        using var normalised = NormaliseParameters(parameters);
        var p = normalised.RootElement.Deserialize<WindParameters>(JsonSerializerOptions.Web)!;
        if (p.WindRaster is null) return;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        int? regionId = null;
        await using (var command = Sql(connection, "SELECT id FROM regions WHERE code = $1", regionCode))
            regionId = await command.ExecuteScalarAsync(ct) as int?;
        if (regionId is null) throw new NotFoundException($"Unknown region '{regionCode}'.");
        await CheckCoverageAsync(connection, regionId.Value, regionCode, communes, p.WindRaster, ct);
    }

    /// <inheritdoc />
    public async Task RunAsync(RunContext context, CancellationToken ct)
    {
        var p = context.Parameters<WindParameters>().Validate();
        var region = context.Region;
        await context.StageAsync("load inputs", 2);
        await using var connection = await dataSource.OpenConnectionAsync(ct);

        var communeFilter = context.CommuneCodes is null ? "" : "AND c.code = ANY($2)";
        object?[] communeArgs = context.CommuneCodes is null ? [region.Id] : [region.Id, context.CommuneCodes.ToArray()];
        var communes = new List<(WindCommune Commune, string Code, string Name, Geometry Geometry)>();
        await foreach (var c in Read(connection, $"SELECT c.id, c.code, c.name, c.geom FROM communes c WHERE c.region_id = $1 {communeFilter} ORDER BY c.code", ct,
            r => (r.GetInt32(0), r.GetString(1), r.GetString(2), r.GetFieldValue<Geometry>(3)), communeArgs))
            communes.Add((new WindCommune(c.Item1, c.Item4), c.Item2, c.Item3, c.Item4));
        if (communes.Count == 0) throw new GeoInputException($"Region '{region.Code}' has no communes.");
        var envelope = new Envelope();
        foreach (var c in communes) envelope.ExpandToInclude(c.Geometry.EnvelopeInternal);
        var grid = GridSpec.Covering(region.Srid, envelope.MinX, envelope.MinY, envelope.MaxX, envelope.MaxY, p.CellSizeMeters);
        var area = communes[0].Geometry.Factory.ToGeometry(envelope);

        float[]? wind = null;
        if (p.WindRaster is { } windRaster)
        {
            var (path, sha) = await CheckCoverageAsync(connection, region.Id, region.Code, context.CommuneCodes, windRaster, ct);
            context.InputHash("wind_raster", sha);
            wind = GeoTiff.ReadOnto(path, grid, Resampling.Bilinear).Cells;
        }
        var layers = new Dictionary<string, IReadOnlyList<Geometry>>();
        foreach (var (layer, sql) in LayerQueries)
        {
            // Each feature carries its class (rules with Classes pick by it).
            var list = new List<Geometry>();
            await foreach (var g in Read(connection, sql, ct, r =>
            {
                var geometry = r.GetFieldValue<Geometry>(0);
                geometry.UserData = r.FieldCount > 1 && !r.IsDBNull(1) ? r.GetString(1) : null;
                return geometry;
            }, region.Id, area)) list.Add(g);
            layers[layer] = list;
        }
        layers[WindLayers.AccessRoads] = layers[WindLayers.Roads];
        var existing = new List<Point>();
        await foreach (var pt in Read(connection, """
            SELECT (ST_Dump(ST_PointOnSurface(geom))).geom FROM power_sites
            WHERE region_id = $1 AND class = 'generator' AND coalesce(tags->'generator:source', 'wind') = 'wind' AND geom && $2 ORDER BY id
            """, ct, r => r.GetFieldValue<Point>(0), region.Id, area)) existing.Add(pt);
        float[]? elevation = null;
        await using (var command = Sql(connection, "SELECT name, path, content_sha256 FROM rasters WHERE region_id = $1 AND name ILIKE '%elevation%' ORDER BY name LIMIT 1", region.Id))
        await using (var reader = await command.ExecuteReaderAsync(ct))
            if (await reader.ReadAsync(ct))
            {
                var (name, path, sha) = (reader.GetString(0), reader.GetString(1), reader.GetString(2));
                context.InputHash("dem", sha);
                elevation = GeoTiff.ReadOnto(path, grid, Resampling.Bilinear).Cells;
                context.Log.Add($"DEM: {name}");
            }
        await AnalysisSql.HashInputsAsync(context, connection, ["communes", "places", "buildings", "roads", "railways", "land_cover", "water_bodies", "protected_areas", "power_lines", "power_sites"], ct);
        context.Log.Add($"grid {grid.Width} × {grid.Height} cells of {p.CellSizeMeters} m ({grid.CellCount / 1e6:F1} M); {communes.Count} communes; " +
            string.Join(", ", layers.Select(l => $"{l.Key} {l.Value.Count}")) + $"; {existing.Count} existing turbines");

        var inputs = new WindInputs
        {
            Grid = grid, Communes = [.. communes.Select(c => c.Commune)], Layers = layers, ElevationMeters = elevation, ReferenceWindSpeed = wind,
            ExistingTurbines = existing,
        };
        var percent = 0.0;
        var result = await WindPotentialCalculator.ComputeAsync(inputs, p, (stage, pct) => context.StageAsync(stage, percent = pct), ct);
        ct.ThrowIfCancellationRequested();
        context.Log.AddRange(result.Notes);
        context.Log.Add($"excluded {result.ExcludedSquareMeters / 1e6:F3} km²; forced inclusions {result.ForcedSquareMeters / 1e6:F3} km²; below the minimum area {result.BelowMinimumAreaSquareMeters / 1e6:F3} km²");
        context.Log.Add($"eligible {result.Communes.Sum(c => c.EligibleSquareMeters) / 1e6:F2} km² of {result.RegionSquareMeters / 1e6:F2} km²; " +
            $"{result.Turbines.Count} turbines, {result.Communes.Sum(c => c.CapacityMegawatts):F1} MW, {result.Communes.Sum(c => c.NetGigawattHours):F1} GWh/yr");
        var byId = communes.ToDictionary(c => c.Commune.CommuneId);
        await context.StageAsync("write rasters", 90);
        var directory = ResultsDirectory();
        Directory.CreateDirectory(directory);
        var rasters = new[] { ("eligibility", Path.Combine(directory, $"wind_{context.Run.Id:N}_eligibility.tif")), ("score", Path.Combine(directory, $"wind_{context.Run.Id:N}_score.tif")) };
        try
        {
            await Task.WhenAll(Task.Run(() => GeoTiff.Write(rasters[0].Item2, result.Eligibility), ct), Task.Run(() => GeoTiff.Write(rasters[1].Item2, result.Score), ct));
            context.Log.Add($"rasters: {rasters[0].Item2}, {rasters[1].Item2}");
            await context.PublishAsync(async (c, tx, token) =>
            {
                await WriteAsync(c, context, result, byId, token);
                foreach (var (kind, path) in rasters) await RegisterRasterAsync(c, context, $"wind_{context.Run.Id:N}_{kind}", path, token);
            }, ResultHash(result), ct);
        }
        catch
        {
            // A run that does not publish leaves no files behind either.
            foreach (var (_, path) in rasters) File.Delete(path);
            throw;
        }
    }

    /// <summary>
    /// Where the run's GeoTIFFs go: <c>KLIMAPAKT_RESULTS_DIR</c>, else <c>klimapakt/results</c> under the user's local
    /// application data (the temporary folder when there is none).
    /// </summary>
    public static string ResultsDirectory() =>
        Environment.GetEnvironmentVariable("KLIMAPAKT_RESULTS_DIR") is { Length: > 0 } d ? d
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData) is { Length: > 0 } a ? a : Path.GetTempPath(), "klimapakt", "results");

    private static async Task RegisterRasterAsync(NpgsqlConnection connection, RunContext context, string name, string path, CancellationToken ct)
    {
        var info = GeoTiff.ReadInfo(path);
        var g = info.Grid;
        await using var command = Sql(connection, """
            INSERT INTO rasters (region_id, name, path, content_sha256, srid, width, height, band_count, data_type,
                                 origin_x, origin_y, cell_size_x, cell_size_y, no_data, region_coverage, footprint, registered_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 1, ST_Transform(ST_MakeEnvelope($10, $15, $16, $11, $5), 4326), now())
            """, context.Region.Id, name, Path.GetFullPath(path), Import.ImportService.Sha256Of(path), g.Srid, g.Width, g.Height, info.BandCount,
            info.DataType, g.OriginX, g.OriginY, g.CellSizeX, g.CellSizeY, (object?)info.NoData ?? DBNull.Value, g.MinY, g.MaxX);
        await command.ExecuteNonQueryAsync(ct);
    }

    private static async Task WriteAsync(NpgsqlConnection connection, RunContext context, WindResult result,
        Dictionary<int, (WindCommune Commune, string Code, string Name, Geometry Geometry)> communes, CancellationToken ct)
    {
        var run = context.Run.Id;
        var region = context.Region.Id;
        var t = result.Turbine;
        await using (var copy = await connection.BeginBinaryImportAsync("""
            COPY results.wind_communes (run_id, region_id, commune_id, code, name, area_km2, grid_km2, eligible_km2, eligible_pct, turbines,
                capacity_mw, net_gwh, wind_source, geom) FROM STDIN (FORMAT BINARY)
            """, ct))
        {
            foreach (var f in result.Communes)
            {
                var c = communes[f.CommuneId];
                await copy.WriteRowAsync(ct, run, region, f.CommuneId, c.Code, c.Name, f.AreaSquareMeters / 1e6, f.GridSquareMeters / 1e6,
                    f.EligibleSquareMeters / 1e6, f.EligiblePercent, f.Turbines, f.CapacityMegawatts, f.NetGigawattHours, result.WindSource, AsMulti(c.Geometry));
            }
            await copy.CompleteAsync(ct);
        }
        await using (var copy = await connection.BeginBinaryImportAsync(
            "COPY results.wind_eligible_areas (run_id, region_id, area_km2, geom) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var a in result.EligibleAreas) await copy.WriteRowAsync(ct, run, region, a.Area / 1e6, a);
            await copy.CompleteAsync(ct);
        }
        await using (var copy = await connection.BeginBinaryImportAsync(
            "COPY results.wind_potential (run_id, region_id, class, score_min, score_max, area_km2, geom) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var c in result.PotentialClasses) await copy.WriteRowAsync(ct, run, region, c.Class, c.Lower, c.Upper, c.AreaSquareMeters / 1e6, AsMulti(c.Geometry));
            await copy.CompleteAsync(ct);
        }
        await using (var copy = await connection.BeginBinaryImportAsync("""
            COPY results.wind_turbines (run_id, region_id, commune_id, rank, turbine, hub_height_m, rotor_diameter_m, rated_kw, score,
                reference_wind_ms, hub_wind_ms, gross_mwh, net_mwh, capacity_factor, full_load_hours, wind_source, geom) FROM STDIN (FORMAT BINARY)
            """, ct))
        {
            foreach (var x in result.Turbines)
                await copy.WriteRowAsync(ct, run, region, x.CommuneId, x.Rank, t.Name, t.HubHeightMeters, t.RotorDiameterMeters, t.RatedPowerKw, x.Score,
                    x.ReferenceWindSpeed, x.Yield.HubWindSpeedMetersPerSecond, x.Yield.GrossMegawattHours, x.Yield.NetMegawattHours, x.Yield.CapacityFactor,
                    x.Yield.FullLoadHours, result.WindSource, x.Location);
            await copy.CompleteAsync(ct);
        }
        await using (var copy = await connection.BeginBinaryImportAsync("""
            COPY results.wind_exclusions (run_id, region_id, rule_order, layer, buffer_m, buffer_tip_heights, effective_buffer_m, max_slope_deg,
                strict, features, alone_km2, unique_km2, sequential_km2, geom) FROM STDIN (FORMAT BINARY)
            """, ct))
        {
            foreach (var r in result.Rules)
                await copy.WriteRowAsync(ct, run, region, r.Order, r.Rule.Layer, r.Rule.BufferMeters, r.Rule.BufferTipHeights, r.EffectiveBufferMeters,
                    (object?)r.Rule.MaxSlopeDegrees ?? DBNull.Value, r.Rule.Strict, r.Features, r.AloneSquareMeters / 1e6, r.UniqueSquareMeters / 1e6,
                    r.SequentialSquareMeters / 1e6, r.Area is { } g ? AsMulti(g) : DBNull.Value);
            await copy.CompleteAsync(ct);
        }
        await using (var copy = await connection.BeginBinaryImportAsync(
            "COPY results.commune_metrics (run_id, commune_id, metric, value) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var f in result.Communes)
                foreach (var (metric, value) in new (string, double)[]
                {
                    ("wind_eligible_km2", f.EligibleSquareMeters / 1e6), ("wind_eligible_pct", f.EligiblePercent), ("wind_turbines", f.Turbines),
                    ("wind_capacity_mw", f.CapacityMegawatts), ("wind_net_gwh", f.NetGigawattHours),
                })
                    await copy.WriteRowAsync(ct, run, f.CommuneId, metric, value);
            await copy.CompleteAsync(ct);
        }
    }

    private static MultiPolygon AsMulti(Geometry g) => g as MultiPolygon ?? g.Factory.CreateMultiPolygon([(Polygon)g]);

    /// <summary>Hash of the results in canonical form (values rounded to 1e-6): equal inputs and parameters give equal hashes.</summary>
    internal static string ResultHash(WindResult result)
    {
        var sb = new StringBuilder();
        static string F(double v) => Math.Round(v, 6).ToString("R", CultureInfo.InvariantCulture);
        sb.Append(CultureInfo.InvariantCulture, $"{result.WindSource}:{result.Turbine.Name}:{F(result.RegionSquareMeters)}:{F(result.ExcludedSquareMeters)};");
        foreach (var c in result.Communes)
            sb.Append(CultureInfo.InvariantCulture, $"c{c.CommuneId}:{F(c.EligibleSquareMeters)}:{c.Turbines}:{F(c.NetGigawattHours)};");
        foreach (var t in result.Turbines) sb.Append(CultureInfo.InvariantCulture, $"t{t.Rank}:{t.Location.AsText()}:{F(t.Score)}:{F(t.Yield.NetMegawattHours)};");
        foreach (var r in result.Rules) sb.Append(CultureInfo.InvariantCulture, $"r{r.Order}:{r.Rule.Layer}:{F(r.AloneSquareMeters)}:{F(r.UniqueSquareMeters)}:{F(r.SequentialSquareMeters)};");
        foreach (var p in result.PotentialClasses) sb.Append(CultureInfo.InvariantCulture, $"p{p.Class}:{F(p.AreaSquareMeters)};");
        sb.Append(CultureInfo.InvariantCulture, $"e{result.EligibleAreas.Count}:{F(result.EligibleAreas.Sum(a => a.Area))}");
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())));
    }

    /// <summary>
    /// A wind raster by registered name, else as a path; it must be a GeoTIFF with an EPSG-coded CRS.
    /// Returns its path and content hash.
    /// </summary>
    private (string Path, string Sha256) ResolveRaster(string nameOrPath)
    {
        string? path = null, sha = null;
        using (var command = dataSource.CreateCommand("SELECT path, content_sha256 FROM rasters WHERE name = $1"))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = nameOrPath });
            using var reader = command.ExecuteReader();
            if (reader.Read()) (path, sha) = (reader.GetString(0), reader.GetString(1));
        }
        if (path is null)
        {
            if (!File.Exists(nameOrPath)) throw new NotFoundException($"Unknown wind raster '{nameOrPath}': neither a registered raster (klimapakt import raster) nor a file.");
            path = nameOrPath;
        }
        RasterInfo info;
        try { info = GeoTiff.ReadInfo(path); }
        catch (RasterFileException e) { throw new GeoInputException($"Wind raster '{nameOrPath}' is not a readable GeoTIFF ({e.Message}).", inner: e); }
        if (info.Grid.Srid <= 0) throw new GeoInputException($"Wind raster '{nameOrPath}' has no EPSG-coded CRS.");
        if (sha is null)
        {
            using var stream = File.OpenRead(path);
            sha = Convert.ToHexStringLower(SHA256.HashData(stream));
        }
        return (path, sha);
    }

    private async Task<(string Path, string Sha256)> CheckCoverageAsync(NpgsqlConnection connection, int regionId, string regionCode,
        IReadOnlyList<string>? communes, string windRaster, CancellationToken ct)
    {
        var (path, sha) = ResolveRaster(windRaster);
        var grid = GeoTiff.ReadInfo(path).Grid;
        if (communes is { Count: 0 }) communes = null; // no subset: the whole region
        // The raster's footprint (densified, so the reprojected edges stay close), intersected with the communes run.
        await using var command = Sql(connection, """
            SELECT ST_Area(ST_Intersection(u.geom, ST_Transform(ST_Segmentize(ST_MakeEnvelope($1, $2, $3, $4, $5), greatest($3 - $1, $4 - $2) / 64), r.srid)))
                   / NULLIF(ST_Area(u.geom), 0)
            FROM regions r CROSS JOIN LATERAL (SELECT ST_Union(geom) AS geom FROM communes WHERE region_id = r.id AND ($7::text[] IS NULL OR code = ANY($7))) u
            WHERE r.id = $6
            """, grid.MinX, grid.MinY, grid.MaxX, grid.MaxY, grid.Srid, regionId, communes?.ToArray());
        command.Parameters[6].NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text;
        var coverage = await command.ExecuteScalarAsync(ct) as double? ?? 0;
        if (coverage < MinWindRasterCoverage)
            throw new GeoInputException($"Wind raster '{windRaster}' covers {coverage:P1} of region '{regionCode}'{(communes is null ? "" : " (communes run)")}, less than the {MinWindRasterCoverage:P0} required.");
        return (path, sha);
    }

    private static readonly (string Layer, string Sql)[] LayerQueries =
    [
        // Places are points: each class stands for a built-up area of an assumed radius (city 2 km, town 1 km, suburb
        // 500 m, village 400 m, neighbourhood 250 m, hamlet 150 m), so a buffer is measured from that area's edge.
        (WindLayers.Settlements, """
            SELECT geom FROM land_cover WHERE region_id = $1 AND class = 'residential' AND geom && $2
            UNION ALL SELECT ST_Buffer(geom, CASE class WHEN 'city' THEN 2000 WHEN 'town' THEN 1000 WHEN 'suburb' THEN 500 WHEN 'village' THEN 400
                WHEN 'neighbourhood' THEN 250 ELSE 150 END, 16)
            FROM places WHERE region_id = $1 AND class IN ('city', 'town', 'suburb', 'village', 'neighbourhood', 'hamlet') AND geom && $2
            """),
        (WindLayers.Buildings, """
            SELECT geom FROM buildings WHERE region_id = $1 AND geom && $2
            UNION ALL SELECT geom FROM places WHERE region_id = $1 AND class IN ('isolated_dwelling', 'farm') AND geom && $2
            """),
        (WindLayers.Industrial, "SELECT geom FROM land_cover WHERE region_id = $1 AND class IN ('industrial', 'quarry', 'landfill') AND geom && $2"),
        (WindLayers.MajorRoads, """
            SELECT geom, class FROM roads WHERE region_id = $1 AND geom && $2 AND class IN ('motorway', 'motorway_link', 'trunk', 'trunk_link', 'primary',
                'primary_link', 'secondary', 'secondary_link')
            """),
        (WindLayers.Railways, "SELECT geom FROM railways WHERE region_id = $1 AND geom && $2"),
        (WindLayers.Airports, "SELECT geom FROM land_cover WHERE region_id = $1 AND (class = 'aerodrome' OR tags->'aeroway' = 'aerodrome') AND geom && $2"),
        (WindLayers.PowerLines, "SELECT geom FROM power_lines WHERE region_id = $1 AND voltage_kv > 110 AND geom && $2"),
        (WindLayers.NationalParks, """
            SELECT geom FROM protected_areas WHERE region_id = $1 AND geom && $2
              AND (class ILIKE 'national%park' OR tags->'boundary' = 'national_park' OR tags->'protect_class' = '2')
            """),
        (WindLayers.Natura2000, "SELECT geom FROM protected_areas WHERE region_id = $1 AND geom && $2 AND (class ILIKE 'natura%2000' OR tags->'protection_title' ILIKE 'natura%2000')"),
        (WindLayers.Lakes, """
            SELECT geom FROM water_bodies WHERE region_id = $1 AND geom && $2 AND ST_Area(geom) > 500000
            UNION ALL SELECT geom FROM land_cover WHERE region_id = $1 AND class IN ('water', 'reservoir', 'basin') AND geom && $2 AND ST_Area(geom) > 500000
            """),
        (WindLayers.Water, """
            SELECT geom FROM water_bodies WHERE region_id = $1 AND geom && $2
            UNION ALL SELECT geom FROM land_cover WHERE region_id = $1 AND class IN ('water', 'reservoir', 'basin') AND geom && $2
            """),
        (WindLayers.Forest, "SELECT geom FROM land_cover WHERE region_id = $1 AND class IN ('forest', 'wood') AND geom && $2"),
        (WindLayers.Roads, "SELECT geom, class FROM roads WHERE region_id = $1 AND geom && $2"),
        (WindLayers.Grid, """
            SELECT geom FROM power_lines WHERE region_id = $1 AND geom && $2
            UNION ALL SELECT geom FROM power_sites WHERE region_id = $1 AND class IN ('substation', 'sub_station', 'plant') AND geom && $2
            """),
    ];

    private const string Attribution = "© OpenStreetMap contributors, © ACT; wind: modelled unless a wind raster is named";

    /// <summary>The run's published layers (tiles and OGC API - Features collections).</summary>
    public static IEnumerable<PublishedLayer> Layers { get; } =
    [
        new("wind_communes", "Wind potential per commune", "Eligible land, turbines, capacity and annual energy per commune",
            "results.wind_communes", LayerGeometry.Polygon,
            [
                new("code", "t.code", FieldType.String, "Commune code", Filterable: true),
                new("commune", "t.name", FieldType.String, "Commune", Filterable: true),
                new("area_km2", "round(t.area_km2::numeric, 3)", FieldType.Number, "Commune area, km²"),
                new("eligible_km2", "round(t.eligible_km2::numeric, 3)", FieldType.Number, "Eligible area, km²"),
                new("eligible_pct", "round(t.eligible_pct::numeric, 2)", FieldType.Number, "Eligible share of the commune, percent"),
                new("turbines", "t.turbines", FieldType.Integer, "Turbines placed"),
                new("capacity_mw", "round(t.capacity_mw::numeric, 1)", FieldType.Number, "Installed capacity, MW"),
                new("net_gwh", "round(t.net_gwh::numeric, 2)", FieldType.Number, "Net annual energy, GWh/yr"),
                new("wind_source", "t.wind_source", FieldType.String, "Wind input: 'modelled' (not measured) or 'raster'"),
            ]) { RunKind = KindName, Attribution = Attribution },
        new("wind_potential", "Wind potential map", "Suitability score of eligible land in equal-interval classes (1 = lowest)",
            "results.wind_potential", LayerGeometry.Polygon,
            [
                new("class", "t.class", FieldType.Integer, "Score class, 1 = lowest", Filterable: true),
                new("score_min", "t.score_min", FieldType.Number, "Lower score bound of the class (0–1)"),
                new("score_max", "t.score_max", FieldType.Number, "Upper score bound of the class (0–1)"),
                new("area_km2", "round(t.area_km2::numeric, 3)", FieldType.Number, "Area of the class, km²"),
            ]) { RunKind = KindName, Attribution = Attribution },
        new("wind_eligible_areas", "Wind-eligible land", "Land left after every exclusion rule and the minimum-area filter",
            "results.wind_eligible_areas", LayerGeometry.Polygon,
            [new("area_km2", "round(t.area_km2::numeric, 4)", FieldType.Number, "Area, km²")]) { RunKind = KindName, Attribution = Attribution },
        new("wind_turbines", "Wind turbine sites", "Turbines placed greedily on the best cells with elliptical spacing, with their yield",
            "results.wind_turbines", LayerGeometry.Point,
            [
                new("rank", "t.rank", FieldType.Integer, "Order of placement (1 = best score)", Filterable: true),
                new("turbine", "t.turbine", FieldType.String, "Turbine type"),
                new("hub_height_m", "t.hub_height_m", FieldType.Number, "Hub height, m"),
                new("hub_wind_ms", "round(t.hub_wind_ms::numeric, 2)", FieldType.Number, "Mean wind speed at hub height, m/s"),
                new("net_mwh", "round(t.net_mwh::numeric, 1)", FieldType.Number, "Net annual energy, MWh/yr"),
                new("capacity_factor", "round(t.capacity_factor::numeric, 4)", FieldType.Number, "Capacity factor (0–1)"),
                new("full_load_hours", "round(t.full_load_hours::numeric)", FieldType.Integer, "Full-load hours per year"),
                new("wind_source", "t.wind_source", FieldType.String, "Wind input: 'modelled' (not measured) or 'raster'"),
            ]) { RunKind = KindName, Attribution = Attribution },
        new("wind_exclusions", "Wind exclusions report", "For each rule applied: its buffer and the area it removes alone, uniquely and in sequence",
            "results.wind_exclusions", LayerGeometry.Polygon,
            [
                new("rule_order", "t.rule_order", FieldType.Integer, "Order the rule was applied in", Filterable: true),
                new("layer", "t.layer", FieldType.String, "Input layer", Filterable: true),
                new("effective_buffer_m", "t.effective_buffer_m", FieldType.Number, "Buffer, m"),
                new("max_slope_deg", "t.max_slope_deg", FieldType.Number, "Slope threshold, degrees (slope rule)"),
                new("features", "t.features", FieldType.Integer, "Input features (0: nothing to exclude in the data)"),
                new("alone_km2", "round(t.alone_km2::numeric, 3)", FieldType.Number, "Area the rule excludes on its own, km²"),
                new("unique_km2", "round(t.unique_km2::numeric, 3)", FieldType.Number, "Area only this rule excludes, km²"),
                new("sequential_km2", "round(t.sequential_km2::numeric, 3)", FieldType.Number, "Area it adds to the rules before it, km²"),
            ]) { RunKind = KindName, Attribution = Attribution },
    ];
}
