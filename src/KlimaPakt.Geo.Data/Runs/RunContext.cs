using System.Diagnostics;
using KlimaPakt.Geo.Core.Errors;
using KlimaPakt.Geo.Data.Entities;
using NetTopologySuite.Geometries;
using Npgsql;

namespace KlimaPakt.Geo.Data.Runs;

/// <summary>The region a run covers.</summary>
/// <param name="Id">Database id.</param>
/// <param name="Code">Region code.</param>
/// <param name="Srid">EPSG code of its metric CRS.</param>
public sealed record RunRegion(int Id, string Code, int Srid);

/// <summary>Progress of a run: stage and percent of the whole.</summary>
/// <param name="RunId">Run.</param>
/// <param name="Stage">Current stage.</param>
/// <param name="Percent">0–100.</param>
public sealed record RunProgress(Guid RunId, string Stage, double Percent);

/// <summary>A commune of a run.</summary>
/// <param name="Id">Commune id.</param>
/// <param name="Code">Official code.</param>
/// <param name="Name">Name.</param>
/// <param name="Boundary">Boundary in the region's CRS.</param>
public sealed record RunCommune(int Id, string Code, string Name, Geometry Boundary);

/// <summary>The communes of a run with their common extent.</summary>
/// <param name="All">The communes, by code.</param>
public sealed record RunCommunes(IReadOnlyList<RunCommune> All)
{
    /// <summary>Bounding box of every commune, in the region's CRS.</summary>
    public Envelope Envelope { get; } = All.Aggregate(new Envelope(), (e, c) => { e.ExpandToInclude(c.Boundary.EnvelopeInternal); return e; });

    /// <summary>That box as a polygon (the <c>geom &amp;&amp; $2</c> filter of the analyses' input queries).</summary>
    public Geometry Extent => All[0].Boundary.Factory.ToGeometry(Envelope);
}

/// <summary>
/// What an analysis sees while it computes: its parameters, region, communes and database, the rasters its parameters
/// named (resolved when the run was created), stage timing and progress, and its log.
/// </summary>
public sealed class RunContext
{
    private readonly Func<RunProgress, Task> _report;
    private readonly Stopwatch _stage = new();

    internal RunContext(AnalysisRun run, RunRegion region, NpgsqlDataSource dataSource, Func<RunProgress, Task> report)
    {
        Run = run;
        Region = region;
        DataSource = dataSource;
        _report = report;
    }

    /// <summary>The run (id, kind, parameters).</summary>
    public AnalysisRun Run { get; }

    /// <summary>The region.</summary>
    public RunRegion Region { get; }

    /// <summary>Commune codes of a subset run, or null for the whole region.</summary>
    public IReadOnlyList<string>? CommuneCodes => Run.CommuneCodes;

    /// <summary>The database.</summary>
    public NpgsqlDataSource DataSource { get; }

    /// <summary>Name of the current stage.</summary>
    public string? CurrentStage { get; private set; }

    /// <summary>Percent of the whole reached by the current stage.</summary>
    public double CurrentPercent { get; private set; }

    /// <summary>Elapsed milliseconds per finished stage.</summary>
    public Dictionary<string, double> StageTimingsMs { get; } = [];

    /// <summary>Log lines for the run's record.</summary>
    public List<string> Log { get; } = [];

    /// <summary>The stored (validated, normalised) parameters, typed.</summary>
    public T Parameters<T>() where T : new() => Analyses.AnalysisDescription<T>.Read(Run.Parameters);

    /// <summary>Path of the raster a parameter named (input <paramref name="input"/>), or null when the parameter was not set.</summary>
    public string? RasterPath(string input) => Run.InputPaths.GetValueOrDefault(input);

    /// <summary>Ends the current stage (recording its time) and starts <paramref name="stage"/> at <paramref name="percent"/>.</summary>
    public async Task StageAsync(string stage, double percent)
    {
        EndStage();
        CurrentStage = stage;
        CurrentPercent = percent;
        _stage.Restart();
        await _report(new RunProgress(Run.Id, stage, percent));
    }

    /// <summary>Records the current stage's time.</summary>
    public void EndStage()
    {
        if (CurrentStage is not null && _stage.IsRunning) StageTimingsMs[CurrentStage] = Math.Round(_stage.Elapsed.TotalMilliseconds, 1);
        _stage.Reset();
    }

    /// <summary>Records an input's content hash (stored with the run).</summary>
    public void InputHash(string input, string sha256) => Run.InputHashes[input] = sha256;

    /// <summary>
    /// The communes of the run (the whole region, or the subset), by code, with their boundaries. Throws
    /// <see cref="GeoInputException"/> when the region has none.
    /// </summary>
    public async Task<RunCommunes> CommunesAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            "SELECT id, code, name, geom FROM communes WHERE region_id = $1 AND ($2::text[] IS NULL OR code = ANY($2)) ORDER BY code", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = Region.Id });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)CommuneCodes?.ToArray() ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text });
        var list = new List<RunCommune>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) list.Add(new RunCommune(reader.GetInt32(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<Geometry>(3)));
        if (list.Count == 0) throw new GeoInputException($"Region '{Region.Code}' has no communes.");
        return new RunCommunes(list);
    }
}
