using Microsoft.Extensions.Logging;

namespace KlimaPakt.Geo.Data.Runs;

/// <summary>
/// One worker: claims queued runs from PostgreSQL one at a time (a run uses the machine's cores) and executes them,
/// until stopped. The API's background service and <c>klimapakt worker</c> both run it; any number of them share one
/// database. A failing run never stops it: every failure is caught, logged, and the worker waits and goes on (while the
/// database is away it retries with a growing pause). Stopped while it executes a run, it puts the run back in the queue.
/// </summary>
public sealed partial class RunQueueWorker(RunService runs, RunOptions options, ILogger<RunQueueWorker> logger) : IDisposable
{
    private readonly SemaphoreSlim _nudge = new(0, 1);

    /// <inheritdoc />
    public void Dispose() => _nudge.Dispose();

    /// <summary>Wakes an idle worker of this process at once (a run was just queued here).</summary>
    public void Nudge()
    {
        try { _nudge.Release(); }
        catch (SemaphoreFullException) { } // already awake
    }

    /// <summary>Runs until <paramref name="ct"/> stops it, or after <paramref name="maxRuns"/> runs, or when the queue is found empty if <paramref name="exitWhenIdle"/>.</summary>
    /// <returns>The number of runs executed.</returns>
    public async Task<int> RunAsync(CancellationToken ct, int? maxRuns = null, bool exitWhenIdle = false)
    {
        var executed = 0;
        var pause = TimeSpan.FromMilliseconds(250);
        var reaped = DateTime.MinValue;
        while (!ct.IsCancellationRequested && (maxRuns is null || executed < maxRuns))
        {
            try
            {
                if (DateTime.UtcNow - reaped > TimeSpan.FromSeconds(10))
                {
                    var interrupted = await runs.FailInterruptedAsync(ct);
                    if (interrupted > 0) LogInterrupted(interrupted);
                    reaped = DateTime.UtcNow;
                }
                var id = await runs.ClaimNextAsync(ct);
                pause = TimeSpan.FromMilliseconds(250);
                if (id is not { } runId)
                {
                    if (exitWhenIdle) break;
                    await _nudge.WaitAsync(options.WorkerPollMilliseconds, ct);
                    continue;
                }
                LogExecuting(runId, runs.WorkerLockId);
                var final = await runs.ExecuteClaimedAsync(runId, ct);
                executed++;
                LogFinished(runId, final.Kind, final.Status.ToString());
                ReturnRunMemory();
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                // The database is away, or something unforeseen: log, wait, go on — never take the host down.
                if (RunService.IsDatabaseUnavailable(e)) LogDatabaseAway(pause.TotalSeconds);
                else LogUnexpected(e);
                try { await Task.Delay(pause, ct); }
                catch (OperationCanceledException) { break; }
                pause = TimeSpan.FromMilliseconds(Math.Min(pause.TotalMilliseconds * 2, 5000));
            }
        }
        return executed;
    }

    /// <summary>
    /// A run's grids (hundreds of MB to GB of arrays) are garbage once it is published; a long-lived process (the API's
    /// worker, <c>klimapakt worker</c>) gives that memory back to the system now instead of keeping it as GC headroom,
    /// so its RSS returns near its start between runs. One compacting full collection after a run of seconds or more.
    /// </summary>
    private static void ReturnRunMemory()
    {
        System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    }

    [LoggerMessage(LogLevel.Warning, "{Count} run(s) of stopped processes were marked failed (interrupted)")]
    private partial void LogInterrupted(int count);

    [LoggerMessage(LogLevel.Information, "Executing run {RunId} (worker {WorkerLock})")]
    private partial void LogExecuting(Guid runId, int workerLock);

    [LoggerMessage(LogLevel.Information, "Run {RunId} ({Kind}) finished: {Status}")]
    private partial void LogFinished(Guid runId, string kind, string status);

    [LoggerMessage(LogLevel.Warning, "The database is unavailable; the worker retries in {Seconds} s")]
    private partial void LogDatabaseAway(double seconds);

    [LoggerMessage(LogLevel.Error, "The worker's loop failed; it goes on")]
    private partial void LogUnexpected(Exception exception);
}
