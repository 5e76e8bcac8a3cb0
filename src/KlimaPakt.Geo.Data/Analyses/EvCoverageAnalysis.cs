using System.Globalization;
using System.Text;
using KlimaPakt.Geo.Core.Errors;
using KlimaPakt.Geo.Core.EvCoverage;
using KlimaPakt.Geo.Core.Layers;
using KlimaPakt.Geo.Data.Runs;
using KlimaPakt.Geo.Data.Tiles;
using KlimaPakt.Geo.Raster;
using NetTopologySuite.Geometries;

using static KlimaPakt.Geo.Data.Analyses.AnalysisSql;

namespace KlimaPakt.Geo.Data.Analyses;

/// <summary>
/// EV-charger coverage (issue 6): reads communes with their latest population, buildings or places, chargers and (for
/// network distance) roads from PostGIS and computes with <see cref="EvCoverageCalculator"/>: per-commune figures,
/// service areas, ranked gaps and proposed sites.
/// </summary>
public sealed class EvCoverageAnalysis : IAnalysis
{
    /// <summary>The kind name.</summary>
    public const string KindName = "ev";

    private const string Attribution = "© OpenStreetMap contributors, © ACT, STATEC";

    private sealed record CommuneRow(CommuneCoverage Coverage, RunCommune Commune);

    private sealed record ServiceArea(Charger Charger, Geometry Area);

    private static readonly ResultTable<CommuneRow> Communes = ResultTable<CommuneRow>.Create("ev_commune_coverage", ResultGeometry.MultiPolygon, r => r.Commune.Boundary)
        .WithCommune(r => r.Coverage.CommuneId)
        .Text("code", "Commune code", r => r.Commune.Code)
        .Text("name", "Commune", r => r.Commune.Name)
        .Double("population", null, "Residents", r => r.Coverage.Population)
        .Double("covered_population", null, "Residents within the service distance (straight line)", r => r.Coverage.CoveredPopulation)
        .Double("covered_pct", "%", "Covered share", r => r.Coverage.CoveredPercent)
        .Double("network_covered_pct", "%", "Covered share by road distance",
            r => r.Coverage.NetworkCoveredPopulation is { } n && r.Coverage.Population > 0 ? 100 * n / r.Coverage.Population : null, nullable: true)
        .Integer("chargers", "Public chargers (de-duplicated)", r => r.Coverage.Chargers)
        .Integer("charging_points", "Charging points", r => r.Coverage.ChargingPoints)
        .Double("power_kw", "kW", "Public charging power", r => r.Coverage.PowerKw)
        .Double("chargers_per_1000", null, "Chargers per 1,000 residents", r => r.Coverage.ChargersPer1000)
        .Double("points_per_1000", null, "Charging points per 1,000 residents", r => r.Coverage.PointsPer1000)
        .Double("kw_per_bev", "kW/BEV", "Public charging power per battery-electric vehicle (AFIR: 1.3)", r => r.Coverage.KwPerBev, nullable: true)
        .Text("distribution_method", "How the population was placed on the grid", r => r.Coverage.DistributionMethod)
        .Build();

    private static readonly ResultTable<CoverageGap> Gaps = ResultTable<CoverageGap>.Create("ev_gaps", ResultGeometry.MultiPolygon, g => g.Area)
        .IndexedBy("rank").WithTilePieces()
        .Integer("rank", "1 = most uncovered residents", g => g.Rank)
        .Double("uncovered_population", "residents", "Residents without a charger within reach", g => g.UncoveredPopulation)
        .Double("area_km2", "km²", "Area", g => g.AreaSquareMeters / 1e6)
        .Build();

    private static readonly ResultTable<ProposedSite> Sites = ResultTable<ProposedSite>.Create("ev_sites", ResultGeometry.Point, s => s.Location)
        .IndexedBy("rank")
        .Integer("rank", "Order of choice", s => s.Rank)
        .Double("marginal_population", null, "Residents newly covered", s => s.MarginalPopulation)
        .Double("covered_pct_after", "%", "Regional coverage with this and earlier sites", s => s.CoveredPercentAfter)
        .Build();

    private static readonly ResultTable<ServiceArea> ServiceAreas = ResultTable<ServiceArea>.Create("ev_service_areas", ResultGeometry.Polygon, a => a.Area)
        .BigInt("charger_id", "Charger record id", a => a.Charger.Record.Id)
        .Text("source_fid", "Charger id in the source", a => a.Charger.Record.SourceFid)
        .Integer("charging_points", "Charging points", a => a.Charger.Points)
        .Integer("merged_records", "Duplicate records merged into it", a => a.Charger.Merged.Count)
        .Build();

