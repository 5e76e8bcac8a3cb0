using System.Globalization;
using System.Text;
using KlimaPakt.Geo.Core.EvCoverage;
using KlimaPakt.Geo.Core.Geothermal;
using KlimaPakt.Geo.Core.Layers;
using KlimaPakt.Geo.Data.Runs;
using KlimaPakt.Geo.Data.Tiles;
using KlimaPakt.Geo.Raster.Gdal;
using NetTopologySuite.Geometries;

using static KlimaPakt.Geo.Data.Analyses.AnalysisSql;

namespace KlimaPakt.Geo.Data.Analyses;

/// <summary>
/// Shallow geothermal potential cadastre (issue 12): reads the communes, their residents, buildings, places, census
/// cells, restriction layers, heat sources and the DEM (or the ground rasters a run names) from PostGIS and computes with
/// <see cref="GeothermalCalculator"/> on one grid for all communes: G.POT supply per cell after restrictions, heat demand
/// per hectare, coverage, candidate district-heating areas and waste-heat matches.
/// </summary>
public sealed class GeothermalAnalysis : IAnalysis
{
    /// <summary>The kind name.</summary>
    public const string KindName = "geothermal";

    private const string Attribution = "© OpenStreetMap contributors, © ACT, STATEC, Eurostat/GISCO; ground: assumed unless rasters are named";

    private sealed record CommuneRow(CommuneGeothermal Figures, RunCommune Commune, string GroundSource);

    private sealed record ClassRow(ValueClass Class, string GroundSource);

    private static readonly ResultTable<CommuneRow> Communes = ResultTable<CommuneRow>.Create("geothermal_communes", ResultGeometry.MultiPolygon, r => r.Commune.Boundary)
        .WithCommune(r => r.Figures.CommuneId)
        .Text("code", "Commune code", r => r.Commune.Code)
        .Text("name", "Commune", r => r.Commune.Name)
        .Double("grid_km2", "km²", "Commune area on the supply grid", r => r.Figures.GridSquareMeters / 1e6)
        .Double("restricted_km2", "km²", "Area where no borehole is allowed (a strict restriction)", r => r.Figures.RestrictedSquareMeters / 1e6)
        .Double("restricted_pct", "%", "Restricted share of the commune", r => r.Figures.RestrictedPercent)
        .Double("limited_km2", "km²", "Area where boreholes are limited", r => r.Figures.LimitedSquareMeters / 1e6)
        .Double("supply_gwh", "GWh/yr", "Extractable shallow geothermal heat (borehole fields after restrictions)", r => r.Figures.SupplyMwhPerYear / 1000)
        .Double("demand_gwh", "GWh/yr", "Heat demand", r => r.Figures.DemandMwhPerYear / 1000)
        .Double("coverage_pct", "%", "Supply over demand", r => r.Figures.CoveragePercent, nullable: true)
        .Double("residents", null, "Residents (STATEC total)", r => r.Figures.Residents)
        .Double("dh_demand_gwh", "GWh/yr", "Heat demand inside candidate district-heating areas", r => r.Figures.DistrictHeatingDemandMwhPerYear / 1000)
        .Text("demand_method", "How the demand was computed (buildings or residents; assumed specific demands)", r => r.Figures.DemandMethod)
        .Text("ground_source", "Ground input: 'assumed' (not measured) or 'measured'", r => r.GroundSource)
        .Build();

    private static readonly ResultTable<ClassRow> Potential = ResultTable<ClassRow>.Create("geothermal_potential", ResultGeometry.MultiPolygon, c => c.Class.Geometry)
        .IndexedBy("class").WithTilePieces()
        .Integer("class", "Potential class, 1 = lowest", c => c.Class.Class)
        .Double("energy_min_mwh", "MWh/yr", "Lower bound of the class: energy of one borehole", c => c.Class.Lower)
        .Double("energy_max_mwh", "MWh/yr", "Upper bound of the class: energy of one borehole", c => c.Class.Upper, nullable: true)
        .Double("area_km2", "km²", "Area of the class", c => c.Class.AreaSquareMeters / 1e6)
        .Double("supply_gwh", "GWh/yr", "Extractable heat of the class's hectares after restrictions", c => c.Class.TotalMwhPerYear / 1000)
        .Text("ground_source", "Ground input: 'assumed' (not measured) or 'measured'", c => c.GroundSource)
        .Build();

