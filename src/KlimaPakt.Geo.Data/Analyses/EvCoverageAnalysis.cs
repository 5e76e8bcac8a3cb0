using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using KlimaPakt.Geo.Core.Errors;
using KlimaPakt.Geo.Core.EvCoverage;
using KlimaPakt.Geo.Core.Layers;
using KlimaPakt.Geo.Data.Runs;
using KlimaPakt.Geo.Data.Tiles;
using KlimaPakt.Geo.Raster;
using NetTopologySuite.Geometries;
using Npgsql;
using NpgsqlTypes;

using static KlimaPakt.Geo.Data.Analyses.AnalysisSql;

namespace KlimaPakt.Geo.Data.Analyses;

/// <summary>
/// EV-charger coverage run (issue 6): reads communes with their latest population, buildings or places, chargers
/// and (for network distance) roads from PostGIS, computes with <see cref="EvCoverageCalculator"/>, and publishes
/// per-commune figures, service areas, ranked gaps and proposed sites under the run id.
/// </summary>
public sealed class EvCoverageAnalysis : IAnalysis
{
    /// <summary>The kind name.</summary>
    public const string KindName = "ev";

    /// <inheritdoc />
    public string Kind => KindName;

    /// <inheritdoc />
    public JsonDocument NormaliseParameters(JsonElement? parameters) => RunParameters.Normalise<EvCoverageParameters>(parameters, p => p.Validate());

    /// <inheritdoc />
    public async Task RunAsync(RunContext context, CancellationToken ct)
    {
        var parameters = context.Parameters<EvCoverageParameters>();
        var region = context.Region;
        await context.StageAsync("load inputs", 2);
        await using var connection = await context.DataSource.OpenConnectionAsync(ct);

        var communeFilter = context.CommuneCodes is null ? "" : "AND c.code = ANY($2)";
        object?[] communeArgs = context.CommuneCodes is null ? [region.Id] : [region.Id, context.CommuneCodes.ToArray()];
        var communes = new List<(CommuneDemand Demand, string Code, string Name, int? Year)>();
        await using (var command = Sql(connection, $"""
            SELECT c.id, c.code, c.name, c.geom, p.population, p.year FROM communes c
            LEFT JOIN LATERAL (SELECT population, year FROM commune_populations WHERE commune_id = c.id ORDER BY year DESC LIMIT 1) p ON true
            WHERE c.region_id = $1 {communeFilter} ORDER BY c.code
            """, communeArgs))
        await using (var reader = await command.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct))
                communes.Add((new CommuneDemand(reader.GetInt32(0), reader.GetFieldValue<Geometry>(3), reader.IsDBNull(4) ? -1 : reader.GetInt32(4)),
                    reader.GetString(1), reader.GetString(2), reader.IsDBNull(5) ? null : reader.GetInt32(5)));
        if (communes.Count == 0) throw new GeoInputException($"Region '{region.Code}' has no communes.");
        var withoutPopulation = communes.Where(c => c.Demand.Population < 0).Select(c => c.Name).ToList();
        if (withoutPopulation.Count > 0)
            throw new GeoInputException($"{withoutPopulation.Count} commune(s) of region '{region.Code}' have no population figure: import one (klimapakt import population).", withoutPopulation);

        var envelope = new Envelope();
        foreach (var c in communes) envelope.ExpandToInclude(c.Demand.Boundary.EnvelopeInternal);
        var area = communes[0].Demand.Boundary.Factory.ToGeometry(envelope);
        var dwellings = new List<Dwelling>();
        await foreach (var (geom, kind, size) in Read(connection, """
            SELECT geom, 'building', ST_Area(geom) FROM buildings WHERE region_id = $1 AND geom && $2
            UNION ALL SELECT geom, class, 0 FROM places WHERE region_id = $1 AND geom && $2
            """, ct, r => (r.GetFieldValue<Geometry>(0), r.GetString(1), r.GetDouble(2)), region.Id, area))
            dwellings.Add(new Dwelling(geom, kind, size));
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
        await AnalysisSql.HashInputsAsync(context, connection, ["communes", "population", "ev_chargers", "places", "buildings", "roads"], ct);

