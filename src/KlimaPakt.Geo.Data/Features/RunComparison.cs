using System.Globalization;
using System.Text;
using KlimaPakt.Geo.Core.Errors;
using KlimaPakt.Geo.Data.Analyses;
using KlimaPakt.Geo.Data.Exports;
using Npgsql;

namespace KlimaPakt.Geo.Data.Features;

/// <summary>One figure of one commune in two runs.</summary>
/// <param name="Metric">Metric name with its unit.</param>
/// <param name="A">Value in run A, null where it has none.</param>
/// <param name="B">Value in run B, null where it has none.</param>
/// <param name="Difference"><c>B − A</c>, null where either is missing.</param>
public sealed record FigureDifference(string Metric, double? A, double? B, double? Difference);

/// <summary>A commune's figures in two runs.</summary>
/// <param name="Code">Commune code.</param>
/// <param name="Name">Name.</param>
/// <param name="Figures">One entry per described figure either run has.</param>
public sealed record CommuneDifference(string Code, string Name, IReadOnlyList<FigureDifference> Figures);

/// <summary>Two runs of one kind compared commune by commune.</summary>
/// <param name="Kind">Analysis kind.</param>
/// <param name="RunA">The reference run.</param>
/// <param name="RunB">The run compared with it.</param>
/// <param name="Communes">Communes of either run, by code.</param>
/// <param name="Totals">Additive figures summed over the communes both runs have, with <c>B − A</c>.</param>
public sealed record RunComparisonResult(string Kind, Guid RunA, Guid RunB, IReadOnlyList<CommuneDifference> Communes, IReadOnlyList<FigureDifference> Totals)
{
    /// <summary>Areas gained and lost between the runs' main area layers; null when the analysis has no area layer.</summary>
    public AreaDifference? Areas { get; init; }

    /// <summary>A short written summary: the area gained and lost, the totals that changed, the communes that changed most.</summary>
    public string Summary { get; init; } = "";

    /// <summary>The per-commune differences as CSV: one row per commune and figure.</summary>
    public string ToCsv()
    {
        static string Q(string s) => s.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : s;
        static string N(double? v) => v is { } d ? d.ToString("R", CultureInfo.InvariantCulture) : "";
        var sb = new StringBuilder("commune_code,commune,metric,a,b,difference\r\n");
        foreach (var c in Communes)
            foreach (var f in c.Figures)
                sb.AppendJoin(',', [Q(c.Code), Q(c.Name), f.Metric, N(f.A), N(f.B), N(f.Difference)]).Append("\r\n");
        return sb.ToString();
    }
}

/// <summary>A commune's share of the areas gained and lost.</summary>
/// <param name="Code">Commune code.</param>
/// <param name="Name">Name.</param>
/// <param name="GainedKm2">Area in run B's layer and not in run A's, inside the commune, in km².</param>
/// <param name="LostKm2">Area in run A's layer and not in run B's, inside the commune, in km².</param>
public sealed record CommuneAreaDifference(string Code, string Name, double GainedKm2, double LostKm2);

/// <summary>
/// The difference layer of two runs: their main area layer (<see cref="MainLayers.Area"/>, e.g. the wind potential map)
/// dissolved per run and clipped to the communes both runs cover, and <c>ST_Difference</c> each way: gained = B − A, lost = A − B.
/// </summary>
/// <param name="Layer">The layer compared.</param>
/// <param name="AreaAKm2">Dissolved area of run A's layer in the shared communes, in km².</param>
/// <param name="AreaBKm2">Dissolved area of run B's layer in the shared communes, in km².</param>
/// <param name="GainedKm2">Area gained in km².</param>
/// <param name="LostKm2">Area lost in km².</param>
/// <param name="Communes">Per commune touched by a gain or a loss, by code.</param>
public sealed record AreaDifference(string Layer, double AreaAKm2, double AreaBKm2, double GainedKm2, double LostKm2, IReadOnlyList<CommuneAreaDifference> Communes);

