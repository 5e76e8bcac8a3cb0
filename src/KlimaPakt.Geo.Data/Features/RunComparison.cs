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
        return new RunComparisonResult(kinds[a], a, b, communes, totals);
    }
}
