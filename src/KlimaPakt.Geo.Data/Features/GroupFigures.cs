using System.Globalization;
using System.Text;
using KlimaPakt.Geo.Core.Errors;
using KlimaPakt.Geo.Data.Analyses;
using Npgsql;

namespace KlimaPakt.Geo.Data.Features;

/// <summary>A group of communes: a canton (from the communes' attribute), a district or a cooperation space.</summary>
/// <param name="Kind"><c>canton</c>, <c>district</c> or <c>space</c>.</param>
/// <param name="Code">Code (for a canton, its name).</param>
/// <param name="Name">Display name.</param>
/// <param name="Source">Where the member list comes from.</param>
/// <param name="Communes">Member commune codes, sorted.</param>
public sealed record CommuneGroupSummary(string Kind, string Code, string Name, string Source, IReadOnlyList<string> Communes);

/// <summary>A figure of a group (or a commune) from the latest published run of one analysis.</summary>
/// <param name="Kind">Analysis kind.</param>
/// <param name="RunId">Run it comes from.</param>
/// <param name="Metric">Metric name with its unit.</param>
/// <param name="Label">Human label.</param>
/// <param name="Unit">Unit, null for counts.</param>
/// <param name="Aggregation">How it combined over the members: <c>sum</c> or <c>ratio</c> (as <c>/catalog</c> names it).</param>
/// <param name="Value">Value: the sum over the members, or <c>scale × Σ numerator / Σ denominator</c> for a ratio.</param>
/// <param name="Communes">Members that had the figure (for a ratio: both its parts).</param>
public sealed record GroupFigure(string Kind, Guid RunId, string Metric, string Label, string? Unit, string Aggregation, double Value, int Communes)
{
    /// <summary>Decimals to show (as the figure description gives them).</summary>
    public int Decimals { get; init; } = 2;
}

/// <summary>A group with its figures.</summary>
/// <param name="Group">The group.</param>
/// <param name="Population">Sum of the members' latest population.</param>
/// <param name="AreaKm2">Sum of the members' areas in km² (region CRS).</param>
/// <param name="Figures">Figures of each analysis's latest published run.</param>
public sealed record GroupFiguresResult(CommuneGroupSummary Group, double Population, double AreaKm2, IReadOnlyList<GroupFigure> Figures);

/// <summary>One column of the indicator table.</summary>
/// <param name="Name">Column name: <c>population</c>, <c>area_km2</c> or a metric.</param>
/// <param name="Label">Human label.</param>
/// <param name="Unit">Unit, null for counts.</param>
/// <param name="Kind">Analysis kind, null for population and area.</param>
/// <param name="RunId">Run the column comes from, null for population and area.</param>
public sealed record IndicatorColumn(string Name, string Label, string? Unit, string? Kind, Guid? RunId);

/// <summary>One row of the indicator table: a commune or a group.</summary>
/// <param name="Unit"><c>commune</c>, <c>canton</c>, <c>district</c> or <c>space</c>.</param>
/// <param name="Code">Code of the commune or group.</param>
/// <param name="Name">Name.</param>
/// <param name="Communes">Member communes (1 for a commune).</param>
/// <param name="Values">Value per column name; null where no member had it.</param>
public sealed record IndicatorRow(string Unit, string Code, string Name, int Communes, IReadOnlyDictionary<string, double?> Values);