/// <summary>Scenario comparison: the per-commune figures (<c>results.commune_metrics</c>) of two published runs of one kind.</summary>
public sealed class RunComparison(NpgsqlDataSource dataSource)
{
    /// <summary>Compares run <paramref name="b"/> with run <paramref name="a"/>.</summary>
    /// <exception cref="NotFoundException">Either run is unknown.</exception>
    /// <exception cref="RunNotPublishedException">Either run is not published.</exception>
    /// <exception cref="GeoInputException">The runs are of different kinds.</exception>
    public async Task<RunComparisonResult> CompareAsync(Guid a, Guid b, CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var kinds = new Dictionary<Guid, string>();
        foreach (var id in new[] { a, b })
        {
            await using var command = new NpgsqlCommand("SELECT kind, status FROM analysis_runs WHERE id = $1", connection);
            command.Parameters.Add(new NpgsqlParameter { Value = id });
            await using var reader = await command.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct)) throw new NotFoundException($"Unknown run {id}.");
            if (reader.GetString(1) != "Published") throw new RunNotPublishedException($"Run {id} is {reader.GetString(1).ToLowerInvariant()}, not published: only published runs are compared.");
            kinds[id] = reader.GetString(0);
        }
        if (kinds[a] != kinds[b]) throw new GeoInputException($"Run {a} is a {kinds[a]} run and run {b} a {kinds[b]} run: only runs of one kind are compared.");
        var description = AnalysisServices.Find(kinds[a]) ?? throw new NotFoundException($"Unknown kind '{kinds[a]}'.");

        var values = new SortedDictionary<string, (string Name, Dictionary<string, double> A, Dictionary<string, double> B)>(StringComparer.Ordinal);
        await using (var command = new NpgsqlCommand("""
            SELECT m.run_id, c.code, c.name, m.metric, m.value FROM results.commune_metrics m JOIN communes c ON c.id = m.commune_id
            WHERE m.run_id = ANY($1)
            """, connection))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = new[] { a, b } });
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var code = reader.GetString(1);
                if (!values.TryGetValue(code, out var row)) values[code] = row = (reader.GetString(2), [], []);
                // A run compared with itself fills both sides from the same rows.
                if (reader.GetGuid(0) == a) row.A[reader.GetString(3)] = reader.GetDouble(4);
                if (reader.GetGuid(0) == b) row.B[reader.GetString(3)] = reader.GetDouble(4);
            }
        }
        var metrics = description.Figures.Where(f => values.Values.Any(v => v.A.ContainsKey(f.Metric) || v.B.ContainsKey(f.Metric))).ToList();
        static double? Get(Dictionary<string, double> d, string m) => d.TryGetValue(m, out var v) ? v : null;
        var communes = values.Select(kv => new CommuneDifference(kv.Key, kv.Value.Name, [.. metrics.Select(f =>
        {
            var (x, y) = (Get(kv.Value.A, f.Metric), Get(kv.Value.B, f.Metric));
            return new FigureDifference(f.Metric, x, y, x is { } p && y is { } q ? q - p : null);
        })])).ToList();
        var totals = metrics.Where(f => f.Aggregation == FigureAggregation.Sum).Select(f =>
        {
            var both = communes.Select(c => c.Figures.Single(x => x.Metric == f.Metric)).Where(x => x.Difference is not null).ToList();
            double sa = both.Sum(x => x.A!.Value), sb = both.Sum(x => x.B!.Value);
            return new FigureDifference(f.Metric, sa, sb, sb - sa);
        }).ToList();
        var areas = MainLayers.Area(description) is { } layer ? await AreasAsync(connection, layer, a, b, ct) : null;
        var result = new RunComparisonResult(kinds[a], a, b, communes, totals) { Areas = areas };
        return result with { Summary = Summarise(result, description) };
    }

    /// <summary>The difference layer as GeoJSON (CRS84): one feature <c>gained</c> and one <c>lost</c> (when not empty), with their area in km².</summary>
    /// <exception cref="NotFoundException">Either run is unknown.</exception>
    /// <exception cref="RunNotPublishedException">Either run is not published.</exception>
    /// <exception cref="GeoInputException">Different kinds, or an analysis without an area layer.</exception>
    public async Task<string> DifferenceGeoJsonAsync(Guid a, Guid b, CancellationToken ct = default)
    {
        var comparison = await CompareAsync(a, b, ct);
        var layer = MainLayers.Area(AnalysisServices.Find(comparison.Kind)!)
            ?? throw new GeoInputException($"The {comparison.Kind} analysis has no area layer to compare.");
        await using var command = dataSource.CreateCommand($"""
            WITH {DifferenceSql(layer)}
            SELECT json_build_object('type', 'FeatureCollection', 'name', 'difference',
                'features', coalesce(json_agg(json_build_object('type', 'Feature',
                    'properties', json_build_object('change', f.change, 'area_km2', round((ST_Area(f.geom) / 1e6)::numeric, 6),
                                                    'layer', $3::text, 'run_a', $1, 'run_b', $2),
                    'geometry', ST_AsGeoJSON(ST_Transform(f.geom, 4326), 7)::json) ORDER BY f.change), '[]'::json))::text
            FROM (SELECT 'gained' AS change, gained AS geom FROM d UNION ALL SELECT 'lost', lost FROM d) f
            WHERE NOT ST_IsEmpty(f.geom)
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = a });
        command.Parameters.Add(new NpgsqlParameter { Value = b });
        command.Parameters.Add(new NpgsqlParameter { Value = layer.Name });
        return (string)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>
    /// CTEs ending in <c>d(gained, lost)</c>: the layer dissolved per run ($1 = A, $2 = B), clipped to the communes both
    /// runs cover (a run over three communes loses nothing elsewhere), and the differences each way.
    /// </summary>
    private static string DifferenceSql(Tiles.PublishedLayer layer) => $"""
        s AS (SELECT ST_UnaryUnion(ST_Collect(c.geom)) AS g FROM communes c
              WHERE c.id IN (SELECT commune_id FROM results.commune_metrics WHERE run_id = $1
                             INTERSECT SELECT commune_id FROM results.commune_metrics WHERE run_id = $2)),
        u AS (SELECT ST_Intersection((SELECT ST_UnaryUnion(ST_Collect(geom)) FROM {layer.Relation} WHERE run_id = $1), s.g) AS ua,
                     ST_Intersection((SELECT ST_UnaryUnion(ST_Collect(geom)) FROM {layer.Relation} WHERE run_id = $2), s.g) AS ub FROM s),
        e AS (SELECT coalesce(ua, ST_SetSRID('POLYGON EMPTY'::geometry, ST_SRID(ub))) AS ua,
                     coalesce(ub, ST_SetSRID('POLYGON EMPTY'::geometry, ST_SRID(ua))) AS ub FROM u),
        d AS (SELECT ua, ub, ST_Multi(ST_CollectionExtract(ST_Difference(ub, ua), 3)) AS gained, ST_Multi(ST_CollectionExtract(ST_Difference(ua, ub), 3)) AS lost FROM e)
        """;

    private static async Task<AreaDifference> AreasAsync(NpgsqlConnection connection, Tiles.PublishedLayer layer, Guid a, Guid b, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"""
            WITH {DifferenceSql(layer)}
            SELECT NULL, NULL, coalesce(ST_Area(ua), 0) / 1e6, coalesce(ST_Area(ub), 0) / 1e6, coalesce(ST_Area(gained), 0) / 1e6, coalesce(ST_Area(lost), 0) / 1e6 FROM d
            UNION ALL
            SELECT c.code, c.name, NULL, NULL, ST_Area(ST_Intersection(c.geom, d.gained)) / 1e6, ST_Area(ST_Intersection(c.geom, d.lost)) / 1e6
            FROM d JOIN communes c ON c.region_id = (SELECT region_id FROM analysis_runs WHERE id = $1)
                                  AND (ST_Intersects(c.geom, d.gained) OR ST_Intersects(c.geom, d.lost))
            """, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = a });
        command.Parameters.Add(new NpgsqlParameter { Value = b });
        double areaA = 0, areaB = 0, gained = 0, lost = 0;
        var communes = new List<CommuneAreaDifference>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            if (reader.IsDBNull(0)) (areaA, areaB, gained, lost) = (reader.GetDouble(2), reader.GetDouble(3), reader.GetDouble(4), reader.GetDouble(5));
            else communes.Add(new CommuneAreaDifference(reader.GetString(0), reader.GetString(1), reader.GetDouble(4), reader.GetDouble(5)));
        }
        // A commune only touching a gain or loss along its edge has zero area: left out.
        return new AreaDifference(layer.Name, areaA, areaB, gained, lost,
            [.. communes.Where(c => c.GainedKm2 > 0 || c.LostKm2 > 0).OrderBy(c => c.Code, StringComparer.Ordinal)]);
    }

    /// <summary>The written summary of a comparison (invariant culture, units from the figure descriptions).</summary>
    private static string Summarise(RunComparisonResult r, AnalysisDescription description)
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        var shared = r.Communes.Count(x => x.Figures.Any(f => f.Difference is not null));
        sb.Append(c, $"{description.Title}: run {r.RunB} (B) compared with run {r.RunA} (A); {r.Communes.Count} communes in either, {shared} in both (the totals and areas below).");
        if (r.RunA == r.RunB) sb.Append(" The same run on both sides: nothing changes.");
        if (r.Areas is { } areas)
        {
            sb.Append(c, $" {areas.Layer}: {areas.AreaAKm2:F2} km² in A, {areas.AreaBKm2:F2} km² in B; {areas.GainedKm2:F2} km² gained, {areas.LostKm2:F2} km² lost");
            var most = areas.Communes.OrderByDescending(x => x.GainedKm2 + x.LostKm2).Take(3).ToList();
            sb.Append(most.Count == 0 ? "." : "; most change in " + string.Join(", ", most.Select(x => string.Create(c, $"{x.Name} (+{x.GainedKm2:F2} / −{x.LostKm2:F2} km²)"))) + ".");
        }
        var changed = r.Totals.Where(t => t.Difference is { } d && Math.Abs(d) > 1e-9).ToList();
        if (changed.Count == 0) sb.Append(" No summed figure changes.");
        foreach (var t in changed)
        {
            var f = description.Figures.First(x => x.Metric == t.Metric);
            var unit = f.Unit is null ? "" : " " + f.Unit;
            var format = "N" + f.Decimals.ToString(c);
            sb.Append(c, $" {f.Label}: {t.A!.Value.ToString(format, c)} → {t.B!.Value.ToString(format, c)}{unit} ({(t.Difference >= 0 ? "+" : "")}{t.Difference!.Value.ToString(format, c)}{unit}).");
        }
        return sb.ToString();
    }
}