    private static readonly ResultTable<RestrictionReport> Restrictions = ResultTable<RestrictionReport>.Create("geothermal_restrictions", ResultGeometry.MultiPolygon, r => r.Area)
        .GeometryOptional().IndexedBy("rule_order").WithTilePieces()
        .Integer("rule_order", "Order the rule was applied in", r => r.Order)
        .Text("layer", "Restriction layer", r => r.Rule.Layer)
        .Double("buffer_m", "m", "Buffer around the layer's features", r => r.Rule.BufferMeters)
        .Boolean("strict", "Strict (no borehole) or limited", r => r.Rule.Strict)
        .Double("factor", null, "Share of the potential a hit cell keeps (0 for strict)", r => r.Rule.KeptFactor)
        .Integer("features", "Input features (0: nothing to restrict in the data)", r => r.Features)
        .Double("alone_km2", "km²", "Area the rule restricts on its own", r => r.AloneSquareMeters / 1e6)
        .Double("unique_km2", "km²", "Area only this rule restricts", r => r.UniqueSquareMeters / 1e6)
        .Double("sequential_km2", "km²", "Area it adds to the rules before it", r => r.SequentialSquareMeters / 1e6)
        .Build();

    private static readonly ResultTable<ValueClass> Demand = ResultTable<ValueClass>.Create("heat_demand", ResultGeometry.MultiPolygon, c => c.Geometry)
        .IndexedBy("class").WithTilePieces()
        .Integer("class", "Heat-density class, 1 = lowest", c => c.Class)
        .Double("density_min_mwh_ha", "MWh/ha/yr", "Lower bound of the class", c => c.Lower)
        .Double("density_max_mwh_ha", "MWh/ha/yr", "Upper bound of the class (none: open)", c => c.Upper, nullable: true)
        .Double("area_km2", "km²", "Area of the class", c => c.AreaSquareMeters / 1e6)
        .Double("demand_gwh", "GWh/yr", "Heat demand of the class's hectares", c => c.TotalMwhPerYear / 1000)
        .Build();

    private static readonly ResultTable<HeatingArea> HeatingAreas = ResultTable<HeatingArea>.Create("district_heating_areas", ResultGeometry.MultiPolygon, a => a.Geometry)
        .IndexedBy("area_id")
        .Integer("area_id", "Area number", a => a.Id)
        .Double("area_ha", "ha", "Area", a => a.AreaHectares)
        .Double("demand_gwh", "GWh/yr", "Heat demand", a => a.DemandMwhPerYear / 1000)
        .Double("residents", null, "Residents", a => a.Residents)
        .Double("supply_gwh", "GWh/yr", "Shallow geothermal supply inside the area", a => a.SupplyMwhPerYear / 1000)
        .Double("waste_heat_gwh", "GWh/yr", "Waste heat of the sources matched to the area", a => a.WasteHeatMwhPerYear / 1000)
        .Text("communes", "Codes of the communes the area touches", a => string.Join(",", a.CommuneCodes))
        .Boolean("intercommunal", "The area spans more than one commune", a => a.CommuneCodes.Count > 1)
        .Build();

    private static readonly ResultTable<WasteHeatMatch> WasteHeat = ResultTable<WasteHeatMatch>.Create("waste_heat_matches", ResultGeometry.Point, m => m.Source.Location)
        .IndexedBy("source_id")
        .BigInt("source_id", "Heat source id (heat_sources layer)", m => m.Source.Id)
        .Text("source_name", "Heat source", m => m.Source.Name, nullable: true)
        .Text("kind", "Kind of source", m => m.Source.Kind, nullable: true)
        .Double("heat_gwh", "GWh/yr", "Recoverable heat", m => m.Source.HeatMwhPerYear / 1000)
        .Integer("area_id", "District-heating area it can serve (none within the distance: empty)", m => m.AreaId, nullable: true)
        .Double("distance_m", "m", "Distance to that area (or to the nearest area when none is within reach)", m => m.DistanceMeters, nullable: true)
        .Double("covered_pct", "%", "Source heat over the area's demand", m => m.CoveredPercent, nullable: true)
        .Build();