/// <summary>The regional indicator table: one row per commune or group, one column per figure across analyses.</summary>
/// <param name="Region">Region code.</param>
/// <param name="By">Unit of the rows.</param>
/// <param name="Runs">The latest published run of each kind, the columns' sources.</param>
/// <param name="Columns">Columns after the row's unit, code, name and commune count.</param>
/// <param name="Rows">Rows, by code.</param>
public sealed record IndicatorTable(string Region, string By, IReadOnlyDictionary<string, Guid> Runs, IReadOnlyList<IndicatorColumn> Columns,
    IReadOnlyList<IndicatorRow> Rows)
{
    /// <summary>The table as RFC 4180 CSV (invariant culture, empty cells for missing values, one <c>run_KIND</c> column per analysis).</summary>
    public string ToCsv()
    {
        var sb = new StringBuilder();
        static string Q(string s) => s.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : s;
        var runs = Runs.OrderBy(r => r.Key, StringComparer.Ordinal).ToList();
        sb.AppendJoin(',', ["unit", "code", "name", "communes", .. Columns.Select(c => c.Name), .. runs.Select(r => "run_" + r.Key)]).Append("\r\n");
        foreach (var row in Rows)
        {
            sb.AppendJoin(',', [row.Unit, Q(row.Code), Q(row.Name), row.Communes.ToString(CultureInfo.InvariantCulture),
                .. Columns.Select(c => row.Values.GetValueOrDefault(c.Name) is { } v ? v.ToString("R", CultureInfo.InvariantCulture) : ""),
                .. runs.Select(r => r.Value.ToString())]);
            sb.Append("\r\n");
        }
        return sb.ToString();
    }
}

/// <summary>
/// Groups of communes and their figures: every per-commune figure of each analysis's latest published run
/// (<c>results.commune_metrics</c>), aggregated as its <see cref="FigureDescription"/> says — additive figures summed,
/// ratios recomputed from the summed numerator and denominator (never an average of the communes' ratios).
/// </summary>
public sealed class GroupFigures(NpgsqlDataSource dataSource)
{
    /// <summary>The units rows can be grouped by.</summary>
    public static readonly IReadOnlyList<string> Units = ["commune", "canton", "district", "space"];

    /// <summary>Where canton memberships come from.</summary>
    public const string CantonSource = "canton attribute of the imported communes";

    /// <summary>Every group of a region (cantons, districts, cooperation spaces), by kind and code.</summary>
    /// <exception cref="NotFoundException">No such region.</exception>
    public async Task<IReadOnlyList<CommuneGroupSummary>> ListAsync(string region, CancellationToken ct)
    {
        var data = await LoadAsync(region, ct);
        return [.. data.Groups.Where(g => g.Kind != "commune").Select(g => g.Summary)];
    }

    /// <summary>One group with its figures.</summary>
    /// <exception cref="NotFoundException">No such region or group.</exception>
    public async Task<GroupFiguresResult> GetAsync(string region, string kind, string code, CancellationToken ct)
    {
        var data = await LoadAsync(region, ct);
        var group = data.Groups.FirstOrDefault(g => g.Kind == kind && string.Equals(g.Summary.Code, code, StringComparison.OrdinalIgnoreCase))
            ?? throw new NotFoundException($"Region '{region}' has no {kind} '{code}'. Its groups: {string.Join(", ", data.Groups.Where(g => g.Kind != "commune").Select(g => $"{g.Kind}/{g.Summary.Code}"))}.");
        return Figures(data, group);
    }

    /// <summary>Every group of a region (cantons, districts, spaces) with its figures, read at once.</summary>
    /// <exception cref="NotFoundException">No such region.</exception>
    public async Task<IReadOnlyList<GroupFiguresResult>> AllAsync(string region, CancellationToken ct)
    {
        var data = await LoadAsync(region, ct);
        return [.. data.Groups.Where(g => g.Kind != "commune").Select(g => Figures(data, g))];
    }

    private static GroupFiguresResult Figures(RegionData data, Unit group)
    {
        var figures = new List<GroupFigure>();
        foreach (var (kind, runId, figure) in data.Figures)
            if (Aggregate(figure, group.CommuneIds, data.Values) is var (value, n) && n > 0)
                figures.Add(new GroupFigure(kind, runId, figure.Metric, figure.Label, figure.Unit, figure.Aggregation.ToString().ToLowerInvariant(), value, n)
                { Decimals = figure.Decimals });
        return new GroupFiguresResult(group.Summary, Sum(group.CommuneIds, data.Values, "population").Value, Sum(group.CommuneIds, data.Values, "area_km2").Value, figures);
    }