        var grid = GridSpec.Covering(region.Srid, envelope.MinX, envelope.MinY, envelope.MaxX, envelope.MaxY, parameters.CellSizeMeters);
        context.Log.Add($"demand grid {grid.Width} × {grid.Height} cells of {parameters.CellSizeMeters} m; {records.Count} charger records; {dwellings.Count} dwellings");
        await context.StageAsync("compute", 10);
        var result = EvCoverageCalculator.Compute(grid, [.. communes.Select(c => c.Demand)], dwellings, records, roads, parameters);
        ct.ThrowIfCancellationRequested();
        context.Log.AddRange(result.Merges.Select(m => "duplicate chargers: " + m));
        context.Log.AddRange(result.SkippedChargers);
        context.Log.Add($"covered {result.CoveredPercentBefore:F2} % before, {result.CoveredPercentAfter:F2} % after {result.Sites.Count} new sites; " +
            $"{(result.SitesForTarget >= 0 ? result.SitesForTarget.ToString(CultureInfo.InvariantCulture) : "no number of")} sites reach {parameters.TargetCoveragePercent} %");

        var byId = communes.ToDictionary(c => c.Demand.CommuneId);
        // The connection carries the publishing transaction: the COPYs below are part of it.
        await context.PublishAsync((c, _, token) => WriteAsync(c, context, result, byId, parameters, token), ResultHash(result), ct);
    }

    private static async Task WriteAsync(NpgsqlConnection connection, RunContext context, EvCoverageResult result,
        Dictionary<int, (CommuneDemand Demand, string Code, string Name, int? Year)> communes, EvCoverageParameters parameters, CancellationToken ct)
    {
        var run = context.Run.Id;
        var region = context.Region.Id;
        await using (var copy = await connection.BeginBinaryImportAsync("""
            COPY results.ev_commune_coverage (run_id, region_id, commune_id, code, name, population, covered_population, covered_pct,
                network_covered_pct, chargers, charging_points, power_kw, chargers_per_1000, points_per_1000, kw_per_bev, distribution_method, geom)
            FROM STDIN (FORMAT BINARY)
            """, ct))
        {
            foreach (var f in result.Communes)
            {
                var c = communes[f.CommuneId];
                await copy.WriteRowAsync(ct, run, region, f.CommuneId, c.Code, c.Name, f.Population, f.CoveredPopulation, f.CoveredPercent,
                    f.NetworkCoveredPopulation is { } n && f.Population > 0 ? 100 * n / f.Population : (object)DBNull.Value,
                    f.Chargers, f.ChargingPoints, f.PowerKw, f.ChargersPer1000, f.PointsPer1000, (object?)f.KwPerBev ?? DBNull.Value,
                    f.DistributionMethod, c.Demand.Boundary);
            }
            await copy.CompleteAsync(ct);
        }
        await using (var copy = await connection.BeginBinaryImportAsync(
            "COPY results.ev_gaps (run_id, region_id, rank, uncovered_population, area_km2, geom) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var g in result.Gaps)
                await copy.WriteRowAsync(ct, run, region, g.Rank, g.UncoveredPopulation, g.AreaSquareMeters / 1e6, AsMulti(g.Area));
            await copy.CompleteAsync(ct);
        }
        await using (var copy = await connection.BeginBinaryImportAsync(
            "COPY results.ev_sites (run_id, region_id, rank, marginal_population, covered_pct_after, geom) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var s in result.Sites) await copy.WriteRowAsync(ct, run, region, s.Rank, s.MarginalPopulation, s.CoveredPercentAfter, s.Location);
            await copy.CompleteAsync(ct);
        }
        await using (var copy = await connection.BeginBinaryImportAsync(
            "COPY results.ev_service_areas (run_id, region_id, charger_id, source_fid, charging_points, merged_records, geom) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var charger in result.Chargers)
                await copy.WriteRowAsync(ct, run, region, charger.Record.Id, charger.Record.SourceFid, charger.Points, charger.Merged.Count,
                    charger.Record.Location.Buffer(parameters.RadiusMeters, 16));
            await copy.CompleteAsync(ct);
        }
        await using (var copy = await connection.BeginBinaryImportAsync(
            "COPY results.commune_metrics (run_id, commune_id, metric, value) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var f in result.Communes)
            {
                foreach (var (metric, value) in new (string, double?)[]
                {
                    ("ev_covered_population", f.CoveredPopulation), ("ev_covered_pct", f.CoveredPercent), ("ev_chargers", f.Chargers),
                    ("ev_charging_points", f.ChargingPoints), ("ev_chargers_per_1000", f.ChargersPer1000), ("ev_points_per_1000", f.PointsPer1000),
                    ("ev_kw_per_bev", f.KwPerBev),
                })
                    if (value is { } v) await copy.WriteRowAsync(ct, run, f.CommuneId, metric, v);
            }
            await copy.CompleteAsync(ct);
        }
    }

    private static MultiPolygon AsMulti(Geometry g) => g as MultiPolygon ?? g.Factory.CreateMultiPolygon([(Polygon)g]);

    /// <summary>Hash of the results in canonical form (values rounded to 1e-6): equal inputs and parameters give equal hashes.</summary>
    internal static string ResultHash(EvCoverageResult result)
    {
        var sb = new StringBuilder();
        static string F(double v) => Math.Round(v, 6).ToString("R", CultureInfo.InvariantCulture);
        foreach (var c in result.Communes)
            sb.Append(CultureInfo.InvariantCulture, $"c{c.CommuneId}:{F(c.Population)}:{F(c.CoveredPopulation)}:{c.Chargers}:{c.ChargingPoints};");
        foreach (var g in result.Gaps) sb.Append(CultureInfo.InvariantCulture, $"g{g.Rank}:{F(g.UncoveredPopulation)}:{F(g.AreaSquareMeters)}:{g.Area.Centroid.AsText()};");
        foreach (var s in result.Sites) sb.Append(CultureInfo.InvariantCulture, $"s{s.Rank}:{s.Location.AsText()}:{F(s.MarginalPopulation)};");
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())));
    }

    /// <summary>The run's published layers (tiles and OGC API - Features collections).</summary>
    public static IEnumerable<PublishedLayer> Layers { get; } =
    [
        new("ev_coverage", "EV coverage per commune", "Share of residents within the service distance of a public charger, per commune",
            "results.ev_commune_coverage", LayerGeometry.Polygon,
            [
                new("code", "t.code", FieldType.String, "Commune code", Filterable: true),
                new("commune", "t.name", FieldType.String, "Commune", Filterable: true),
                new("population", "round(t.population)", FieldType.Integer, "Residents"),
                new("covered_population", "round(t.covered_population)", FieldType.Integer, "Residents within the service distance (straight line)"),
                new("covered_pct", "round(t.covered_pct::numeric, 2)", FieldType.Number, "Covered share, percent"),
                new("network_covered_pct", "round(t.network_covered_pct::numeric, 2)", FieldType.Number, "Covered share by road distance, percent"),
                new("chargers", "t.chargers", FieldType.Integer, "Public chargers (de-duplicated)"),
                new("charging_points", "t.charging_points", FieldType.Integer, "Charging points"),
                new("chargers_per_1000", "round(t.chargers_per_1000::numeric, 3)", FieldType.Number, "Chargers per 1,000 residents"),
                new("kw_per_bev", "round(t.kw_per_bev::numeric, 3)", FieldType.Number, "kW of public charging per battery-electric vehicle (AFIR: 1.3)"),
            ]) { RunKind = KindName, Attribution = "© OpenStreetMap contributors, © ACT, STATEC" },
        new("ev_gaps", "EV coverage gaps", "Populated areas outside every charger's service area, ranked by uncovered residents",
            "results.ev_gaps", LayerGeometry.Polygon,
            [
                new("rank", "t.rank", FieldType.Integer, "1 = most uncovered residents", Filterable: true),
                new("uncovered_population", "round(t.uncovered_population::numeric, 1)", FieldType.Number, "Residents without a charger within reach"),
                new("area_km2", "round(t.area_km2::numeric, 3)", FieldType.Number, "Area in km²"),
            ]) { RunKind = KindName, Attribution = "© OpenStreetMap contributors, © ACT, STATEC" },
        new("ev_sites", "Proposed charger sites", "New charger sites chosen by greedy maximal covering (existing chargers fixed)",
            "results.ev_sites", LayerGeometry.Point,
            [
                new("rank", "t.rank", FieldType.Integer, "Order of choice", Filterable: true),
                new("marginal_population", "round(t.marginal_population::numeric, 1)", FieldType.Number, "Residents newly covered"),
                new("covered_pct_after", "round(t.covered_pct_after::numeric, 2)", FieldType.Number, "Regional coverage with this and earlier sites, percent"),
            ]) { RunKind = KindName, Attribution = "© OpenStreetMap contributors, © ACT, STATEC" },
        new("ev_service_areas", "Charger service areas", "Service distance around each public charger",
            "results.ev_service_areas", LayerGeometry.Polygon,
            [
                new("source_fid", "t.source_fid", FieldType.String, "Charger id in the source"),
                new("charging_points", "t.charging_points", FieldType.Integer, "Charging points"),
                new("merged_records", "t.merged_records", FieldType.Integer, "Duplicate records merged into it"),
            ]) { RunKind = KindName },
    ];
}
