using System.Collections.Concurrent;
using System.Text.Json;
using KlimaPakt.Geo.Core.Errors;
using KlimaPakt.Geo.Data.Analyses;
using KlimaPakt.Geo.Data.Entities;
using KlimaPakt.Geo.Data.Publishing;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace KlimaPakt.Geo.Data.Runs;

/// <summary>A request to run an analysis.</summary>
/// <param name="Kind">Analysis kind (wind, ev, …).</param>
/// <param name="Region">Region code.</param>
/// <param name="Communes">Commune codes for a subset run; null or empty for the whole region.</param>
/// <param name="Parameters">Parameters as JSON (null = defaults).</param>
public sealed record RunRequest(string Kind, string Region, IReadOnlyList<string>? Communes = null, JsonElement? Parameters = null);

/// <summary>
/// The analysis-run machinery every cadastre shares — the one path of the CLI and the API: create (validate, store
/// queued), execute (running → published | failed | cancelled, progress and stage timings recorded), cancel, and mark
/// runs that a stopped process left behind as failed so they can be started again.
/// </summary>
public sealed class RunService(NpgsqlDataSource dataSource, IDbContextFactory<GeoDbContext> contexts, IEnumerable<IAnalysis> analyses,
    IRunPublishedNotifier notifier, ResultsOptions results, Import.ImportService imports)
{
    private readonly Dictionary<string, IAnalysis> _analyses = analyses.ToDictionary(a => a.Description.Kind, StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<Guid, CancellationTokenSource> _executing = new();
    private readonly RunPublisher _publisher = new(dataSource, results);

    /// <summary>Prefix of the run-log lines that say what an input rests on (<see cref="Features.CommuneFigures"/> shows them).</summary>
    public const string InputLogPrefix = "input ";

    /// <summary>Kinds that can run.</summary>
    public IReadOnlyCollection<string> Kinds => _analyses.Keys;

    /// <summary>
    /// Validates the request once — parameters normalised, the communes known, every raster a parameter names resolved,
    /// hashed and checked against the communes run — and stores the run as queued with its normalised parameters and
    /// the rasters' paths and hashes. Bad requests throw and create nothing.
    /// </summary>
    public async Task<AnalysisRun> CreateAsync(RunRequest request, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(request.Kind) || string.IsNullOrWhiteSpace(request.Region))
            throw new GeoInputException($"A run needs a kind ({string.Join(", ", _analyses.Keys.Order())}) and a region.");
        if (!_analyses.TryGetValue(request.Kind, out var analysis))
            throw new NotFoundException($"Unknown analysis '{request.Kind}'. Known: {string.Join(", ", _analyses.Keys.Order())}.");
        var description = analysis.Description;
        var parameters = description.Normalise(request.Parameters);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var region = await db.Regions.AsNoTracking().SingleOrDefaultAsync(r => r.Code == request.Region, ct)
            ?? throw new NotFoundException($"Unknown region '{request.Region}'.");
        List<string>? communes = request.Communes is { Count: > 0 } ? [.. request.Communes.Distinct()] : null;
        if (communes is not null)
        {
            var known = await db.Communes.Where(c => c.RegionId == region.Id && communes.Contains(c.Code)).Select(c => c.Code).ToListAsync(ct);
            var unknown = communes.Except(known).ToList();
            if (unknown.Count > 0) throw new GeoInputException($"Region '{region.Code}' has no commune with code {string.Join(", ", unknown)}.");
        }
        var run = new AnalysisRun
        {
            Id = Guid.CreateVersion7(),
            Kind = description.Kind,
            RegionId = region.Id,
            CommuneCodes = communes,
            Parameters = parameters,
            Status = RunStatus.Queued,
            Stage = "queued",
            CreatedAt = DateTimeOffset.UtcNow,
        };
        foreach (var raster in description.RasterParameters)
        {
            if (!parameters.RootElement.TryGetProperty(raster.Parameter, out var value) || value.ValueKind != JsonValueKind.String) continue;
            var (path, sha) = await RasterInputs.ResolveAsync(dataSource, region.Id, region.Code, communes, raster, value.GetString()!, ct);
            run.InputPaths[raster.Input] = path;
            run.InputHashes[raster.Input] = sha;
        }
        db.Runs.Add(run);
        await db.SaveChangesAsync(ct);
        return run;
    }

    /// <summary>Runs a queued run to its end and returns it in its final state (published, failed or cancelled).</summary>
    public async Task<AnalysisRun> ExecuteAsync(Guid runId, IProgress<RunProgress>? progress = null, CancellationToken ct = default)
    {
        AnalysisRun run;
        RunRegion region;
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            run = await db.Runs.AsNoTracking().SingleOrDefaultAsync(r => r.Id == runId, ct) ?? throw new NotFoundException($"Unknown run {runId}.");
            if (run.Status != RunStatus.Queued) throw new GeoInputException($"Run {runId} is {run.Status.ToString().ToLowerInvariant()}, not queued.");
            region = await db.Regions.AsNoTracking().Where(r => r.Id == run.RegionId).Select(r => new RunRegion(r.Id, r.Code, r.Srid)).SingleAsync(ct);
        }
        var analysis = _analyses[run.Kind];
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(ct);
        _executing[runId] = cancellation;
        try
        {
            run.Status = RunStatus.Running;
            run.StartedAt = DateTimeOffset.UtcNow;
            var context = new RunContext(run, region, dataSource, async p =>
            {
                run.Stage = p.Stage;
                run.ProgressPercent = p.Percent;
                progress?.Report(p);
                await SaveAsync(run, null, null, CancellationToken.None);
            });
            await SaveAsync(run, null, null, cancellation.Token);
            try
            {
                await context.StageAsync("load inputs", 2);
                await using (var connection = await dataSource.OpenConnectionAsync(cancellation.Token))
                    await AnalysisSql.HashInputsAsync(context, connection, analysis.Description.Inputs, cancellation.Token);
                await LogProvenanceAsync(context, analysis.Description, cancellation.Token);
                var output = await analysis.ComputeAsync(context, cancellation.Token);
                cancellation.Token.ThrowIfCancellationRequested();
                await _publisher.PublishAsync(context, output, async (connection, tx) =>
                {
                    run.Status = RunStatus.Published;
                    run.Stage = "published";
                    run.ProgressPercent = 100;
                    run.FinishedAt = run.PublishedAt = DateTimeOffset.UtcNow;
                    await SaveAsync(run, connection, tx, CancellationToken.None);
                }, cancellation.Token);
            }
            finally
            {
                context.EndStage();
                foreach (var (stage, ms) in context.StageTimingsMs) run.StageTimingsMs[stage] = ms;
                run.Log.AddRange(context.Log);
            }
            await SaveAsync(run, null, null, CancellationToken.None);
            progress?.Report(new RunProgress(runId, "published", 100));
            await notifier.RunPublishedAsync(run.Id, run.Kind, CancellationToken.None);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            await FinishAsync(run, RunStatus.Cancelled, "cancelled on request");
        }
        catch (GeoInputException e)
        {
            await FinishAsync(run, RunStatus.Failed, e.Details.Count > 0 ? $"{e.Message} {string.Join("; ", e.Details.Take(20))}" : e.Message);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The detail goes to the run's log for operators; the error text stays generic (no database text to clients).
            run.Log.Add($"internal error: {e.GetType().Name}: {e.Message}");
            await FinishAsync(run, RunStatus.Failed, "internal error while computing the run (see the run's log)");
        }
        finally
        {
            _executing.TryRemove(runId, out _);
        }
        return run;
    }

    /// <summary>Cancels a queued run, or a running one executing in this process. False when it already ended.</summary>
    public async Task<bool> CancelAsync(Guid runId, CancellationToken ct = default)
    {
        if (_executing.TryGetValue(runId, out var running)) { await running.CancelAsync(); return true; }
        await using var command = dataSource.CreateCommand("""
            UPDATE analysis_runs SET status = 'Cancelled', stage = 'cancelled', finished_at = now(), error = 'cancelled on request'
            WHERE id = $1 AND status = 'Queued'
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = runId });
        if (await command.ExecuteNonQueryAsync(ct) > 0) return true;
        _ = await GetAsync(runId, ct) ?? throw new NotFoundException($"Unknown run {runId}.");
        return false;
    }

    /// <summary>A run by id, or null.</summary>
    public async Task<AnalysisRun?> GetAsync(Guid runId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Runs.AsNoTracking().SingleOrDefaultAsync(r => r.Id == runId, ct);
    }

    /// <summary>Runs, newest first, optionally of one kind.</summary>
    public async Task<IReadOnlyList<AnalysisRun>> ListAsync(string? kind, int limit, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var query = db.Runs.AsNoTracking();
        if (kind is not null) query = query.Where(r => r.Kind == kind);
        return await query.OrderByDescending(r => r.CreatedAt).Take(Math.Clamp(limit, 1, 500)).ToListAsync(ct);
    }

    /// <summary>
    /// Marks runs left queued or running by a process that stopped (a crash, a restart) as failed; they can be started
    /// again. Call once at service start, before any run executes.
    /// </summary>
    public async Task<int> FailInterruptedAsync(CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand("""
            UPDATE analysis_runs SET status = 'Failed', stage = 'interrupted', finished_at = now(),
                   error = 'interrupted: the process running it stopped; start the run again'
            WHERE status IN ('Queued', 'Running')
            """);
        return await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// What each input rests on, in the run's log (and so in the CLI summary and GET /runs/{id}): per input its sources
    /// with their rows, date, licence and coverage of the region as their imports declared them, or that the region has
    /// no data for it.
    /// </summary>
    private async Task LogProvenanceAsync(RunContext context, AnalysisDescription description, CancellationToken ct)
    {
        var sources = await imports.LayerSourcesAsync(context.Region.Code, ct);
        foreach (var input in description.Inputs)
        {
            var of = sources.Where(s => s.Table == input.Table).ToList();
            context.Log.Add(of.Count == 0
                ? $"{InputLogPrefix}{input.Name}: no data for region '{context.Region.Code}'"
                : $"{InputLogPrefix}{input.Name}: " + string.Join("; ", of.Select(s => $"{s.Rows:N0} from {s.SourceName}" +
                    string.Concat(new[] { s.DataDate, s.Coverage, s.Licence }.OfType<string>().Select(x => $", {x}")))));
        }
    }

    private async Task FinishAsync(AnalysisRun run, RunStatus status, string error)
    {
        run.Status = status;
        run.Stage = status.ToString().ToLowerInvariant();
        run.Error = error;
        run.FinishedAt = DateTimeOffset.UtcNow;
        run.ResultSha256 = null;
        await SaveAsync(run, null, null, CancellationToken.None);
    }

    private async Task SaveAsync(AnalysisRun run, NpgsqlConnection? connection, NpgsqlTransaction? tx, CancellationToken ct)
    {
        const string sql = """
            UPDATE analysis_runs SET status = $2, stage = $3, progress_percent = $4, stage_timings_ms = $5::jsonb, log = $6,
                   input_hashes = $7, error = $8, started_at = $9, finished_at = $10, published_at = $11, result_sha256 = $12
            WHERE id = $1
            """;
        var owned = connection is null ? await dataSource.OpenConnectionAsync(ct) : null;
        try
        {
            await using var command = new NpgsqlCommand(sql, connection ?? owned, tx);
            command.Parameters.Add(new NpgsqlParameter { Value = run.Id });
            command.Parameters.Add(new NpgsqlParameter { Value = run.Status.ToString() });
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)run.Stage ?? DBNull.Value });
            command.Parameters.Add(new NpgsqlParameter { Value = run.ProgressPercent });
            command.Parameters.Add(new NpgsqlParameter { Value = JsonSerializer.Serialize(run.StageTimingsMs) });
            command.Parameters.Add(new NpgsqlParameter { Value = run.Log.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter { Value = run.InputHashes, NpgsqlDbType = NpgsqlDbType.Hstore });
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)run.Error ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)run.StartedAt ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)run.FinishedAt ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)run.PublishedAt ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)run.ResultSha256 ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            await command.ExecuteNonQueryAsync(ct);
        }
        finally
        {
            if (owned is not null) await owned.DisposeAsync();
        }
    }
}