    /// <summary>The indicator table of a region by <paramref name="by"/> (commune, canton, district, space).</summary>
    /// <exception cref="GeoInputException">Unknown unit.</exception>
    /// <exception cref="NotFoundException">No such region.</exception>
    public async Task<IndicatorTable> IndicatorsAsync(string region, string by, CancellationToken ct)
    {
        if (!Units.Contains(by)) throw new GeoInputException($"Unknown 'by' value '{by}': one of {string.Join(", ", Units)}.");
        var data = await LoadAsync(region, ct);
        List<IndicatorColumn> columns = [new("population", "Residents", null, null, null), new("area_km2", "Area", "km²", null, null)];
        columns.AddRange(data.Figures.Select(f => new IndicatorColumn(f.Figure.Metric, f.Figure.Label, f.Figure.Unit, f.Kind, f.RunId)));
        var rows = new List<IndicatorRow>();
        foreach (var g in data.Groups.Where(g => g.Kind == by))
        {
            var values = new Dictionary<string, double?>
            {
                ["population"] = Sum(g.CommuneIds, data.Values, "population") is (var p, > 0) ? p : null,
                ["area_km2"] = Sum(g.CommuneIds, data.Values, "area_km2").Value,
            };
            foreach (var (_, _, figure) in data.Figures)
                // A commune's row shows its own stored figure; a group's, the figure aggregated over its members.
                values[figure.Metric] = by == "commune"
                    ? data.Values.TryGetValue(g.CommuneIds[0], out var own) && own.TryGetValue(figure.Metric, out var stored) ? stored : null
                    : Aggregate(figure, g.CommuneIds, data.Values) is var (v, n) && n > 0 ? v : null;
            rows.Add(new IndicatorRow(by, g.Summary.Code, g.Summary.Name, g.CommuneIds.Count, values));
        }
        return new IndicatorTable(region, by, data.Figures.Select(f => (f.Kind, f.RunId)).Distinct().ToDictionary(x => x.Kind, x => x.RunId), columns, rows);
    }

    /// <summary>
    /// A figure over <paramref name="communes"/>: the sum of the members that have it, or for a ratio
    /// <c>scale × Σ numerator / Σ denominator</c> over the members that have both parts (null when that sum is 0);
    /// with the number of members counted.
    /// </summary>
    public static (double Value, int Communes)? Aggregate(FigureDescription figure, IReadOnlyList<int> communes,
        IReadOnlyDictionary<int, Dictionary<string, double>> values)
    {
        if (figure.Aggregation == FigureAggregation.Sum) return Sum(communes, values, figure.Metric);
        double numerator = 0, denominator = 0;
        var n = 0;
        foreach (var id in communes)
            if (values.GetValueOrDefault(id) is { } v && v.TryGetValue(figure.Numerator!, out var a) && v.TryGetValue(figure.Denominator!, out var b))
            {
                numerator += a;
                denominator += b;
                n++;
            }
        return n == 0 || denominator == 0 ? null : (figure.Scale * numerator / denominator, n);
    }

    private static (double Value, int Communes) Sum(IReadOnlyList<int> communes, IReadOnlyDictionary<int, Dictionary<string, double>> values, string metric)
    {
        double sum = 0;
        var n = 0;
        foreach (var id in communes)
            if (values.GetValueOrDefault(id)?.TryGetValue(metric, out var v) == true) { sum += v; n++; }
        return (sum, n);
    }

    private sealed record Unit(string Kind, CommuneGroupSummary Summary, IReadOnlyList<int> CommuneIds);

    private sealed record RegionData(IReadOnlyList<Unit> Groups, IReadOnlyDictionary<int, Dictionary<string, double>> Values,
        IReadOnlyList<(string Kind, Guid RunId, FigureDescription Figure)> Figures);

