using System.ComponentModel.DataAnnotations;

namespace KlimaPakt.Geo.Data.Runs;

/// <summary>
/// Settings section <c>Runs</c>: the budgets a run must fit before it is created, the queue's caps, and how workers
/// poll the queue. The API binds it from configuration; the CLI from <c>KLIMAPAKT_RUNS__*</c> variables.
/// </summary>
public sealed class RunOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Runs";

    /// <summary>Most cells one analysis grid may have (width × height at the run's cell size over its communes' extent).</summary>
    [Range(1, long.MaxValue)]
    public long MaxCellsPerGrid { get; set; } = 150_000_000;

    /// <summary>Most working memory, in megabytes, that a run's estimate (cells × the analysis's bytes per cell) may reach.</summary>
    [Range(1, long.MaxValue)]
    public long MaxPeakMemoryMegabytes { get; set; } = 6_144;

    /// <summary>Most runs one API key may have queued at once; the next is refused with 429.</summary>
    [Range(1, int.MaxValue)]
    public int MaxQueuedRunsPerKey { get; set; } = 50;

    /// <summary>Most runs queued at once over all keys and the command line; the next is refused with 429.</summary>
    [Range(1, int.MaxValue)]
    public int MaxQueuedRuns { get; set; } = 500;

    /// <summary>Whether the API process executes queued runs itself (false: only <c>klimapakt worker</c> processes do).</summary>
    public bool WorkerEnabled { get; set; } = true;

    /// <summary>How often, in milliseconds, an idle worker looks for a queued run (a run queued in the same process wakes it at once).</summary>
    [Range(50, 600_000)]
    public int WorkerPollMilliseconds { get; set; } = 2_000;

    /// <summary>Seconds a 429 for a full queue asks the client to wait (<c>Retry-After</c>).</summary>
    [Range(1, 3600)]
    public int QueueFullRetryAfterSeconds { get; set; } = 60;
}