    private static readonly CommuneFigureSet<CommuneCoverage> Figures = new CommuneFigureSet<CommuneCoverage>(f => f.CommuneId)
        .Sum("ev_covered_population", "Residents near a charger", null, f => f.CoveredPopulation)
        .Ratio("ev_covered_pct", "Share of residents near a charger", "%", "ev_covered_population", "population", 100, f => f.CoveredPercent)
        .Sum("ev_chargers", "Public chargers", null, f => f.Chargers)
        .Sum("ev_charging_points", "Charging points", null, f => f.ChargingPoints)
        .Ratio("ev_chargers_per_1000", "Chargers per 1,000 residents", null, "ev_chargers", "population", 1000, f => f.ChargersPer1000)
        .Ratio("ev_points_per_1000", "Charging points per 1,000 residents", null, "ev_charging_points", "population", 1000, f => f.PointsPer1000)
        .Sum("ev_power_kw", "Public charging power", "kW", f => f.PowerKw)
        .Sum("ev_bevs", "Battery-electric vehicles (fleet shared by population)", null, f => f.Bevs)
        .Ratio("ev_kw_per_bev", "Charging power per BEV", "kW/BEV", "ev_power_kw", "ev_bevs", 1, f => f.KwPerBev);

    /// <summary>The description: parameters, inputs, result tables, layers and figures.</summary>
    public static AnalysisDescription Definition { get; } = new AnalysisDescription<EvCoverageParameters>(KindName, "EV-charger coverage",
        "EV-charger coverage per commune: residents within reach of a public charger, the gaps, and where new chargers cover most.", p => p.Validate())
    {
        Inputs =
        [
            AnalysisInput.Communes, AnalysisInput.Population, InputLayer.PopulationCells, InputLayer.EvChargers, InputLayer.Places,
            InputLayer.Buildings, InputLayer.Roads,
        ],
        Attribution = Attribution,
        Tables = [Communes, Gaps, Sites, ServiceAreas],
        Figures = Figures.Figures,
        Layers =
        [
            AnalysisDescription.Layer(KindName, "ev_coverage", "EV coverage per commune", "Share of residents within the service distance of a public charger, per commune",
                Communes, new LayerStyle { Kind = StyleKind.Graduated, Field = "covered_pct", Ramp = LayerStyle.Ramps.Blues, Breaks = [0, 25, 50, 75, 100],
                    Legend = "Residents within reach of a charger" },
                new ResultField("code", Filterable: true), new ResultField("name", As: "commune", Filterable: true), new("population", 0),
                new("covered_population", 0), new("covered_pct", 2), new("network_covered_pct", 2), "chargers", "charging_points",
                new("chargers_per_1000", 3), new("kw_per_bev", 3)) with { Attribution = Attribution },
            AnalysisDescription.Layer(KindName, "ev_gaps", "EV coverage gaps", "Populated areas outside every charger's service area, ranked by uncovered residents",
                Gaps, new LayerStyle { Kind = StyleKind.Graduated, Field = "uncovered_population", Ramp = LayerStyle.Ramps.Purples, Legend = "Residents without a charger within reach" },
                new ResultField("rank", Filterable: true), new("uncovered_population", 1), new("area_km2", 3)) with { Attribution = Attribution },
            AnalysisDescription.Layer(KindName, "ev_sites", "Proposed charger sites", "New charger sites chosen by greedy maximal covering (existing chargers fixed)",
                Sites, new LayerStyle { Legend = "Proposed sites, by rank", Visible = true, LabelField = "rank" },
                new ResultField("rank", Filterable: true), new("marginal_population", 1), new("covered_pct_after", 2)) with { Attribution = Attribution },
            AnalysisDescription.Layer(KindName, "ev_service_areas", "Charger service areas", "Service distance around each public charger",
                ServiceAreas, new LayerStyle { Legend = "Within the service distance of a charger", Opacity = 0.3 },
                "source_fid", "charging_points", "merged_records") with { Attribution = Attribution },
        ],
    };

    /// <inheritdoc />
    public AnalysisDescription Description => Definition;