    /// <summary>The region's communes and groups, and per commune its population, area and the figures of each kind's latest published run.</summary>
    private async Task<RegionData> LoadAsync(string region, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        int regionId;
        await using (var command = new NpgsqlCommand("SELECT id FROM regions WHERE code = $1", connection))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = region });
            regionId = await command.ExecuteScalarAsync(ct) as int? ?? throw new NotFoundException($"Unknown region '{region}'.");
        }
        var members = new List<(string Kind, string Code, string Name, string? Source, int CommuneId, string CommuneCode)>();
        await using (var command = new NpgsqlCommand("""
            SELECT 'commune', c.code, c.name, NULL, c.id, c.code FROM communes c WHERE c.region_id = $1
            UNION ALL
            SELECT 'canton', c.canton, c.canton, $2, c.id, c.code FROM communes c WHERE c.region_id = $1 AND c.canton IS NOT NULL
            UNION ALL
            SELECT g.kind, g.code, g.name, g.source, c.id, c.code
            FROM commune_groups g JOIN commune_group_members m ON m.group_id = g.id JOIN communes c ON c.id = m.commune_id
            WHERE g.region_id = $1
            """, connection))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = regionId });
            command.Parameters.Add(new NpgsqlParameter { Value = CantonSource });
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                members.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetInt32(4), reader.GetString(5)));
        }
        var groups = members.GroupBy(m => (m.Kind, m.Code))
            .OrderBy(g => Array.IndexOf(["commune", "canton", "district", "space"], g.Key.Kind)).ThenBy(g => g.Key.Code, StringComparer.Ordinal)
            .Select(g => new Unit(g.Key.Kind, new CommuneGroupSummary(g.Key.Kind, g.Key.Code, g.First().Name, g.First().Source ?? "",
                [.. g.Select(m => m.CommuneCode).Order(StringComparer.Ordinal)]), [.. g.Select(m => m.CommuneId)]))
            .ToList();

        var values = new Dictionary<int, Dictionary<string, double>>();
        Dictionary<string, double> Of(int id) => values.TryGetValue(id, out var d) ? d : values[id] = [];
        var runs = new Dictionary<string, Guid>();
        await using (var command = new NpgsqlCommand("""
            SELECT c.id, ST_Area(c.geom) / 1e6, (SELECT p.population FROM commune_populations p WHERE p.commune_id = c.id ORDER BY p.year DESC LIMIT 1)
            FROM communes c WHERE c.region_id = $1
            """, connection))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = regionId });
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var v = Of(reader.GetInt32(0));
                v["area_km2"] = reader.GetDouble(1);
                if (!reader.IsDBNull(2)) v["population"] = reader.GetInt32(2);
            }
        }
        await using (var command = new NpgsqlCommand("""
            SELECT run.kind, run.id, m.commune_id, m.metric, m.value
            FROM (SELECT DISTINCT ON (kind) id, kind FROM analysis_runs WHERE status = 'Published' AND region_id = $1
                  ORDER BY kind, published_at DESC NULLS LAST) run
            JOIN results.commune_metrics m ON m.run_id = run.id
            """, connection))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = regionId });
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                runs[reader.GetString(0)] = reader.GetGuid(1);
                Of(reader.GetInt32(2))[reader.GetString(3)] = reader.GetDouble(4);
            }
        }
        // Described figures of the kinds that have a run, in the description's order; figures no commune has are left out.
        var present = values.Values.SelectMany(v => v.Keys).ToHashSet();
        var figures = runs.OrderBy(r => r.Key, StringComparer.Ordinal)
            .SelectMany(r => (AnalysisServices.Find(r.Key)?.Figures ?? []).Where(f => present.Contains(f.Metric)).Select(f => (r.Key, r.Value, f)))
            .ToList();
        return new RegionData(groups, values, figures);
    }
}
