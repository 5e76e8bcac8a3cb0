using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using KlimaPakt.Geo.Core.Errors;
using KlimaPakt.Geo.Data.Analyses;
using KlimaPakt.Geo.Data.Entities;
using KlimaPakt.Geo.Data.Features;
using KlimaPakt.Geo.Data.Import;
using Microsoft.EntityFrameworkCore;

namespace KlimaPakt.Geo.Data.Runs;

/// <summary>How a study is submitted.</summary>
/// <param name="CreatedByKeyId">The API key that submits it (recorded with the study and its runs; its queue cap applies); null from the command line.</param>
/// <param name="MemoryBudgetBytes">When given, a run whose estimated peak memory exceeds it refuses the study (the budget of the process that will execute it).</param>
public sealed record StudySubmitOptions(Guid? CreatedByKeyId = null, long? MemoryBudgetBytes = null);

/// <summary>One run of a study and the state of its latest attempt.</summary>
/// <param name="Key"><c>kind:target:variant</c>.</param>
/// <param name="Kind">Analysis kind.</param>
/// <param name="Target">Commune code or group (<c>kind/code</c>).</param>
/// <param name="Variant">Variant name.</param>
/// <param name="RunId">The latest run of the item (null: none yet).</param>
/// <param name="Status">Its status.</param>
/// <param name="Stage">Its stage.</param>
/// <param name="ProgressPercent">Its progress, 0–100.</param>
/// <param name="Error">Its error, when failed or cancelled.</param>
/// <param name="Attempts">Runs created for the item (a resume adds one for a failed or cancelled item).</param>
/// <param name="EstimatedPeakBytes">The run's estimated peak memory, bytes.</param>
public sealed record StudyRunState(string Key, string Kind, string Target, string Variant, Guid? RunId, RunStatus? Status, string? Stage,
    double ProgressPercent, string? Error, int Attempts, long? EstimatedPeakBytes)
{
    /// <summary>Whether the item has ended (published, failed or cancelled).</summary>
    public bool Ended => Status is RunStatus.Published or RunStatus.Failed or RunStatus.Cancelled;
}

/// <summary>A study and the state of each of its runs.</summary>
/// <param name="Id">Study id.</param>
/// <param name="Name">Name.</param>
/// <param name="Region">Region code.</param>
/// <param name="Sha256">Hash of its resolved items.</param>
/// <param name="CreatedAt">First submitted.</param>
/// <param name="CreatedByKeyId">The key that first submitted it.</param>
/// <param name="Runs">Its runs, in the study's order.</param>
public sealed record StudyState(Guid Id, string Name, string Region, string Sha256, DateTimeOffset CreatedAt, Guid? CreatedByKeyId,
    IReadOnlyList<StudyRunState> Runs)
{
    /// <summary>Runs with this status now.</summary>
    public int Count(RunStatus status) => Runs.Count(r => r.Status == status);

    /// <summary>Whether every run has ended.</summary>
    public bool Ended => Runs.All(r => r.Ended);

    /// <summary>Overall progress, 0–100: the mean of the runs' progress (an ended run counts 100).</summary>
    public double ProgressPercent => Runs.Count == 0 ? 100 : Runs.Average(r => r.Ended ? 100 : r.ProgressPercent);
}

/// <summary>A submitted study.</summary>
/// <param name="Study">Its state after the submission.</param>
/// <param name="Resumed">Whether it existed (same region, name and content) and was resumed.</param>
/// <param name="Queued">The runs this submission queued (all of a new study; the failed or cancelled ones of a resumed one).</param>
public sealed record StudySubmission(StudyState Study, bool Resumed, IReadOnlyList<Guid> Queued);

/// <summary>How this process executes a study's runs.</summary>
/// <param name="Concurrency">Most runs at once.</param>
/// <param name="MemoryBudgetBytes">Most estimated peak memory of the runs executing at once.</param>
public sealed record StudyExecution(int Concurrency, long MemoryBudgetBytes);

