using System.Diagnostics;
using System.Text.Json;
using KlimaPakt.Geo.Data.Entities;
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

/// <summary>
/// What an analysis sees while it runs: its parameters, region and database, stage timing and progress, and the
/// single publishing transaction. Results written through <see cref="PublishAsync"/> become visible, together with the
/// run's <c>published</c> status, when that transaction commits — or not at all.
/// </summary>
public sealed class RunContext
{
    private readonly Func<RunProgress, Task> _report;
    private readonly Func<NpgsqlConnection, NpgsqlTransaction, Task> _markPublished;
    private readonly Stopwatch _stage = new();

    internal RunContext(AnalysisRun run, RunRegion region, NpgsqlDataSource dataSource, Func<RunProgress, Task> report,
        Func<NpgsqlConnection, NpgsqlTransaction, Task> markPublished)
    {
        Run = run;
        Region = region;
        DataSource = dataSource;
        _report = report;
        _markPublished = markPublished;
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

    /// <summary>Elapsed milliseconds per finished stage.</summary>
    public Dictionary<string, double> StageTimingsMs { get; } = [];

    /// <summary>Log lines for the run's record.</summary>
    public List<string> Log { get; } = [];

    /// <summary>The parameters, typed.</summary>
    public T Parameters<T>() => Run.Parameters.Deserialize<T>(JsonSerializerOptions.Web)!;

    /// <summary>Ends the current stage (recording its time) and starts <paramref name="stage"/> at <paramref name="percent"/>.</summary>
    public async Task StageAsync(string stage, double percent)
    {
        EndStage();
        CurrentStage = stage;
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
    /// Writes the results and marks the run published in one transaction, then records <paramref name="resultSha256"/>.
    /// </summary>
    public async Task PublishAsync(Func<NpgsqlConnection, NpgsqlTransaction, CancellationToken, Task> write, string resultSha256, CancellationToken ct)
    {
        await StageAsync("publish", 95);
        Run.ResultSha256 = resultSha256;
        await using var connection = await DataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await write(connection, tx, ct);
        ct.ThrowIfCancellationRequested();
        await _markPublished(connection, tx);
        await tx.CommitAsync(CancellationToken.None);
        EndStage();
    }
}