    private static readonly CommuneFigureSet<CommuneGeothermal> Figures = new CommuneFigureSet<CommuneGeothermal>(f => f.CommuneId)
        .Sum("geothermal_supply_gwh", "Shallow geothermal supply", "GWh/yr", f => f.SupplyMwhPerYear / 1000)
        .Sum("heat_demand_gwh", "Heat demand", "GWh/yr", f => f.DemandMwhPerYear / 1000)
        .Ratio("geothermal_coverage_pct", "Heat demand the ground can cover", "%", "geothermal_supply_gwh", "heat_demand_gwh", 100, f => f.CoveragePercent)
        .Sum("geothermal_grid_km2", "Area on the geothermal grid", "km²", f => f.GridSquareMeters / 1e6)
        .Sum("geothermal_restricted_km2", "Area closed to boreholes", "km²", f => f.RestrictedSquareMeters / 1e6)
        .Ratio("geothermal_restricted_pct", "Share closed to boreholes", "%", "geothermal_restricted_km2", "geothermal_grid_km2", 100, f => f.RestrictedPercent)
        .Sum("dh_demand_gwh", "Demand in district-heating candidate areas", "GWh/yr", f => f.DistrictHeatingDemandMwhPerYear / 1000);

    /// <summary>The description: parameters, inputs, result tables, layers and figures.</summary>
    public static AnalysisDescription Definition { get; } = new AnalysisDescription<GeothermalParameters>(KindName, "Shallow geothermal potential cadastre",
        "G.POT borehole potential per cell after restrictions, heat demand per hectare, coverage, district-heating critical mass and waste heat per commune.",
        p => p.Validate())
    {
        Inputs =
        [
            AnalysisInput.Communes, AnalysisInput.Population, InputLayer.PopulationCells, InputLayer.Buildings, InputLayer.Places, InputLayer.LandCover,
            InputLayer.WaterBodies, InputLayer.Waterways, InputLayer.ProtectedAreas, InputLayer.HeatSources, InputLayer.Parcels,
        ],
        Attribution = Attribution,
        RasterParameters =
        [
            new("conductivityRaster", "conductivity", "ground conductivity raster", MinRegionCoverage: 0.99),
            new("groundTemperatureRaster", "ground_temperature", "ground temperature raster", MinRegionCoverage: 0.99),
        ],
        Tables = [Communes, Potential, Restrictions, Demand, HeatingAreas, WasteHeat],
        Figures = Figures.Figures,
        Layers =
        [
            AnalysisDescription.Layer(KindName, "geothermal_communes", "Geothermal potential per commune", "Shallow geothermal supply, heat demand and their ratio per commune",
                Communes, new LayerStyle { Kind = StyleKind.Graduated, Field = "coverage_pct", Ramp = LayerStyle.Ramps.Greens, Breaks = [0, 50, 100, 200, 500],
                    Legend = "Heat demand the ground can cover (%)" },
                new ResultField("code", Filterable: true), new ResultField("name", As: "commune", Filterable: true), new("supply_gwh", 1), new("demand_gwh", 1),
                new("coverage_pct", 1), new("restricted_pct", 2), new("dh_demand_gwh", 1), "demand_method", "ground_source") with { Attribution = Attribution },
            AnalysisDescription.Layer(KindName, "geothermal_potential", "Geothermal potential map", "Energy of one borehole heat exchanger (G.POT) in equal-interval classes",
                Potential, new LayerStyle { Kind = StyleKind.Classes, Field = "class", BoundFields = ("energy_min_mwh", "energy_max_mwh"), Ramp = LayerStyle.Ramps.OrangeRed,
                    Legend = "MWh/yr per borehole", Opacity = 0.7 },
                new ResultField("class", Filterable: true), new("energy_min_mwh", 2), new("energy_max_mwh", 2), new("area_km2", 3), new("supply_gwh", 1),
                "ground_source") with { Attribution = Attribution },
            AnalysisDescription.Layer(KindName, "geothermal_restrictions", "Geothermal restrictions", "For each restriction: its buffer and the area it closes or limits alone, uniquely and in sequence",
                Restrictions, new LayerStyle { Legend = "Area each restriction hits on its own", Opacity = 0.35 },
                new ResultField("rule_order", Filterable: true), new ResultField("layer", Filterable: true), "buffer_m", "strict", "factor", "features",
                new("alone_km2", 3), new("unique_km2", 3), new("sequential_km2", 3)) with { Attribution = Attribution },
            AnalysisDescription.Layer(KindName, "heat_demand", "Heat demand density", "Heat demand per hectare in density classes (buildings or residents, assumed specific demands)",
                Demand, new LayerStyle { Kind = StyleKind.Classes, Field = "class", BoundFields = ("density_min_mwh_ha", "density_max_mwh_ha"), Ramp = LayerStyle.Ramps.Purples,
                    Legend = "MWh/ha/yr", Opacity = 0.7 },
                new ResultField("class", Filterable: true), new("density_min_mwh_ha", 0), new("density_max_mwh_ha", 0), new("area_km2", 3), new("demand_gwh", 1)) with { Attribution = Attribution },
            AnalysisDescription.Layer(KindName, "district_heating_areas", "District-heating candidate areas", "Connected hectares above the heat-density threshold whose demand passes the area threshold (Hotmaps)",
                HeatingAreas, new LayerStyle { Kind = StyleKind.Graduated, Field = "demand_gwh", Ramp = LayerStyle.Ramps.OrangeRed, Legend = "Heat demand of the area (GWh/yr)", Visible = true },
                new ResultField("area_id", Filterable: true), new("area_ha", 0), new("demand_gwh", 1), new("residents", 0), new("supply_gwh", 1), new("waste_heat_gwh", 2),
                new ResultField("communes", Filterable: true), "intercommunal") with { Attribution = Attribution },
            AnalysisDescription.Layer(KindName, "waste_heat_matches", "Waste heat for district heating", "Heat sources and the candidate area each can serve",
                WasteHeat, new LayerStyle { Legend = "Waste-heat sources", LabelField = "source_name" },
                new ResultField("source_id", Filterable: true), "source_name", "kind", new("heat_gwh", 2), "area_id", new("distance_m", 0), new("covered_pct", 1)) with { Attribution = Attribution },
        ],
    };