    /// <inheritdoc />
    public async Task<RunOutput> ComputeAsync(RunContext context, CancellationToken ct)
    {
        var parameters = context.Parameters<EvCoverageParameters>();
        var region = context.Region;
        await using var connection = await context.DataSource.OpenConnectionAsync(ct);
        var communes = await context.CommunesAsync(connection, ct);
        var populations = await CommunePopulationsAsync(context, connection, communes, ct);
        var demands = communes.All.Select(c => new CommuneDemand(c.Id, c.Boundary, populations[c.Id])).ToList();

        var envelope = communes.Envelope;
        var area = communes.Extent;
        var dwellings = new List<Dwelling>();
        await foreach (var (geom, kind, size) in Read(connection, """
            SELECT geom, 'building', ST_Area(geom) FROM buildings WHERE region_id = $1 AND geom && $2
            UNION ALL SELECT geom, class, 0 FROM places WHERE region_id = $1 AND geom && $2
            """, ct, r => (r.GetFieldValue<Geometry>(0), r.GetString(1), r.GetDouble(2)), region.Id, area))
            dwellings.Add(new Dwelling(geom, kind, size));
        // Census cells spread a commune's total where its buildings do not cover its residents (the method is stated per commune).
        var census = new List<CensusCell>();
        await foreach (var cell in Read(connection, """
            SELECT geom, population FROM population_cells WHERE region_id = $1 AND geom && $2 AND population > 0 ORDER BY id
            """, ct, r => new CensusCell(r.GetFieldValue<Geometry>(0), r.GetInt32(1)), region.Id, area))
            census.Add(cell);
        var records = new List<ChargerRecord>();
        await foreach (var record in Read(connection, """
            SELECT id, source_fid, geom, operator, tags->'ref', capacity FROM ev_chargers WHERE region_id = $1 ORDER BY id
            """, ct, r => new ChargerRecord(r.GetInt64(0), r.GetString(1), r.GetFieldValue<Point>(2), r.IsDBNull(3) ? null : r.GetString(3),
                r.IsDBNull(4) ? null : r.GetString(4), r.IsDBNull(5) ? null : r.GetInt32(5)), region.Id))
            records.Add(record);
        RoadNetwork? roads = null;
        if (parameters.NetworkDistance)
        {
            var lines = new List<Geometry>();
            await foreach (var g in Read(connection, "SELECT geom FROM roads WHERE region_id = $1", ct, r => r.GetFieldValue<Geometry>(0), region.Id)) lines.Add(g);
            roads = new RoadNetwork(lines);
            context.Log.Add(lines.Count == 0 ? "network distance asked for, but the region has no roads: straight-line only" : $"road graph: {lines.Count} roads, {roads.NodeCount} nodes");
        }

        var grid = GridSpec.Covering(region.Srid, envelope.MinX, envelope.MinY, envelope.MaxX, envelope.MaxY, parameters.CellSizeMeters);
        context.Log.Add($"demand grid {grid.Width} × {grid.Height} cells of {parameters.CellSizeMeters} m; {records.Count} charger records; {dwellings.Count} dwellings; {census.Count} census cells");
        await context.StageAsync("compute", 10);
        var result = EvCoverageCalculator.Compute(grid, demands, dwellings, records, roads, parameters, census: census);
        ct.ThrowIfCancellationRequested();
        context.Log.AddRange(result.Merges.Select(m => "duplicate chargers: " + m));
        context.Log.AddRange(result.SkippedChargers);
        context.Log.Add($"covered {result.CoveredPercentBefore:F2} % before, {result.CoveredPercentAfter:F2} % after {result.Sites.Count} new sites; " +
            $"{(result.SitesForTarget >= 0 ? result.SitesForTarget.ToString(CultureInfo.InvariantCulture) : "no number of")} sites reach {parameters.TargetCoveragePercent} %");

        var byId = communes.All.ToDictionary(c => c.Id);
        return new RunOutput(ResultHash(result))
            .Rows(Communes, result.Communes.Select(f => new CommuneRow(f, byId[f.CommuneId])))
            .Rows(Gaps, result.Gaps)
            .Rows(Sites, result.Sites)
            .Rows(ServiceAreas, result.Chargers.Select(c => new ServiceArea(c, c.Record.Location.Buffer(parameters.RadiusMeters, 16))))
            .Figures(Figures, result.Communes);
    }

    /// <summary>Hash of the results in canonical form (values rounded to 1e-6): equal inputs and parameters give equal hashes.</summary>
    internal static string ResultHash(EvCoverageResult result)
    {
        var sb = new StringBuilder();
        static string F(double v) => RunOutput.Canonical(v);
        foreach (var c in result.Communes)
            sb.Append(CultureInfo.InvariantCulture, $"c{c.CommuneId}:{F(c.Population)}:{F(c.CoveredPopulation)}:{c.Chargers}:{c.ChargingPoints};");
        foreach (var g in result.Gaps) sb.Append(CultureInfo.InvariantCulture, $"g{g.Rank}:{F(g.UncoveredPopulation)}:{F(g.AreaSquareMeters)}:{g.Area.Centroid.AsText()};");
        foreach (var s in result.Sites) sb.Append(CultureInfo.InvariantCulture, $"s{s.Rank}:{s.Location.AsText()}:{F(s.MarginalPopulation)};");
        return RunOutput.HashOf(sb.ToString());
    }
}
