using KlimaPakt.Geo.Core.Errors;
using Npgsql;

namespace KlimaPakt.Geo.Data.Features;

/// <summary>A per-commune figure of the latest published run of an analysis.</summary>
/// <param name="Kind">Analysis kind.</param>
/// <param name="RunId">Run.</param>
/// <param name="PublishedAt">When the run was published.</param>
/// <param name="Metric">Metric name with its unit.</param>
/// <param name="Value">Value.</param>
/// <param name="Label">Human label from the analysis's figure description (the metric name when it has none).</param>
/// <param name="Unit">Unit from the figure description, null for counts.</param>
/// <param name="Decimals">Decimals to show.</param>
public sealed record CommuneMetricValue(string Kind, Guid RunId, DateTimeOffset? PublishedAt, string Metric, double Value, string Label, string? Unit, int Decimals);

/// <summary>What the figures of one run rest on: per input, its sources as the run logged them.</summary>
/// <param name="Kind">Analysis kind.</param>
/// <param name="RunId">Run.</param>
/// <param name="Inputs">One line per input: source, rows, date, coverage, licence, or that the region had no data for it.</param>
public sealed record RunSources(string Kind, Guid RunId, IReadOnlyList<string> Inputs);

/// <summary>A commune's figures for the map's commune panel.</summary>
/// <param name="Id">Commune id (its feature id in tiles and GeoJSON).</param>
/// <param name="Region">Region code.</param>
/// <param name="Code">Commune code.</param>
/// <param name="Name">Name.</param>
/// <param name="Canton">Canton.</param>
/// <param name="Population">Latest population.</param>
/// <param name="PopulationYear">Its reference year (1 January).</param>
/// <param name="AreaKm2">Area in km² (in the region's metric CRS).</param>
/// <param name="Bbox">Bounding box in CRS84: minLon, minLat, maxLon, maxLat.</param>
/// <param name="Metrics">Figures of each analysis's latest published run.</param>
public sealed record CommuneSummary(int Id, string Region, string Code, string Name, string? Canton, int? Population, int? PopulationYear,
    double AreaKm2, double[] Bbox, IReadOnlyList<CommuneMetricValue> Metrics)
{
    /// <summary>What each of those runs rests on (its inputs' sources), by kind.</summary>
    public IReadOnlyList<RunSources> Sources { get; init; } = [];
}

/// <summary>A region and how many communes it has.</summary>
/// <param name="Code">Region code.</param>
/// <param name="Name">Name.</param>
/// <param name="Srid">EPSG code of its working CRS.</param>
/// <param name="Communes">Number of communes.</param>
public sealed record RegionSummary(string Code, string Name, int Srid, int Communes);

/// <summary>Reads commune summaries (for the search and the figures panel) and their per-run metrics.</summary>
public sealed class CommuneFigures(NpgsqlDataSource dataSource)
{
    private const string SummarySelect = """
        SELECT r.code, c.code, c.name, c.canton, p.population, p.year, ST_Area(c.geom) / 1e6,
               ST_XMin(b), ST_YMin(b), ST_XMax(b), ST_YMax(b), c.id
        FROM communes c
        JOIN regions r ON r.id = c.region_id
        CROSS JOIN LATERAL (SELECT ST_Transform(ST_Envelope(c.geom), 4326)::box2d AS b) e
        LEFT JOIN LATERAL (SELECT population, year FROM commune_populations WHERE commune_id = c.id ORDER BY year DESC LIMIT 1) p ON true
        """;

    /// <summary>Every region, by code.</summary>
    public async Task<IReadOnlyList<RegionSummary>> RegionsAsync(CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT r.code, r.name, r.srid, (SELECT count(*)::int FROM communes c WHERE c.region_id = r.id) FROM regions r ORDER BY r.code");
        var list = new List<RegionSummary>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) list.Add(new RegionSummary(reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.GetInt32(3)));
        return list;
    }

    /// <summary>Communes whose name or code contains <paramref name="search"/> (all when null), by name.</summary>
    public async Task<IReadOnlyList<CommuneSummary>> SearchAsync(string? region, string? search, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(SummarySelect + """
             WHERE ($1::text IS NULL OR r.code = $1)
               AND ($2::text IS NULL OR c.name ILIKE '%' || $2 || '%' OR c.code = $2)
             ORDER BY c.name
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)region ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)search ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        var list = new List<CommuneSummary>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) list.Add(Read(reader, []));
        return list;
    }

    /// <summary>One commune with the metrics of each analysis's latest published run.</summary>
    /// <exception cref="NotFoundException">No such region or commune.</exception>
    public async Task<CommuneSummary> GetAsync(string region, string code, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        CommuneSummary summary;
        int communeId;
        await using (var command = new NpgsqlCommand(SummarySelect + " WHERE r.code = $1 AND c.code = $2", connection))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = region });
            command.Parameters.Add(new NpgsqlParameter { Value = code });
            await using var reader = await command.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct)) throw new NotFoundException($"Region '{region}' has no commune '{code}'.");
            summary = Read(reader, []);
            communeId = summary.Id;
        }
        var metrics = new List<CommuneMetricValue>();
        await using (var command = new NpgsqlCommand("""
            SELECT run.kind, run.id, run.published_at, m.metric, m.value
            FROM results.commune_metrics m
            JOIN (SELECT DISTINCT ON (kind) id, kind, published_at FROM analysis_runs
                  WHERE status = 'Published' AND region_id = (SELECT region_id FROM communes WHERE id = $1)
                  ORDER BY kind, published_at DESC NULLS LAST) run ON run.id = m.run_id
            WHERE m.commune_id = $1
            ORDER BY run.kind, m.metric
            """, connection))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = communeId });
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var metric = reader.GetString(3);
                var figure = Analyses.AnalysisServices.FindFigure(metric)?.Figure;
                metrics.Add(new CommuneMetricValue(reader.GetString(0), reader.GetGuid(1), reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2),
                    metric, reader.GetDouble(4), figure?.Label ?? metric, figure?.Unit, figure?.Decimals ?? 2));
            }
        }
        // What each run shown rests on: the per-input lines its log recorded (RunService writes them before computing).
        var sources = new List<RunSources>();
        var runIds = metrics.Select(m => m.RunId).Distinct().ToArray();
        if (runIds.Length > 0)
        {
            await using var command = new NpgsqlCommand("SELECT id, kind, log FROM analysis_runs WHERE id = ANY($1) ORDER BY kind", connection);
            command.Parameters.Add(new NpgsqlParameter { Value = runIds });
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                sources.Add(new RunSources(reader.GetString(1), reader.GetGuid(0),
                    [.. reader.GetFieldValue<string[]>(2).Where(l => l.StartsWith(Runs.RunService.InputLogPrefix, StringComparison.Ordinal))
                        .Select(l => l[Runs.RunService.InputLogPrefix.Length..])]));
        }
        return summary with { Metrics = metrics, Sources = sources };
    }

    private static CommuneSummary Read(NpgsqlDataReader reader, IReadOnlyList<CommuneMetricValue> metrics) => new(
        reader.GetInt32(11), reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3),
        reader.IsDBNull(4) ? null : reader.GetInt32(4), reader.IsDBNull(5) ? null : reader.GetInt32(5), reader.GetDouble(6),
        [Math.Round(reader.GetDouble(7), 6), Math.Round(reader.GetDouble(8), 6), Math.Round(reader.GetDouble(9), 6), Math.Round(reader.GetDouble(10), 6)],
        metrics);
}
