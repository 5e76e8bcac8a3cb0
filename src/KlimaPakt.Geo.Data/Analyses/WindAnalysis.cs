using System.Globalization;
using System.Text;
using KlimaPakt.Geo.Core.Layers;
using KlimaPakt.Geo.Core.Wind;
using KlimaPakt.Geo.Data.Runs;
using KlimaPakt.Geo.Data.Tiles;
using KlimaPakt.Geo.Raster;
using KlimaPakt.Geo.Raster.Gdal;
using NetTopologySuite.Geometries;

using static KlimaPakt.Geo.Data.Analyses.AnalysisSql;

namespace KlimaPakt.Geo.Data.Analyses;

/// <summary>
/// Wind potential cadastre (issue 5): reads the communes and the exclusion/criteria layers from PostGIS, the DEM and
/// a wind raster (or derives the labelled modelled field), and computes with <see cref="WindPotentialCalculator"/> on
/// one grid for all communes: per-commune figures, eligible areas, the potential map, turbines and the exclusions report.
/// </summary>
public sealed class WindAnalysis : IAnalysis
{
    /// <summary>The kind name.</summary>
    public const string KindName = "wind";

    private const string Attribution = "© OpenStreetMap contributors, © ACT; wind: modelled unless a wind raster is named";

    private sealed record CommuneRow(CommuneWindFigures Figures, RunCommune Commune, string WindSource);

    private sealed record TurbineRow(PlacedTurbine Turbine, TurbineType Type, string WindSource);

    private static readonly ResultTable<CommuneRow> Communes = ResultTable<CommuneRow>.Create("wind_communes", ResultGeometry.MultiPolygon, r => r.Commune.Boundary)
        .WithCommune(r => r.Figures.CommuneId)
        .Text("code", "Commune code", r => r.Commune.Code)
        .Text("name", "Commune", r => r.Commune.Name)
        .Double("area_km2", "km²", "Commune area", r => r.Figures.AreaSquareMeters / 1e6)
        .Double("grid_km2", "km²", "Commune area on the analysis grid", r => r.Figures.GridSquareMeters / 1e6)
        .Double("eligible_km2", "km²", "Eligible area", r => r.Figures.EligibleSquareMeters / 1e6)
        .Double("eligible_pct", "%", "Eligible share of the commune", r => r.Figures.EligiblePercent)
        .Integer("turbines", "Turbines placed", r => r.Figures.Turbines)
        .Double("capacity_mw", "MW", "Installed capacity", r => r.Figures.CapacityMegawatts)
        .Double("net_gwh", "GWh/yr", "Net annual energy", r => r.Figures.NetGigawattHours)
        .Text("wind_source", "Wind input: 'modelled' (not measured) or 'raster'", r => r.WindSource)
        .Build();

    private static readonly ResultTable<Polygon> EligibleAreas = ResultTable<Polygon>.Create("wind_eligible_areas", ResultGeometry.Polygon, a => a)
        .Double("area_km2", "km²", "Area", a => a.Area / 1e6)
        .Build();

    private static readonly ResultTable<PotentialClass> Potential = ResultTable<PotentialClass>.Create("wind_potential", ResultGeometry.MultiPolygon, c => c.Geometry)
        .IndexedBy("class").WithTilePieces()
        .Integer("class", "Score class, 1 = lowest", c => c.Class)
        .Double("score_min", null, "Lower score bound of the class (0–1)", c => c.Lower)
        .Double("score_max", null, "Upper score bound of the class (0–1)", c => c.Upper)
        .Double("area_km2", "km²", "Area of the class", c => c.AreaSquareMeters / 1e6)
        .Build();

