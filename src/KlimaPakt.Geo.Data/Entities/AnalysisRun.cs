using System.Text.Json;

namespace KlimaPakt.Geo.Data.Entities;

/// <summary>Life cycle of an analysis run: queued → running → published | failed | cancelled.</summary>
public enum RunStatus
{
    /// <summary>Accepted, waiting for a worker.</summary>
    Queued,

    /// <summary>Computing.</summary>
    Running,

    /// <summary>Results written and visible to readers.</summary>
    Published,

    /// <summary>Stopped by an error; nothing visible.</summary>
    Failed,

    /// <summary>Stopped on request; nothing visible.</summary>
    Cancelled,
}

/// <summary>
/// One run of an analysis (wind, geothermal, corridors, ev) over a region: its parameters, the hashes of its
/// inputs, its status and timings. Result tables in the <c>results</c> schema key their rows by <see cref="Id"/>.
/// </summary>
public sealed class AnalysisRun
{
    /// <summary>Run id (also the cache tag of its layers).</summary>
    public Guid Id { get; set; }

    /// <summary>Analysis kind: <c>wind</c>, <c>geothermal</c>, <c>corridors</c>, <c>ev</c>.</summary>
    public required string Kind { get; set; }

    /// <summary>Region the run covers.</summary>
    public int RegionId { get; set; }

    /// <summary>Commune codes when the run covers a subset; null for the whole region.</summary>
    public List<string>? CommuneCodes { get; set; }

    /// <summary>The validated, typed parameters as JSON.</summary>
    public required JsonDocument Parameters { get; set; }

    /// <summary>Input name → SHA-256 of every input the run read.</summary>
    public Dictionary<string, string> InputHashes { get; set; } = [];

    /// <summary>Input name → server path of each raster its parameters named, resolved when the run was created (not shown by the API).</summary>
    public Dictionary<string, string> InputPaths { get; set; } = [];

    /// <summary>Current status.</summary>
    public RunStatus Status { get; set; }

    /// <summary>Current stage name while running.</summary>
    public string? Stage { get; set; }

    /// <summary>Progress of the whole run in percent (0–100).</summary>
    public double ProgressPercent { get; set; }

    /// <summary>Stage name → elapsed milliseconds.</summary>
    public Dictionary<string, double> StageTimingsMs { get; set; } = [];

    /// <summary>Human-readable log lines.</summary>
    public List<string> Log { get; set; } = [];

    /// <summary>SHA-256 of the run's results in canonical form: the same inputs and parameters give the same hash.</summary>
    public string? ResultSha256 { get; set; }

    /// <summary>User-facing error text when failed.</summary>
    public string? Error { get; set; }

    /// <summary>When the run was created.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the run started computing.</summary>
    public DateTimeOffset? StartedAt { get; set; }

    /// <summary>When the run finished (any terminal status).</summary>
    public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>When the run's results became visible.</summary>
    public DateTimeOffset? PublishedAt { get; set; }

    /// <summary>The API key that created it (null: the command line, or before keys existed).</summary>
    public Guid? CreatedByKeyId { get; set; }

    /// <summary>
    /// The advisory lock of the worker process that claimed it (null while it waits in the queue): the run belongs to
    /// that process as long as its database session holds the lock (<see cref="Runs.RunWorkerLease"/>).
    /// </summary>
    public int? WorkerLock { get; set; }

    /// <summary>How many times a worker started executing it (1 once it ran; never more).</summary>
    public int Executions { get; set; }

    /// <summary>Set by a cancel request while it runs; the process running it stops it.</summary>
    public bool CancelRequested { get; set; }

    /// <summary>
    /// The run's estimated peak working memory in bytes (cells × the analysis's bytes per cell), from the budget check
    /// when it was created; null for an analysis on no grid. A batch checks it against its memory budget before it starts the run.
    /// </summary>
    public long? EstimatedPeakBytes { get; set; }

    /// <summary>The study (batch) the run belongs to, or null.</summary>
    public Guid? StudyId { get; set; }

    /// <summary>Which of the study's runs this is (<c>kind:target:variant</c>, e.g. <c>wind:space/nordstad:buffer-600</c>); a resumed study adds a run for the same item.</summary>
    public string? StudyItem { get; set; }
}

/// <summary>
/// A per-commune figure of a run (results schema): any analysis writes its per-commune numbers here,
/// so the map and the Features API can show them without knowing the analysis.
/// </summary>
public sealed class CommuneMetric
{
    /// <summary>The run.</summary>
    public Guid RunId { get; set; }

    /// <summary>The commune.</summary>
    public int CommuneId { get; set; }

    /// <summary>Metric name with its unit, e.g. <c>eligible_area_km2</c>.</summary>
    public required string Metric { get; set; }

    /// <summary>Value in the unit the name states.</summary>
    public double Value { get; set; }
}