/// <summary>
/// Batch studies — the one path of <c>klimapakt batch</c> and <c>POST /batches</c>: a study (analyses × communes or
/// groups × parameter variants) is validated whole — every run through <see cref="RunService.PrepareAsync"/>, the same
/// checks and budgets as a single run — before any run is queued; then stored with its runs in one transaction.
/// Submitting the same study again (same region, name and resolved content) resumes it: published and unfinished runs
/// stay, failed and cancelled ones are queued again. The runs wait in the shared queue: any worker executes them, and
/// <see cref="ExecuteAsync"/> executes a study's runs in this process, several at once within a memory budget.
/// </summary>
public sealed class StudyService(IDbContextFactory<GeoDbContext> contexts, RunService runs, GroupFigures groups, RunOptions options)
{
    /// <summary>Runs of a group target cover all its members in one run; a name ignores accents, case and punctuation.</summary>
    private sealed record Target(string Label, IReadOnlyList<string> Communes);

    /// <summary>Validates a study and queues its runs, or resumes it when it exists; refuses it whole, naming every problem, and creates nothing then.</summary>
    /// <param name="study">The study.</param>
    /// <param name="source">Where it comes from (a file name, <c>request body</c>): the start of the error message.</param>
    /// <param name="submit">Who submits it and the executing process's memory budget.</param>
    /// <param name="ct">Cancellation.</param>
    /// <exception cref="GeoInputException">The study is invalid (the details name each problem), or the queue has no room for its runs.</exception>
    public async Task<StudySubmission> SubmitAsync(StudyDefinition study, string source, StudySubmitOptions? submit = null, CancellationToken ct = default)
    {
        submit ??= new StudySubmitOptions();
        var (regionId, name, items, itemsJson, sha) = await ResolveAsync(study, source, submit, ct);
        // A process killed while it executed runs of the study: its runs are failed now, so the resume queues them again.
        await runs.FailInterruptedAsync(ct);
        Guid studyId;
        bool resumed;
        List<AnalysisRun> queue;
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            // Two submissions of one study at once (two CLIs): the second waits here and resumes what the first stored.
            var identity = $"{regionId}\n{name}\n{sha}";
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(19281, hashtext({identity}))", ct);
            var existing = await db.Studies.AsNoTracking().SingleOrDefaultAsync(s => s.RegionId == regionId && s.Name == name && s.Sha256 == sha, ct);
            resumed = existing is not null;
            if (existing is null)
            {
                var created = new Study { Id = Guid.CreateVersion7(), RegionId = regionId, Name = name, Sha256 = sha, Items = itemsJson, CreatedAt = DateTimeOffset.UtcNow, CreatedByKeyId = submit.CreatedByKeyId };
                db.Studies.Add(created);
                studyId = created.Id;
                queue = [.. items.Select(i => i.Run)];
            }
            else
            {
                studyId = existing.Id;
                var latest = (await db.Runs.AsNoTracking().Where(r => r.StudyId == studyId).Select(r => new { r.StudyItem, r.Status, r.CreatedAt, r.Id }).ToListAsync(ct))
                    .GroupBy(r => r.StudyItem!).ToDictionary(g => g.Key, g => g.OrderBy(r => r.CreatedAt).ThenBy(r => r.Id).Last().Status);
                queue = [.. items.Where(i => !latest.TryGetValue(i.Item.Key, out var status) || status is RunStatus.Failed or RunStatus.Cancelled).Select(i => i.Run)];
            }
            foreach (var (item, run) in items)
            {
                run.StudyId = studyId;
                run.StudyItem = item.Key;
            }
            await runs.EnqueueAsync(db, queue, submit.CreatedByKeyId, ct);
            await tx.CommitAsync(ct);
        }
        return new StudySubmission((await GetAsync(studyId, ct))!, resumed, [.. queue.Select(r => r.Id)]);
    }

    /// <summary>The stored study a study file is (same region, name and resolved content), or null; it is validated as <see cref="SubmitAsync"/> does and nothing is queued.</summary>
    /// <exception cref="GeoInputException">The study is invalid.</exception>
    public async Task<StudyState?> FindAsync(StudyDefinition study, string source, CancellationToken ct = default)
    {
        var (regionId, name, _, _, sha) = await ResolveAsync(study, source, new StudySubmitOptions(), ct);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var id = await db.Studies.Where(s => s.RegionId == regionId && s.Name == name && s.Sha256 == sha).Select(s => (Guid?)s.Id).SingleOrDefaultAsync(ct);
        return id is { } found ? await GetAsync(found, ct) : null;
    }

    private sealed record Resolved(int RegionId, string Name, List<(StudyItem Item, AnalysisRun Run)> Items, JsonDocument ItemsJson, string Sha256);

    /// <summary>Checks the whole study, every run prepared as <see cref="RunService.PrepareAsync"/> prepares one; throws naming every problem.</summary>
    private async Task<Resolved> ResolveAsync(StudyDefinition study, string source, StudySubmitOptions submit, CancellationToken ct)
    {
        var errors = new List<string>();
        var name = study.Name?.Trim() ?? "";
        if (name.Length is 0 or > 200) errors.Add("name: a study needs a name of 1 to 200 characters");
        if (string.IsNullOrWhiteSpace(study.Region)) throw Invalid(source, name, [.. errors, "region: a study needs a region code"]);
        int regionId;
        List<(string Code, string Name)> communes;
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            var region = await db.Regions.AsNoTracking().SingleOrDefaultAsync(r => r.Code == study.Region, ct);
            if (region is null)
            {
                var known = await db.Regions.Select(r => r.Code).OrderBy(c => c).ToListAsync(ct);
                throw Invalid(source, name, [.. errors, $"region: unknown region '{RasterInputs.Shown(study.Region)}' (known: {string.Join(", ", known)})"]);
            }
            regionId = region.Id;
            communes = [.. (await db.Communes.Where(c => c.RegionId == region.Id).Select(c => new { c.Code, c.Name }).ToListAsync(ct)).Select(c => (c.Code, c.Name))];
        }
        var targets = await ResolveTargetsAsync(study, communes, errors, ct);
        var variants = ResolveVariants(study, errors);
        if (targets.Count == 0 && !errors.Any(e => e.StartsWith("communes", StringComparison.Ordinal) || e.StartsWith("groups", StringComparison.Ordinal)))
            errors.Add("communes, groups: a study needs at least one commune or group to run over");
        var count = targets.Count * variants.Count;
        if (count > options.MaxQueuedRuns) errors.Add($"the study has {count:N0} runs, more than the {options.MaxQueuedRuns:N0} the queue holds");
        if (errors.Count > 0) throw Invalid(source, name, errors);

        // Every run through the same validation as POST /runs: communes, budgets, inputs, rasters.
        var items = new List<(StudyItem Item, AnalysisRun Run)>();
        foreach (var (kind, variant, parameters) in variants)
            foreach (var target in targets)
            {
                var key = $"{kind}:{target.Label}:{variant}";
                try
                {
                    var run = await runs.PrepareAsync(new RunRequest(kind, study.Region!, target.Communes, parameters) { CreatedByKeyId = submit.CreatedByKeyId }, ct);
                    if (submit.MemoryBudgetBytes is { } budget && run.EstimatedPeakBytes > budget)
                        errors.Add($"{key}: needs about {Gigabytes(run.EstimatedPeakBytes.Value)} GB at its peak, more than the memory budget of {Gigabytes(budget)} GB");
                    items.Add((new StudyItem(key, kind, target.Label, variant, run.CommuneCodes ?? [], run.Parameters.RootElement.Clone()), run));
                }
                catch (GeoInputException e)
                {
                    errors.Add($"{key}: {WithDetails(e)}");
                }
            }
        if (errors.Count > 0) throw Invalid(source, name, errors);
        if (items.Select(i => i.Item.Key).Distinct().Count() != items.Count)
            throw Invalid(source, name, [.. items.GroupBy(i => i.Item.Key).Where(g => g.Count() > 1).Select(g => $"{g.Key}: listed {g.Count()} times")]);

        var itemsJson = JsonSerializer.SerializeToDocument(items.Select(i => i.Item), JsonSerializerOptions.Web);
        var sha = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(itemsJson.RootElement.GetRawText())));
        return new Resolved(regionId, name, items, itemsJson, sha);
    }

    private static string WithDetails(GeoInputException e) => e.Details.Count > 0 ? $"{e.Message} {string.Join("; ", e.Details.Take(5))}" : e.Message;

    private static string Gigabytes(long bytes) => (bytes / 1073741824.0).ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);

    private static GeoInputException Invalid(string source, string name, List<string> errors) =>
        new($"{source}: invalid study{(name.Length > 0 ? $" '{RasterInputs.Shown(name)}'" : "")} ({errors.Count} problem{(errors.Count == 1 ? "" : "s")}); no run was created.", errors);

    private async Task<List<Target>> ResolveTargetsAsync(StudyDefinition study, List<(string Code, string Name)> communes, List<string> errors, CancellationToken ct)
    {
        var targets = new List<Target>();
        var byCode = communes.ToDictionary(c => c.Code, StringComparer.OrdinalIgnoreCase);
        var byName = communes.GroupBy(c => ImportService.NormaliseName(c.Name)).ToDictionary(g => g.Key, g => g.First());
        foreach (var given in study.Communes ?? [])
        {
            if (given is not null && (byCode.TryGetValue(given.Trim(), out var c) || byName.TryGetValue(ImportService.NormaliseName(given), out c)))
            {
                if (targets.All(t => t.Label != c.Code)) targets.Add(new Target(c.Code, [c.Code]));
            }
            else errors.Add($"communes: '{RasterInputs.Shown(given ?? "null")}' is not a commune of region '{study.Region}' (by code or name)");
        }
        if (study.Groups is not { Count: > 0 }) return targets;
        var known = await groups.ListAsync(study.Region!, ct);
        foreach (var given in study.Groups)
        {
            var parts = (given ?? "").Split('/', 2, StringSplitOptions.TrimEntries);
            var group = parts.Length == 2
                ? known.FirstOrDefault(g => string.Equals(g.Kind, parts[0], StringComparison.OrdinalIgnoreCase) && string.Equals(g.Code, parts[1], StringComparison.OrdinalIgnoreCase))
                : null;
            if (group is null)
            {
                var list = string.Join(", ", known.Select(g => $"{g.Kind}/{g.Code}").Take(40));
                errors.Add($"groups: '{RasterInputs.Shown(given ?? "null")}' is not a group of region '{study.Region}' (kind/code; its groups: {list})");
                continue;
            }
            var label = $"{group.Kind}/{group.Code}";
            if (targets.All(t => t.Label != label)) targets.Add(new Target(label, group.Communes));
        }
        return targets;
    }

    /// <summary>Each analysis's variants with their merged parameters, checked against the analysis's parameters record.</summary>
    private static List<(string Kind, string Variant, JsonElement? Parameters)> ResolveVariants(StudyDefinition study, List<string> errors)
    {
        var result = new List<(string, string, JsonElement?)>();
        if (study.Analyses is not { Count: > 0 }) { errors.Add("analyses: a study needs at least one analysis"); return result; }
        var known = string.Join(", ", AnalysisServices.Descriptions.Select(d => d.Kind).Order());
        for (var i = 0; i < study.Analyses.Count; i++)
        {
            var analysis = study.Analyses[i];
            var description = analysis?.Kind is { } kind ? AnalysisServices.Find(kind) : null;
            if (description is null)
            {
                errors.Add($"analyses[{i}]: unknown analysis '{RasterInputs.Shown(analysis?.Kind ?? "null")}' (known: {known})");
                continue;
            }
            List<StudyVariant> variants = analysis!.Variants is { Count: > 0 } v ? [.. v] : [new StudyVariant("default", null)];
            foreach (var duplicate in variants.GroupBy(x => x?.Name?.Trim() ?? "", StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
                errors.Add($"{description.Kind}: variant '{RasterInputs.Shown(duplicate.Key)}' is listed {duplicate.Count()} times");
            foreach (var variant in variants)
            {
                var name = variant?.Name?.Trim() ?? "";
                if (name.Length is 0 or > 60 || name.Contains(':', StringComparison.Ordinal))
                {
                    errors.Add($"{description.Kind}: every variant needs a name of 1 to 60 characters without ':'");
                    continue;
                }
                try
                {
                    var parameters = Merge(analysis.Parameters, variant!.Parameters);
                    description.Normalise(parameters); // names and ranges, once per variant rather than once per target
                    result.Add((description.Kind, name, parameters));
                }
                catch (GeoInputException e)
                {
                    errors.Add($"{description.Kind} variant '{RasterInputs.Shown(name)}': {WithDetails(e)}");
                }
            }
        }
        if (result.Count > 0 && result.GroupBy(r => (r.Item1, r.Item2)).FirstOrDefault(g => g.Count() > 1) is { } twice)
            errors.Add($"{twice.Key.Item1}: variant '{twice.Key.Item2}' appears in two analyses of that kind; give the variants different names");
        return result;
    }

    /// <summary>The analysis's shared parameters with the variant's on top (top-level names replace).</summary>
    private static JsonElement? Merge(JsonElement? shared, JsonElement? variant)
    {
        static bool Given(JsonElement? e) => e is { ValueKind: not (JsonValueKind.Null or JsonValueKind.Undefined) };
        if (!Given(variant)) return shared;
        if (!Given(shared)) return variant;
        if (shared!.Value.ValueKind != JsonValueKind.Object || variant!.Value.ValueKind != JsonValueKind.Object)
            throw new GeoInputException("Parameters must be a JSON object.");
        var merged = JsonNode.Parse(shared.Value.GetRawText())!.AsObject();
        foreach (var p in variant.Value.EnumerateObject()) merged[p.Name] = JsonNode.Parse(p.Value.GetRawText());
        return JsonSerializer.SerializeToElement(merged);
    }

    /// <summary>A study with the state of each of its runs (the latest attempt of each), or null.</summary>
    public async Task<StudyState?> GetAsync(Guid studyId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var study = await db.Studies.AsNoTracking().SingleOrDefaultAsync(s => s.Id == studyId, ct);
        if (study is null) return null;
        var region = await db.Regions.Where(r => r.Id == study.RegionId).Select(r => r.Code).SingleAsync(ct);
        var attempts = (await db.Runs.AsNoTracking().Where(r => r.StudyId == studyId)
                .Select(r => new { r.Id, r.StudyItem, r.Status, r.Stage, r.ProgressPercent, r.Error, r.CreatedAt, r.EstimatedPeakBytes }).ToListAsync(ct))
            .GroupBy(r => r.StudyItem!).ToDictionary(g => g.Key, g => g.OrderBy(r => r.CreatedAt).ThenBy(r => r.Id).ToList());
        var items = study.Items.Deserialize<List<StudyItem>>(JsonSerializerOptions.Web)!;
        return new StudyState(study.Id, study.Name, region, study.Sha256, study.CreatedAt, study.CreatedByKeyId,
        [
            .. items.Select(i => attempts.GetValueOrDefault(i.Key) is { Count: > 0 } a && a[^1] is var r
                ? new StudyRunState(i.Key, i.Kind, i.Target, i.Variant, r.Id, r.Status, r.Stage, r.ProgressPercent, r.Error, a.Count, r.EstimatedPeakBytes)
                : new StudyRunState(i.Key, i.Kind, i.Target, i.Variant, null, null, null, 0, null, 0, null)),
        ]);
    }

    /// <summary>Recent studies, newest first.</summary>
    public async Task<IReadOnlyList<StudyState>> ListAsync(int limit, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var ids = await db.Studies.OrderByDescending(s => s.CreatedAt).Take(Math.Clamp(limit, 1, 200)).Select(s => s.Id).ToListAsync(ct);
        var result = new List<StudyState>();
        foreach (var id in ids) if (await GetAsync(id, ct) is { } s) result.Add(s);
        return result;
    }

    /// <summary>Cancels every run of the study that has not ended (queued: at once; running: within a second, wherever it runs).</summary>
    /// <returns>The runs cancelled.</returns>
    /// <exception cref="NotFoundException">No such study.</exception>
    public async Task<int> CancelAsync(Guid studyId, CancellationToken ct = default)
    {
        var study = await GetAsync(studyId, ct) ?? throw new NotFoundException($"Unknown study {studyId}.");
        var cancelled = 0;
        foreach (var run in study.Runs.Where(r => r is { Ended: false, RunId: not null }))
            if (await runs.CancelAsync(run.RunId!.Value, ct)) cancelled++;
        return cancelled;
    }

    /// <summary>
    /// Executes the study's queued runs in this process — claimed from the shared queue like any worker's, so other
    /// processes working on the same study never get the same run — at most <see cref="StudyExecution.Concurrency"/> at
    /// once and only while their estimated peaks together fit <see cref="StudyExecution.MemoryBudgetBytes"/>; then waits
    /// for the runs other processes execute, until every run of the study has ended. When <paramref name="ct"/> stops it
    /// (Ctrl-C), the runs it executes go back to the queue and it returns with the study unfinished.
    /// </summary>
    /// <param name="studyId">The study.</param>
    /// <param name="execution">Concurrency and memory budget.</param>
    /// <param name="started">Called with each run this process starts.</param>
    /// <param name="progress">Called with the study's state about twice a second.</param>
    /// <param name="ct">Stops it.</param>
    /// <returns>The study's state at the end.</returns>
    public async Task<StudyState> ExecuteAsync(Guid studyId, StudyExecution execution, Action<Guid, long>? started = null, Action<StudyState>? progress = null,
        CancellationToken ct = default)
    {
        if (execution.Concurrency < 1) throw new GeoInputException("The concurrency must be at least 1.");
        if (execution.MemoryBudgetBytes < 1) throw new GeoInputException("The memory budget must be positive.");
        var executing = new Dictionary<Task, long>();
        var reaped = DateTime.MinValue;
        StudyState state;
        while (true)
        {
            if (DateTime.UtcNow - reaped > TimeSpan.FromSeconds(5) && !ct.IsCancellationRequested)
            {
                await runs.FailInterruptedAsync(CancellationToken.None);
                reaped = DateTime.UtcNow;
            }
            while (!ct.IsCancellationRequested && executing.Count < execution.Concurrency)
            {
                var free = execution.MemoryBudgetBytes - executing.Values.Sum();
                if (await runs.ClaimNextAsync(studyId, free, CancellationToken.None) is not { } claim) break;
                var (runId, peak) = claim;
                started?.Invoke(runId, peak);
                // On the thread pool: an analysis computes synchronously for long stretches.
                executing[Task.Run(() => runs.ExecuteClaimedAsync(runId, ct), CancellationToken.None)] = peak;
            }
            state = (await GetAsync(studyId, CancellationToken.None))!;
            progress?.Invoke(state);
            if (executing.Count == 0 && (state.Ended || ct.IsCancellationRequested)) return state;
            if (executing.Count == 0 && state.Runs.Where(r => !r.Ended).All(r => r.Status == RunStatus.Queued && r.EstimatedPeakBytes > execution.MemoryBudgetBytes))
                throw new GeoInputException($"{state.Runs.Count(r => !r.Ended)} run(s) of study '{state.Name}' need more memory than the budget of " +
                    $"{Gigabytes(execution.MemoryBudgetBytes)} GB ({string.Join(", ", state.Runs.Where(r => !r.Ended).Select(r => r.Key))}); give a larger budget, or let a worker with more take them.");
            var tick = Task.Delay(500, CancellationToken.None);
            await Task.WhenAny(executing.Keys.Append(tick));
            foreach (var task in executing.Keys.Where(t => t.IsCompleted).ToList())
            {
                executing.Remove(task);
                // ExecuteClaimedAsync records every failure on the run itself; what reaches here is a run another
                // process took or ended meanwhile, which the study's state shows.
                try { await task; }
                catch (Exception e) when (e is GeoInputException or OperationCanceledException || RunService.IsDatabaseUnavailable(e)) { }
            }
        }
    }
}