    private static readonly ResultTable<TurbineRow> Turbines = ResultTable<TurbineRow>.Create("wind_turbines", ResultGeometry.Point, t => t.Turbine.Location)
        .WithCommune(t => t.Turbine.CommuneId).IndexedBy("rank")
        .Integer("rank", "Order of placement (1 = best score)", t => t.Turbine.Rank)
        .Text("turbine", "Turbine type", t => t.Type.Name)
        .Double("hub_height_m", "m", "Hub height", t => t.Type.HubHeightMeters)
        .Double("rotor_diameter_m", "m", "Rotor diameter", t => t.Type.RotorDiameterMeters)
        .Double("rated_kw", "kW", "Rated power", t => t.Type.RatedPowerKw)
        .Double("score", null, "Suitability score of the site (0–1)", t => t.Turbine.Score)
        .Double("reference_wind_ms", "m/s", "Mean wind speed at the reference height", t => t.Turbine.ReferenceWindSpeed)
        .Double("hub_wind_ms", "m/s", "Mean wind speed at hub height", t => t.Turbine.Yield.HubWindSpeedMetersPerSecond)
        .Double("gross_mwh", "MWh/yr", "Gross annual energy", t => t.Turbine.Yield.GrossMegawattHours)
        .Double("net_mwh", "MWh/yr", "Net annual energy", t => t.Turbine.Yield.NetMegawattHours)
        .Double("capacity_factor", null, "Capacity factor (0–1)", t => t.Turbine.Yield.CapacityFactor)
        .Double("full_load_hours", "h/yr", "Full-load hours", t => t.Turbine.Yield.FullLoadHours)
        .Text("wind_source", "Wind input: 'modelled' (not measured) or 'raster'", t => t.WindSource)
        .Build();

    private static readonly ResultTable<RuleReport> Exclusions = ResultTable<RuleReport>.Create("wind_exclusions", ResultGeometry.MultiPolygon, r => r.Area)
        .GeometryOptional().IndexedBy("rule_order").WithTilePieces()
        .Integer("rule_order", "Order the rule was applied in", r => r.Order)
        .Text("layer", "Input layer", r => r.Rule.Layer)
        .Double("buffer_m", "m", "Buffer asked for", r => r.Rule.BufferMeters)
        .Double("buffer_tip_heights", null, "Buffer asked for in turbine tip heights", r => r.Rule.BufferTipHeights)
        .Double("effective_buffer_m", "m", "Buffer", r => r.EffectiveBufferMeters)
        .Double("max_slope_deg", "°", "Slope threshold (slope rule)", r => r.Rule.MaxSlopeDegrees, nullable: true)
        .Boolean("strict", "Strict rule (forced inclusions do not override it)", r => r.Rule.Strict)
        .Integer("features", "Input features (0: nothing to exclude in the data)", r => r.Features)
        .Double("alone_km2", "km²", "Area the rule excludes on its own", r => r.AloneSquareMeters / 1e6)
        .Double("unique_km2", "km²", "Area only this rule excludes", r => r.UniqueSquareMeters / 1e6)
        .Double("sequential_km2", "km²", "Area it adds to the rules before it", r => r.SequentialSquareMeters / 1e6)
        .Build();

    private static readonly CommuneFigureSet<CommuneWindFigures> Figures = new CommuneFigureSet<CommuneWindFigures>(f => f.CommuneId)
        .Sum("wind_eligible_km2", "Wind-eligible area", "km²", f => f.EligibleSquareMeters / 1e6)
        .Sum("wind_grid_km2", "Area on the wind analysis grid", "km²", f => f.GridSquareMeters / 1e6)
        // The share is of the commune's cells on the grid (CommuneWindFigures.EligiblePercent), so groups divide by that too.
        .Ratio("wind_eligible_pct", "Wind-eligible share", "%", "wind_eligible_km2", "wind_grid_km2", 100, f => f.EligiblePercent)
        .Sum("wind_turbines", "Wind turbines", null, f => f.Turbines)
        .Sum("wind_capacity_mw", "Wind capacity", "MW", f => f.CapacityMegawatts)
        .Sum("wind_net_gwh", "Wind energy", "GWh/yr", f => f.NetGigawattHours);

