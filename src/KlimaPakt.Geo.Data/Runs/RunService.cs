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
public sealed record RunRequest(string Kind, string Region, IReadOnlyList<string>? Communes = null, JsonElement? Parameters = null)
{
    /// <summary>The API key that asks for it (recorded with the run; its queue cap applies); null from the command line.</summary>
    public Guid? CreatedByKeyId { get; init; }
}

/// <summary>
/// The analysis-run machinery every cadastre shares — the one path of the CLI and the API: create (validate, store
/// queued), execute (running → published | failed | cancelled, progress and stage timings recorded), cancel, and mark
/// runs that a stopped process left behind as failed so they can be started again. Queued runs wait in PostgreSQL;
/// any number of worker processes claim them (<see cref="ClaimNextAsync(CancellationToken)"/>, <c>FOR UPDATE SKIP LOCKED</c>).
/// </summary>
public sealed partial class RunService(NpgsqlDataSource dataSource, IDbContextFactory<GeoDbContext> contexts, IEnumerable<IAnalysis> analyses,
    IRunPublishedNotifier notifier, ResultsOptions results, Import.ImportService imports, RunOptions options,
    Features.GroupLayer? groupLayer = null, Microsoft.Extensions.Logging.ILogger<RunService>? logger = null) : IAsyncDisposable, IDisposable
{
    private readonly Dictionary<string, IAnalysis> _analyses = analyses.ToDictionary(a => a.Description.Kind, StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<Guid, CancellationTokenSource> _executing = new();
    private readonly RunPublisher _publisher = new(dataSource, results);
    private readonly RunWorkerLease _lease = new(dataSource);

    /// <summary>Prefix of the run-log lines that say what an input rests on (<see cref="Features.CommuneFigures"/> shows them).</summary>
    public const string InputLogPrefix = "input ";

    /// <summary>Kinds that can run.</summary>
    public IReadOnlyCollection<string> Kinds => _analyses.Keys;

    /// <summary>
    /// Validates the request once — parameters normalised, the communes known, every raster a parameter names resolved,
    /// hashed and checked against the communes run — and stores the run as queued with its normalised parameters and
    /// the rasters' paths and hashes. Bad requests throw and create nothing.
    /// </summary>
    public Task<AnalysisRun> CreateAsync(RunRequest request, CancellationToken ct = default) => CreateCoreAsync(request, hold: false, ct);

    /// <summary>
    /// As <see cref="CreateAsync"/>, for a run this process executes itself right after (the CLI's <c>run</c>, tests):
    /// it is created claimed by this process's lease, so no worker takes it.
    /// </summary>
    public Task<AnalysisRun> CreateHeldAsync(RunRequest request, CancellationToken ct = default) => CreateCoreAsync(request, hold: true, ct);

    private async Task<AnalysisRun> CreateCoreAsync(RunRequest request, bool hold, CancellationToken ct)
    {
        var run = await PrepareAsync(request, ct);
        if (hold)
        {
            await _lease.EnsureAsync(ct);
            run.WorkerLock = _lease.Id;
        }
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await EnqueueAsync(db, [run], request.CreatedByKeyId, ct);
        await tx.CommitAsync(ct);
        return run;
    }

    /// <summary>
    /// Validates a request as <see cref="CreateAsync"/> does — parameters, communes, budgets, rasters — and returns the
    /// queued run it would store, without storing it (a study validates all its runs before it queues any).
    /// </summary>
    public async Task<AnalysisRun> PrepareAsync(RunRequest request, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(request.Kind) || string.IsNullOrWhiteSpace(request.Region))
            throw new GeoInputException($"A run needs a kind ({string.Join(", ", _analyses.Keys.Order())}) and a region.");
        if (!_analyses.TryGetValue(request.Kind, out var analysis))
            throw new NotFoundException($"Unknown analysis '{RasterInputs.Shown(request.Kind)}'. Known: {string.Join(", ", _analyses.Keys.Order())}.");
        var description = analysis.Description;
        var parameters = description.Normalise(request.Parameters);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var region = await db.Regions.AsNoTracking().SingleOrDefaultAsync(r => r.Code == request.Region, ct)
            ?? throw new NotFoundException($"Unknown region '{RasterInputs.Shown(request.Region)}'.");
        List<string>? communes = request.Communes is { Count: > 0 } ? [.. request.Communes.Distinct()] : null;
        if (communes is not null)
        {
            if (communes.Count > 1000 || communes.Any(c => c is null || c.Length > 40))
                throw new GeoInputException("Communes must be at most 1,000 codes of at most 40 characters.");
            var known = await db.Communes.Where(c => c.RegionId == region.Id && communes.Contains(c.Code)).Select(c => c.Code).ToListAsync(ct);
            var unknown = communes.Except(known).ToList();
            if (unknown.Count > 0) throw new GeoInputException($"Region '{region.Code}' has no commune with code {RasterInputs.Shown(string.Join(", ", unknown))}.");
        }
        var budget = await CheckBudgetAsync(description, parameters, region.Id, communes, ct);
        if (description.CheckInputsAsync is { } checkInputs) await checkInputs(new InputCheck(dataSource, region.Id, region.Code, communes, parameters), ct);
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
            EstimatedPeakBytes = budget is null ? null : (long)Math.Ceiling(budget.PeakBytes),
        };
        foreach (var raster in description.RasterParameters)
        {
            if (!parameters.RootElement.TryGetProperty(raster.Parameter, out var value) || value.ValueKind != JsonValueKind.String) continue;
            var (path, sha) = await RasterInputs.ResolveAsync(dataSource, region.Id, region.Code, communes, raster, value.GetString()!, ct);
            run.InputPaths[raster.Input] = path;
            run.InputHashes[raster.Input] = sha;
        }
        run.CreatedByKeyId = request.CreatedByKeyId;
        return run;
    }

    /// <summary>
    /// Stores prepared runs as queued in <paramref name="db"/>'s open transaction (the caller commits): the queue caps are
    /// counted and the runs added under one transaction-scoped lock, so concurrent requests cannot both take the last
    /// places, and runs that together exceed a cap are refused together.
    /// </summary>
    internal async Task EnqueueAsync(GeoDbContext db, IReadOnlyList<AnalysisRun> runs, Guid? keyId, CancellationToken ct)
    {
        await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock(19280, 0)", ct);
        var queued = await db.Runs.CountAsync(r => r.Status == RunStatus.Queued, ct);
        var asking = runs.Count == 1 ? "" : $" and these {runs.Count} would take {runs.Count} more";
        if (queued + runs.Count > options.MaxQueuedRuns)
            throw new QueueFullException($"The run queue is full ({queued} runs queued{asking}, at most {options.MaxQueuedRuns}); try again later.", options.QueueFullRetryAfterSeconds);
        if (keyId is { } key)
        {
            var mine = await db.Runs.CountAsync(r => r.Status == RunStatus.Queued && r.CreatedByKeyId == key, ct);
            if (mine + runs.Count > options.MaxQueuedRunsPerKey)
                throw new QueueFullException(runs.Count == 1
                    ? $"This key has {mine} runs queued, the most it may have; wait for some to finish or cancel some."
                    : $"This key has {mine} runs queued{asking}, more than the {options.MaxQueuedRunsPerKey} it may have; wait for some to finish or cancel some.",
                    options.QueueFullRetryAfterSeconds);
        }
        db.Runs.AddRange(runs);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// Refuses a run whose grid (its communes' bounding box at its cell size) or estimated peak memory exceeds the
    /// settings, with the estimate, before anything is stored.
    /// </summary>
    private async Task<RunBudget?> CheckBudgetAsync(AnalysisDescription description, JsonDocument parameters, int regionId, List<string>? communes, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT ST_XMax(e) - ST_XMin(e), ST_YMax(e) - ST_YMin(e)
            FROM (SELECT ST_Extent(geom) AS e FROM communes WHERE region_id = $1 AND ($2::text[] IS NULL OR code = ANY($2))) s
            WHERE e IS NOT NULL
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = regionId });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)communes?.ToArray() ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null; // no communes: the analysis says so when it runs
        var budget = description.EstimateBudget(parameters, reader.GetDouble(0), reader.GetDouble(1));
        if (budget is null) return null;
        var maxBytes = options.MaxPeakMemoryMegabytes * 1024.0 * 1024.0;
        if (budget.Cells <= options.MaxCellsPerGrid && budget.PeakBytes <= maxBytes) return budget;
        var culture = System.Globalization.CultureInfo.InvariantCulture;
        throw new RunBudgetException(
            string.Create(culture, $"The run is too large: its grid would be {budget.Columns:N0} × {budget.Rows:N0} = {budget.Cells:N0} cells of {budget.CellSizeMeters:G4} m, ") +
            string.Create(culture, $"needing about {budget.PeakBytes / 1048576.0:N0} MB at its peak; the limits are {options.MaxCellsPerGrid:N0} cells and {options.MaxPeakMemoryMegabytes:N0} MB. ") +
            "Choose a larger cell size or fewer communes.",
            [
                string.Create(culture, $"estimatedCells: {budget.Cells:F0}"),
                string.Create(culture, $"estimatedPeakMegabytes: {budget.PeakBytes / 1048576.0:F0}"),
                string.Create(culture, $"maxCellsPerGrid: {options.MaxCellsPerGrid}"),
                string.Create(culture, $"maxPeakMemoryMegabytes: {options.MaxPeakMemoryMegabytes}"),
            ]);
    }

    /// <summary>
    /// Claims the oldest queued run nobody holds for this process (<c>FOR UPDATE SKIP LOCKED</c>: concurrent workers
    /// never get the same run, nor wait on each other), or null when the queue is empty.
    /// </summary>
    public async Task<Guid?> ClaimNextAsync(CancellationToken ct = default) => (await ClaimAsync(null, null, ct))?.Id;

    /// <summary>
    /// As <see cref="ClaimNextAsync(CancellationToken)"/>, among the queued runs of study <paramref name="studyId"/> whose
    /// estimated peak memory is at most <paramref name="maxPeakBytes"/>; with that estimate (0 when it has none).
    /// </summary>
    public Task<(Guid Id, long PeakBytes)?> ClaimNextAsync(Guid studyId, long maxPeakBytes, CancellationToken ct = default) =>
        ClaimAsync(studyId, maxPeakBytes, ct);

    private async Task<(Guid Id, long PeakBytes)?> ClaimAsync(Guid? studyId, long? maxPeakBytes, CancellationToken ct)
    {
        await _lease.EnsureAsync(ct);
        await using var command = dataSource.CreateCommand("""
            UPDATE analysis_runs SET worker_lock = $1, stage = 'claimed'
            WHERE id = (SELECT id FROM analysis_runs WHERE status = 'Queued' AND worker_lock IS NULL
                          AND ($2::uuid IS NULL OR study_id = $2) AND ($3::bigint IS NULL OR coalesce(estimated_peak_bytes, 0) <= $3)
                        ORDER BY created_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
            RETURNING id, coalesce(estimated_peak_bytes, 0)
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = _lease.Id });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)studyId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)maxPeakBytes ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? (reader.GetGuid(0), reader.GetInt64(1)) : null;
    }

    /// <summary>This process's worker lease id (the lock recorded on the runs it claims).</summary>
    public int WorkerLockId => _lease.Id;

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _lease.DisposeAsync();

    /// <inheritdoc />
    public void Dispose() => _lease.Dispose();

    /// <summary>Runs a queued run to its end and returns it in its final state (published, failed or cancelled).</summary>
    public Task<AnalysisRun> ExecuteAsync(Guid runId, IProgress<RunProgress>? progress = null, CancellationToken ct = default) =>
        ExecuteCoreAsync(runId, progress, requeueOnStop: false, ct);

    /// <summary>
    /// As <see cref="ExecuteAsync"/>, for a run a worker claimed from the queue: when <paramref name="ct"/> stops the
    /// worker (its process shuts down), the run goes back to the queue for another worker instead of ending cancelled.
    /// </summary>
    internal Task<AnalysisRun> ExecuteClaimedAsync(Guid runId, CancellationToken ct) => ExecuteCoreAsync(runId, null, requeueOnStop: true, ct);

    private async Task<AnalysisRun> ExecuteCoreAsync(Guid runId, IProgress<RunProgress>? progress, bool requeueOnStop, CancellationToken ct)
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
        // Queued → running in one statement: whoever else tried to start it (a second worker, a second CLI) gets 0 rows.
        await _lease.EnsureAsync(ct);
        await using (var start = dataSource.CreateCommand("""
            UPDATE analysis_runs SET status = 'Running', stage = 'starting', started_at = now(), executions = executions + 1,
                   worker_lock = $2
            WHERE id = $1 AND status = 'Queued' AND (worker_lock IS NULL OR worker_lock = $2)
            RETURNING executions
            """))
        {
            start.Parameters.Add(new NpgsqlParameter { Value = runId });
            start.Parameters.Add(new NpgsqlParameter { Value = _lease.Id });
            if (await start.ExecuteScalarAsync(ct) is not int executions)
                throw new GeoInputException($"Run {runId} was started by another worker.");
            run.Executions = executions;
        }
        run.WorkerLock = _lease.Id;
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(ct);
        _executing[runId] = cancellation;
        using var watch = new CancellationTokenSource();
        var watcher = WatchCancelRequestAsync(runId, cancellation, watch.Token);
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
                    // Only a run still running is published: one that a worker reaped meanwhile (this process lost its
                    // database session) stays failed, and the publishing transaction rolls back.
                    if (!await SaveAsync(run, connection, tx, CancellationToken.None, requireRunning: true))
                        throw new GeoInputException("The run was marked interrupted while it computed (the database connection was lost); start it again.");
                    // A cancel sent from another process since the last poll of the flag still wins: read it in the
                    // publishing transaction (the row is locked by the update above), so "cancelled" never publishes.
                    await using var flag = new NpgsqlCommand("SELECT cancel_requested FROM analysis_runs WHERE id = $1", connection, tx);
                    flag.Parameters.Add(new NpgsqlParameter { Value = run.Id });
                    if (await flag.ExecuteScalarAsync(CancellationToken.None) is true)
                    {
                        await cancellation.CancelAsync();
                        cancellation.Token.ThrowIfCancellationRequested();
                    }
                }, cancellation.Token);
            }
            finally
            {
                context.EndStage();
                foreach (var (stage, ms) in context.StageTimingsMs) run.StageTimingsMs[stage] = ms;
                run.Log.AddRange(context.Log);
            }
            // Published (committed): what follows adds the log and evicts caches; its failure must not mark it failed.
            try
            {
                await SaveAsync(run, null, null, CancellationToken.None);
                progress?.Report(new RunProgress(runId, "published", 100));
                // The group figures layer follows the latest published runs (before the caches are told); the run stays
                // published if that fails, the next publish or group import refreshes it.
                try
                {
                    if (groupLayer is not null) await groupLayer.RefreshAsync(context.Region.Code, CancellationToken.None);
                }
                catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
                {
                    if (logger is not null) LogGroupLayer(logger, run.Id, e);
                }
                await notifier.RunPublishedAsync(run.Id, run.Kind, CancellationToken.None);
            }
            catch (Exception e) when (IsDatabaseUnavailable(e))
            {
                if (logger is not null) LogAfterPublish(logger, run.Id, e);
            }
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            var workerStopping = requeueOnStop && ct.IsCancellationRequested;
            if (!workerStopping) await FinishAsync(run, RunStatus.Cancelled, "cancelled on request");
            else if (!await RequeueAsync(run)) await FinishAsync(run, RunStatus.Failed, "interrupted: the worker running it stopped; start the run again");
        }
        catch (GeoInputException e)
        {
            await FinishAsync(run, RunStatus.Failed, e.Details.Count > 0 ? $"{e.Message} {string.Join("; ", e.Details.Take(20))}" : e.Message);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Clients see the failure's kind, not its text (database messages, server paths); operators find the
            // detail in the process's log, where the worker writes it.
            run.Log.Add($"internal error: {e.GetType().Name}");
            if (logger is not null) LogRunFailed(logger, run.Id, e);
            await FinishAsync(run, RunStatus.Failed, IsDatabaseUnavailable(e)
                ? "the database became unavailable while the run computed; start it again"
                : "internal error while computing the run (the service's log has the detail)");
        }
        finally
        {
            _executing.TryRemove(runId, out _);
            await watch.CancelAsync();
            await watcher;
        }
        return run;
    }

    [Microsoft.Extensions.Logging.LoggerMessage(Microsoft.Extensions.Logging.LogLevel.Error, "Run {RunId} failed; it is recorded as failed once the database answers")]
    private static partial void LogRunFailed(Microsoft.Extensions.Logging.ILogger logger, Guid runId, Exception exception);

    [Microsoft.Extensions.Logging.LoggerMessage(Microsoft.Extensions.Logging.LogLevel.Warning, "Run {RunId} is published; its log or the cache eviction after it failed")]
    private static partial void LogAfterPublish(Microsoft.Extensions.Logging.ILogger logger, Guid runId, Exception exception);

    [Microsoft.Extensions.Logging.LoggerMessage(Microsoft.Extensions.Logging.LogLevel.Warning, "Run {RunId} is published; refreshing the group figures layer after it failed")]
    private static partial void LogGroupLayer(Microsoft.Extensions.Logging.ILogger logger, Guid runId, Exception exception);

    /// <summary>Puts a run whose worker is stopping back in the queue, as if it had not started (nothing of it was published).</summary>
    private async Task<bool> RequeueAsync(AnalysisRun run)
    {
        try
        {
            await using var command = dataSource.CreateCommand("""
                UPDATE analysis_runs SET status = 'Queued', stage = 'queued', progress_percent = 0, worker_lock = NULL, started_at = NULL,
                       stage_timings_ms = '{}'::jsonb, log = '{}', cancel_requested = false
                WHERE id = $1 AND status = 'Running'
                """);
            command.Parameters.Add(new NpgsqlParameter { Value = run.Id });
            if (await command.ExecuteNonQueryAsync(CancellationToken.None) == 0) return false;
            run.Status = RunStatus.Queued;
            return true;
        }
        catch (Exception e) when (IsDatabaseUnavailable(e))
        {
            return false;
        }
    }


    /// <summary>Whether <paramref name="e"/> (or an inner exception) says the database cannot be reached or went away.</summary>
    public static bool IsDatabaseUnavailable(Exception e)
    {
        for (var x = e; x is not null; x = x.InnerException)
        {
            switch (x)
            {
                case PostgresException p when p.SqlState.StartsWith("08", StringComparison.Ordinal) || p.SqlState.StartsWith("57P", StringComparison.Ordinal)
                    || p.SqlState == PostgresErrorCodes.TooManyConnections:
                case NpgsqlException { IsTransient: true } and not PostgresException:
                case System.Net.Sockets.SocketException:
                case TimeoutException:
                    return true;
                case NpgsqlException n when n.InnerException is IOException or System.Net.Sockets.SocketException or TimeoutException:
                    return true;
            }
        }
        return false;
    }

    /// <summary>Polls the run's cancel flag once a second while it executes, for cancels sent to another process.</summary>
    private async Task WatchCancelRequestAsync(Guid runId, CancellationTokenSource cancellation, CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(1000, stop);
                try
                {
                    await using var command = dataSource.CreateCommand("SELECT cancel_requested FROM analysis_runs WHERE id = $1");
                    command.Parameters.Add(new NpgsqlParameter { Value = runId });
                    if (await command.ExecuteScalarAsync(stop) is true) { await cancellation.CancelAsync(); return; }
                }
                catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException) { } // the database is away: the run's own queries will say so
            }
        }
        catch (OperationCanceledException) { }
    }

    /// <summary>Cancels a queued run, or a running one executing in this process. False when it already ended.</summary>
    public async Task<bool> CancelAsync(Guid runId, CancellationToken ct = default)
    {
        if (_executing.TryGetValue(runId, out var running)) { await running.CancelAsync(); return true; }
        // Queued: cancelled here. Running in another process: flagged; that process stops it within a second.
        await using var command = dataSource.CreateCommand("""
            WITH queued AS (
                UPDATE analysis_runs SET status = 'Cancelled', stage = 'cancelled', finished_at = now(), error = 'cancelled on request'
                WHERE id = $1 AND status = 'Queued' RETURNING id),
            running AS (
                UPDATE analysis_runs SET cancel_requested = true WHERE id = $1 AND status = 'Running' RETURNING id)
            SELECT (SELECT count(*) FROM queued) + (SELECT count(*) FROM running)
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = runId });
        if (Convert.ToInt64(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture) > 0) return true;
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
    /// Marks the runs of processes that stopped (killed, crashed, restarted) as failed — running, or claimed and not yet
    /// started — so they can be started again: a run belongs to a process while that process's database session
    /// holds its lease (<see cref="RunWorkerLease"/>); runs still waiting in the queue stay queued for any worker.
    /// Every worker calls it at start and while it polls.
    /// </summary>
    public async Task<int> FailInterruptedAsync(CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand($"""
            UPDATE analysis_runs r SET status = 'Failed', stage = 'interrupted', finished_at = now(),
                   error = 'interrupted: the process running it stopped; start the run again'
            WHERE (r.status = 'Running' OR (r.status = 'Queued' AND r.worker_lock IS NOT NULL))
              AND NOT EXISTS (SELECT 1 FROM pg_locks l
                              WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
                                AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
                                AND l.classid = {RunWorkerLease.LockClass} AND l.objid = r.worker_lock::oid)
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

    /// <summary>
    /// Records the run's end. When the database is away (the reason it failed, often) it retries with a growing pause
    /// for up to ten minutes, so the run is marked failed as soon as the database is back; should this process stop
    /// first, its lease is gone and the next worker marks the run interrupted.
    /// </summary>
    private async Task FinishAsync(AnalysisRun run, RunStatus status, string error)
    {
        run.Status = status;
        run.Stage = status.ToString().ToLowerInvariant();
        run.Error = error;
        run.FinishedAt = DateTimeOffset.UtcNow;
        run.ResultSha256 = null;
        var deadline = DateTime.UtcNow.AddMinutes(10);
        for (var pause = 250; ; pause = Math.Min(pause * 2, 5000))
        {
            try
            {
                await SaveAsync(run, null, null, CancellationToken.None);
                return;
            }
            catch (Exception e) when (IsDatabaseUnavailable(e) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(pause);
            }
        }
    }

    private async Task<bool> SaveAsync(AnalysisRun run, NpgsqlConnection? connection, NpgsqlTransaction? tx, CancellationToken ct, bool requireRunning = false)
    {
        var sql = """
            UPDATE analysis_runs SET status = $2, stage = $3, progress_percent = $4, stage_timings_ms = $5::jsonb, log = $6,
                   input_hashes = $7, error = $8, started_at = $9, finished_at = $10, published_at = $11, result_sha256 = $12
            WHERE id = $1
            """ + (requireRunning ? " AND status = 'Running'" : "");
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
            return await command.ExecuteNonQueryAsync(ct) > 0;
        }
        finally
        {
            if (owned is not null) await owned.DisposeAsync();
        }
    }
}