    /// <inheritdoc />
    public AnalysisDescription Description => Definition;

    /// <inheritdoc />
    public async Task<RunOutput> ComputeAsync(RunContext context, CancellationToken ct)
    {
        var p = context.Parameters<GeothermalParameters>();
        var region = context.Region;
        await using var connection = await context.DataSource.OpenConnectionAsync(ct);
        var communes = await context.CommunesAsync(connection, ct);
        var populations = await CommunePopulationsAsync(context, connection, communes, ct);
        var grid = GeothermalCalculator.SupplyGrid(region.Srid, communes.Envelope, p.CellSizeMeters);
        var area = communes.Extent;

        var layers = new Dictionary<string, IReadOnlyList<Geometry>>();
        foreach (var (layer, sql) in RestrictionQueries)
        {
            var list = new List<Geometry>();
            await foreach (var g in Read(connection, sql, ct, r => r.GetFieldValue<Geometry>(0), region.Id, area)) list.Add(g);
            layers[layer] = list;
        }
        var buildings = new List<BuildingFootprint>();
        await foreach (var b in Read(connection, """
            SELECT geom, class, tags->'building:levels', tags->'height' FROM buildings WHERE region_id = $1 AND geom && $2 ORDER BY id
            """, ct, r => new BuildingFootprint(r.GetFieldValue<Geometry>(0), r.IsDBNull(1) ? null : r.GetString(1), Number(r, 2), Number(r, 3)), region.Id, area))
            buildings.Add(b);
        layers[GeothermalLayers.Buildings] = [.. buildings.Select(b => b.Footprint)];
        var places = new List<Dwelling>();
        await foreach (var d in Read(connection, "SELECT geom, class FROM places WHERE region_id = $1 AND geom && $2 ORDER BY id", ct,
            r => new Dwelling(r.GetFieldValue<Geometry>(0), r.IsDBNull(1) ? "" : r.GetString(1)), region.Id, area)) places.Add(d);
        var census = new List<CensusCell>();
        await foreach (var cell in Read(connection, "SELECT geom, population FROM population_cells WHERE region_id = $1 AND geom && $2 AND population > 0 ORDER BY id",
            ct, r => new CensusCell(r.GetFieldValue<Geometry>(0), r.GetInt32(1)), region.Id, area)) census.Add(cell);
        var sources = new List<HeatSource>();
        int withoutHeat = 0;
        await foreach (var s in Read(connection, "SELECT id, name, class, geom, heat_mwh_per_year FROM heat_sources WHERE region_id = $1 AND geom && $2 ORDER BY id",
            ct, r => new HeatSource(r.GetInt64(0), r.IsDBNull(1) ? null : r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.GetFieldValue<Point>(3),
                r.IsDBNull(4) ? 0 : r.GetDouble(4)), region.Id, area))
        {
            if (s.HeatMwhPerYear > 0) sources.Add(s); else withoutHeat++;
        }
        if (withoutHeat > 0) context.Log.Add($"{withoutHeat} heat source(s) without heat_mwh_per_year or heat_mw: left out of the waste-heat match");

        var rasterNames = new Dictionary<string, string>();
        float[]? ReadInput(string input)
        {
            if (context.RasterPath(input) is not { } path) return null;
            rasterNames[input] = Path.GetFileNameWithoutExtension(path);
            return GeoTiff.ReadOnto(path, grid, Resampling.Bilinear).Cells;
        }
        var conductivity = ReadInput("conductivity");
        var groundTemperature = ReadInput("ground_temperature");
        float[]? elevation = null;
        if (groundTemperature is null && p.GroundTemperatureFromElevation && await ElevationAsync(context, connection, grid, ct) is { } dem)
        {
            elevation = dem.Cells;
            rasterNames["dem"] = dem.Name;
        }
        context.Log.Add($"grid {grid.Width} × {grid.Height} cells of {p.CellSizeMeters} m ({grid.CellCount / 1e6:F1} M); {communes.All.Count} communes; " +
            string.Join(", ", layers.Select(l => $"{l.Key} {l.Value.Count}")) + $"; {places.Count} places; {census.Count} census cells; {sources.Count} heat sources");

        var inputs = new GeothermalInputs
        {
            Grid = grid,
            Communes = [.. communes.All.Select(c => new GeothermalCommune(c.Id, c.Code, c.Boundary, populations[c.Id]))],
            RestrictionLayers = layers,
            Buildings = buildings,
            Places = places,
            Census = census,
            Conductivity = conductivity,
            GroundTemperature = groundTemperature,
            ElevationMeters = elevation,
            RasterNames = rasterNames,
            HeatSources = sources,
        };
        var result = await GeothermalCalculator.ComputeAsync(inputs, p, (stage, pct) => context.StageAsync(stage, pct), ct);
        ct.ThrowIfCancellationRequested();
        context.Log.AddRange(result.Notes);
        double supply = result.Communes.Sum(c => c.SupplyMwhPerYear), demand = result.Communes.Sum(c => c.DemandMwhPerYear);
        context.Log.Add($"supply {supply / 1000:F1} GWh/yr, demand {demand / 1000:F1} GWh/yr ({(demand > 0 ? 100 * supply / demand : 0):F0} %); " +
            $"{result.HeatingAreas.Count} district-heating candidate area(s) with {result.HeatingAreas.Sum(a => a.DemandMwhPerYear) / 1000:F1} GWh/yr; " +
            $"{result.WasteHeat.Count(m => m.AreaId is not null)} of {result.WasteHeat.Count} heat source(s) matched");
        var byId = communes.All.ToDictionary(c => c.Id);
        return new RunOutput(ResultHash(result))
            .Rows(Communes, result.Communes.Select(f => new CommuneRow(f, byId[f.CommuneId], result.GroundSource)))
            .Rows(Potential, result.PotentialClasses.Select(c => new ClassRow(c, result.GroundSource)))
            .Rows(Restrictions, result.Restrictions)
            .Rows(Demand, result.DemandClasses)
            .Rows(HeatingAreas, result.HeatingAreas)
            .Rows(WasteHeat, result.WasteHeat)
            .Figures(Figures, result.Communes)
            .Raster("gpot_energy", path => GeoTiff.Write(path, result.EnergyPerBorehole))
            .Raster("restriction_factor", path => GeoTiff.Write(path, result.RestrictionFactor))
            .Raster("heat_demand", path => GeoTiff.Write(path, result.DemandPerHectare))
            .Raster("supply", path => GeoTiff.Write(path, result.SupplyPerHectare));
    }