    /// <summary>The description: parameters, inputs, result tables, layers and figures.</summary>
    public static AnalysisDescription Definition { get; } = new AnalysisDescription<WindParameters>(KindName, "Wind potential cadastre",
        "Wind potential cadastre: eligibility after exclusion buffers, suitability score, turbine sites and yield per commune.", p => p.Validate())
    {
        Inputs =
        [
            AnalysisInput.Communes, InputLayer.Places, InputLayer.Buildings, InputLayer.Roads, InputLayer.Railways, InputLayer.LandCover,
            InputLayer.WaterBodies, InputLayer.ProtectedAreas, InputLayer.PowerLines, InputLayer.PowerSites,
        ],
        Attribution = Attribution,
        RasterParameters = [new("windRaster", "wind_raster", "wind raster", MinRegionCoverage: 0.99)],
        // Distance fields per exclusion rule, the score and its criteria at once: about eight 8-byte arrays per cell.
        PeakBytesPerCell = 64,
        Tables = [Communes, EligibleAreas, Potential, Turbines, Exclusions],
        Figures = Figures.Figures,
        Layers =
        [
            AnalysisDescription.Layer(KindName, "wind_communes", "Wind potential per commune", "Eligible land, turbines, capacity and annual energy per commune",
                Communes, new LayerStyle { Kind = StyleKind.Graduated, Field = "eligible_pct", Ramp = LayerStyle.Ramps.Greens, Legend = "Eligible share of the commune" },
                new ResultField("code", Filterable: true), new ResultField("name", As: "commune", Filterable: true), new("area_km2", 3), new("eligible_km2", 3),
                new("eligible_pct", 2), "turbines", new("capacity_mw", 1), new("net_gwh", 2), "wind_source") with { Attribution = Attribution },
            AnalysisDescription.Layer(KindName, "wind_potential", "Wind potential map", "Suitability score of eligible land in equal-interval classes (1 = lowest)",
                Potential, new LayerStyle { Kind = StyleKind.Classes, Field = "class", BoundFields = ("score_min", "score_max"), Ramp = LayerStyle.Ramps.OrangeRed,
                    Legend = "Suitability score class", Opacity = 0.8 },
                new ResultField("class", Filterable: true), "score_min", "score_max", new("area_km2", 3)) with { Attribution = Attribution },
            AnalysisDescription.Layer(KindName, "wind_eligible_areas", "Wind-eligible land", "Land left after every exclusion rule and the minimum-area filter",
                EligibleAreas, new LayerStyle { Legend = "Eligible land" }, new ResultField("area_km2", 4)) with { Attribution = Attribution },
            AnalysisDescription.Layer(KindName, "wind_turbines", "Wind turbine sites", "Turbines placed greedily on the best cells with elliptical spacing, with their yield",
                Turbines, new LayerStyle { Legend = "Turbine sites", Visible = true, LabelField = "rank" },
                new ResultField("rank", Filterable: true), "turbine", "hub_height_m", new("hub_wind_ms", 2), new("net_mwh", 1), new("capacity_factor", 4),
                new("full_load_hours", 0), "wind_source") with { Attribution = Attribution },
            AnalysisDescription.Layer(KindName, "wind_exclusions", "Wind exclusions report", "For each rule applied: its buffer and the area it removes alone, uniquely and in sequence",
                Exclusions, new LayerStyle { Legend = "Area each rule excludes on its own", Opacity = 0.35 },
                new ResultField("rule_order", Filterable: true), new ResultField("layer", Filterable: true), "effective_buffer_m", "max_slope_deg", "features",
                new("alone_km2", 3), new("unique_km2", 3), new("sequential_km2", 3)) with { Attribution = Attribution },
        ],
    };

    /// <inheritdoc />
    public AnalysisDescription Description => Definition;

    /// <inheritdoc />
    public async Task<RunOutput> ComputeAsync(RunContext context, CancellationToken ct)
    {
        var p = context.Parameters<WindParameters>();
        var region = context.Region;
        await using var connection = await context.DataSource.OpenConnectionAsync(ct);
        var communes = await context.CommunesAsync(connection, ct);
        var envelope = communes.Envelope;
        var grid = GridSpec.Covering(region.Srid, envelope.MinX, envelope.MinY, envelope.MaxX, envelope.MaxY, p.CellSizeMeters);
        var area = communes.Extent;

        float[]? wind = context.RasterPath("wind_raster") is { } windPath ? GeoTiff.ReadOnto(windPath, grid, Resampling.Bilinear).Cells : null;
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
        // Only the communes' cells and a cell around them (slope's 3 × 3 window) reach a wind result: the DEM is read there.
        double margin = grid.CellSizeX;
        var demBoxes = communes.All.Select(c => c.Boundary.EnvelopeInternal)
            .Select(e => (e.MinX - margin, e.MinY - margin, e.MaxX + margin, e.MaxY + margin)).ToList();
        var elevation = (await ElevationAsync(context, connection, grid, ct, demBoxes))?.Cells;
        context.Log.Add($"grid {grid.Width} × {grid.Height} cells of {p.CellSizeMeters} m ({grid.CellCount / 1e6:F1} M); {communes.All.Count} communes; " +
            string.Join(", ", layers.Select(l => $"{l.Key} {l.Value.Count}")) + $"; {existing.Count} existing turbines");

        var inputs = new WindInputs
        {
            Grid = grid,
            Communes = [.. communes.All.Select(c => new WindCommune(c.Id, c.Boundary))],
            Layers = layers,
            ElevationMeters = elevation,
            ReferenceWindSpeed = wind,
            ExistingTurbines = existing,
        };
        var result = await WindPotentialCalculator.ComputeAsync(inputs, p, (stage, pct) => context.StageAsync(stage, pct), ct);
        ct.ThrowIfCancellationRequested();
        context.Log.AddRange(result.Notes);
        context.Log.Add($"excluded {result.ExcludedSquareMeters / 1e6:F3} km²; forced inclusions {result.ForcedSquareMeters / 1e6:F3} km²; below the minimum area {result.BelowMinimumAreaSquareMeters / 1e6:F3} km²");
        context.Log.Add($"eligible {result.Communes.Sum(c => c.EligibleSquareMeters) / 1e6:F2} km² of {result.RegionSquareMeters / 1e6:F2} km²; " +
            $"{result.Turbines.Count} turbines, {result.Communes.Sum(c => c.CapacityMegawatts):F1} MW, {result.Communes.Sum(c => c.NetGigawattHours):F1} GWh/yr");
        var byId = communes.All.ToDictionary(c => c.Id);
        return new RunOutput(ResultHash(result))
            .Rows(Communes, result.Communes.Select(f => new CommuneRow(f, byId[f.CommuneId], result.WindSource)))
            .Rows(EligibleAreas, result.EligibleAreas)
            .Rows(Potential, result.PotentialClasses)
            .Rows(Turbines, result.Turbines.Select(t => new TurbineRow(t, result.Turbine, result.WindSource)))
            .Rows(Exclusions, result.Rules)
            .Figures(Figures, result.Communes)
            .Raster("eligibility", path => GeoTiff.Write(path, result.Eligibility))
            .Raster("score", path => GeoTiff.Write(path, result.Score));
    }

    /// <summary>Hash of the results in canonical form (values rounded to 1e-6): equal inputs and parameters give equal hashes.</summary>
    internal static string ResultHash(WindResult result)
    {
        var sb = new StringBuilder();
        static string F(double v) => RunOutput.Canonical(v);
        sb.Append(CultureInfo.InvariantCulture, $"{result.WindSource}:{result.Turbine.Name}:{F(result.RegionSquareMeters)}:{F(result.ExcludedSquareMeters)};");
        foreach (var c in result.Communes)
            sb.Append(CultureInfo.InvariantCulture, $"c{c.CommuneId}:{F(c.EligibleSquareMeters)}:{c.Turbines}:{F(c.NetGigawattHours)};");
        foreach (var t in result.Turbines) sb.Append(CultureInfo.InvariantCulture, $"t{t.Rank}:{t.Location.AsText()}:{F(t.Score)}:{F(t.Yield.NetMegawattHours)};");
        foreach (var r in result.Rules) sb.Append(CultureInfo.InvariantCulture, $"r{r.Order}:{r.Rule.Layer}:{F(r.AloneSquareMeters)}:{F(r.UniqueSquareMeters)}:{F(r.SequentialSquareMeters)};");
        foreach (var p in result.PotentialClasses) sb.Append(CultureInfo.InvariantCulture, $"p{p.Class}:{F(p.AreaSquareMeters)};");
        sb.Append(CultureInfo.InvariantCulture, $"e{result.EligibleAreas.Count}:{F(result.EligibleAreas.Sum(a => a.Area))}");
        return RunOutput.HashOf(sb.ToString());
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
}