    /// <summary>A tag read as a number (a decimal point or comma, an optional unit after it), or null.</summary>
    private static double? Number(Npgsql.NpgsqlDataReader r, int column)
    {
        if (r.IsDBNull(column)) return null;
        var text = r.GetString(column).Trim().Replace(',', '.');
        int end = 0;
        while (end < text.Length && (char.IsAsciiDigit(text[end]) || text[end] == '.')) end++;
        return double.TryParse(text.AsSpan(0, end), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : null;
    }

    /// <summary>Hash of the results in canonical form (values rounded to 1e-6): equal inputs and parameters give equal hashes.</summary>
    internal static string ResultHash(GeothermalResult result)
    {
        var sb = new StringBuilder();
        static string F(double? v) => v is { } x ? RunOutput.Canonical(x) : "-";
        sb.Append(CultureInfo.InvariantCulture, $"{result.GroundSource}:{result.GroundInputs}:{result.BoreholesPerHectare};");
        foreach (var c in result.Communes)
            sb.Append(CultureInfo.InvariantCulture, $"c{c.CommuneId}:{F(c.SupplyMwhPerYear)}:{F(c.DemandMwhPerYear)}:{F(c.RestrictedSquareMeters)}:{F(c.LimitedSquareMeters)}:{F(c.DistrictHeatingDemandMwhPerYear)}:{c.DemandMethod};");
        foreach (var r in result.Restrictions) sb.Append(CultureInfo.InvariantCulture, $"r{r.Order}:{r.Rule.Layer}:{F(r.AloneSquareMeters)}:{F(r.UniqueSquareMeters)}:{F(r.SequentialSquareMeters)};");
        foreach (var c in result.PotentialClasses) sb.Append(CultureInfo.InvariantCulture, $"p{c.Class}:{F(c.Lower)}:{F(c.AreaSquareMeters)}:{F(c.TotalMwhPerYear)};");
        foreach (var c in result.DemandClasses) sb.Append(CultureInfo.InvariantCulture, $"d{c.Class}:{F(c.AreaSquareMeters)}:{F(c.TotalMwhPerYear)};");
        foreach (var a in result.HeatingAreas) sb.Append(CultureInfo.InvariantCulture, $"a{a.Id}:{F(a.AreaHectares)}:{F(a.DemandMwhPerYear)}:{string.Join(",", a.CommuneCodes)};");
        foreach (var m in result.WasteHeat) sb.Append(CultureInfo.InvariantCulture, $"w{m.Source.Id}:{m.AreaId}:{F(m.DistanceMeters)};");
        return RunOutput.HashOf(sb.ToString());
    }

    private const string WaterProtection = "'(drinking|trinkwasser|wasserschutz|water.?protection|protection des eaux|zone de protection|captage)'";

    /// <summary>The restriction layers' features: $1 the region id, $2 the area read (a geometry); buildings are read with their tags.</summary>
    internal static readonly (string Layer, string Sql)[] RestrictionQueries =
    [
        (GeothermalLayers.DrinkingWater, $"""
            SELECT geom FROM protected_areas WHERE region_id = $1 AND geom && $2 AND (tags->'protect_class' = '12'
              OR coalesce(class, '') ~* {WaterProtection} OR coalesce(tags->'protection_title', '') ~* {WaterProtection})
            """),
        (GeothermalLayers.ProtectedAreas, $"""
            SELECT geom FROM protected_areas WHERE region_id = $1 AND geom && $2 AND NOT (coalesce(tags->'protect_class', '') = '12'
              OR coalesce(class, '') ~* {WaterProtection} OR coalesce(tags->'protection_title', '') ~* {WaterProtection})
            """),
        (GeothermalLayers.Water, """
            SELECT geom FROM water_bodies WHERE region_id = $1 AND geom && $2
            UNION ALL SELECT geom FROM land_cover WHERE region_id = $1 AND class IN ('water', 'reservoir', 'basin', 'wetland') AND geom && $2
            UNION ALL SELECT geom FROM waterways WHERE region_id = $1 AND geom && $2
            """),
        (GeothermalLayers.PlotEdges, "SELECT ST_Boundary(geom) FROM parcels WHERE region_id = $1 AND geom && $2 ORDER BY id"),
    ];
}
