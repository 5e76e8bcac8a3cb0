using System.CommandLine;
using KlimaPakt.Geo.Core.Errors;
using KlimaPakt.Geo.Data.Entities;
using KlimaPakt.Geo.Data.Runs;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace KlimaPakt.Geo.Cli.Runs;

/// <summary>
/// `klimapakt batch STUDY.json`: submits a study (or resumes it: same name and content) and executes its runs here,
/// sharing them with any other worker on the database, until every run has ended.
/// </summary>
internal static class BatchCommand
{
    /// <summary>Exit code when a run of the study failed or was cancelled (they are named).</summary>
    private const int RunsFailed = 1;

    /// <summary>Exit code after Ctrl-C: the study is unfinished and resumable.</summary>
    private const int Stopped = 130;

    public static Command Create()
    {
        var file = new Argument<FileInfo>("study") { Description = "Study file (JSON): name, region, communes and/or groups, analyses with their variants (docs/consultants.md)" };
        var concurrency = new Option<int>("--concurrency")
        {
            Description = "Most runs this process executes at once",
            DefaultValueFactory = _ => Environment.ProcessorCount,
        };
        var memory = new Option<double?>("--memory-budget-gb")
        {
            Description = "Most estimated peak memory, in GB, of the runs executing here at once; a run that needs more alone refuses the study [default: the memory available to the process]",
        };
        var cancel = new Option<bool>("--cancel") { Description = "Cancel the study's unfinished runs (wherever they run) and exit" };
        var command = new Command("batch",
            "Run a study: analyses × communes or groups × parameter variants, queued together and executed here (and by any worker), resumable by running the same file again.")
            { file, concurrency, memory, cancel };
        command.SetAction((p, ct) => CliHost.RunAsync(async (s, ct) =>
        {
            var path = p.GetValue(file)!;
            StudyDefinition definition;
            try { definition = StudyDefinition.Parse(await File.ReadAllBytesAsync(path.FullName, ct), path.Name); }
            catch (IOException e) { throw new GeoInputException($"{path.Name}: unreadable ({e.Message})."); }
            var studies = s.GetRequiredService<StudyService>();
            if (p.GetValue(cancel))
            {
                var found = await studies.FindAsync(definition, path.Name, ct) ?? throw new GeoInputException($"{path.Name}: no such study has been submitted.");
                var cancelled = await studies.CancelAsync(found.Id, ct);
                AnsiConsole.MarkupLineInterpolated($"study [bold]{found.Name}[/] ({found.Id}): {cancelled} run(s) cancelled");
                return 0;
            }
            var slots = p.GetValue(concurrency);
            if (slots < 1) throw new GeoInputException($"--concurrency must be at least 1 (was {slots}).");
            var budgetGb = p.GetValue(memory);
            if (budgetGb is <= 0 or > 1e6 || budgetGb is { } g && !double.IsFinite(g)) throw new GeoInputException($"--memory-budget-gb must be a positive number of gigabytes (was {budgetGb}).");
            var budget = budgetGb is { } gb ? (long)(gb * 1073741824.0) : GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;

            var submission = await studies.SubmitAsync(definition, path.Name, new StudySubmitOptions(MemoryBudgetBytes: budget), ct);
            var study = submission.Study;
            if (submission.Resumed)
                AnsiConsole.MarkupLineInterpolated($"study [bold]{study.Name}[/] ({study.Id}) resumed: {study.Count(RunStatus.Published)} of {study.Runs.Count} runs already published, {submission.Queued.Count} queued again");
            else
                AnsiConsole.MarkupLineInterpolated($"study [bold]{study.Name}[/] ({study.Id}) created: {study.Runs.Count} runs queued");
            AnsiConsole.MarkupLineInterpolated($"executing up to {slots} at once within {budget / 1073741824.0:0.##} GB of estimated peak memory");

            var execution = new StudyExecution(slots, budget);
            var final = Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Interactive
                ? await ExecuteWithLinesAsync(studies, study, execution, ct)
                : await ExecuteWithProgressAsync(studies, study, execution, ct);

            var table = new Table().AddColumns("run", "status", "id", "attempts", "error");
            foreach (var r in final.Runs)
                table.AddRow(Markup.Escape(r.Key), Styled(r.Status), r.RunId?.ToString() ?? "", r.Attempts.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    Markup.Escape(r.Error ?? ""));
            AnsiConsole.Write(table);
            if (!final.Ended)
            {
                AnsiConsole.MarkupLineInterpolated($"[yellow]stopped[/]: {final.Runs.Count(r => !r.Ended)} run(s) of study {final.Name} have not ended (queued runs wait for any worker); run the same file again to resume.");
                return Stopped;
            }
            var failed = final.Runs.Where(r => r.Status != RunStatus.Published).ToList();
            if (failed.Count > 0)
            {
                foreach (var r in failed)
                    AnsiConsole.MarkupLineInterpolated($"[red]{r.Status.ToString()!.ToLowerInvariant()}:[/] {r.Key} (run {r.RunId}): {r.Error}");
                AnsiConsole.MarkupLineInterpolated($"{failed.Count} of {final.Runs.Count} runs did not publish; run the same file again to queue them again.");
                return RunsFailed;
            }
            AnsiConsole.MarkupLineInterpolated($"[green]✓[/] study {final.Name}: all {final.Runs.Count} runs published (hand-over: klimapakt export {final.Id} --out DIR)");
            return 0;
        }, ct));
        return command;
    }

    private static string Styled(RunStatus? status) => status switch
    {
        RunStatus.Published => "[green]published[/]",
        RunStatus.Failed => "[red]failed[/]",
        RunStatus.Cancelled => "[yellow]cancelled[/]",
        null => "",
        var s => s.ToString()!.ToLowerInvariant(),
    };

    /// <summary>One overall bar and one row per run, live (an interactive terminal).</summary>
    private static Task<StudyState> ExecuteWithProgressAsync(StudyService studies, StudyState study, StudyExecution execution, CancellationToken ct) =>
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var overall = context.AddTask(Markup.Escape($"study {study.Name}"), maxValue: 100);
                var rows = study.Runs.ToDictionary(r => r.Key, r => context.AddTask(Markup.Escape(r.Key), maxValue: 100));
                var here = new HashSet<Guid>();
                return await studies.ExecuteAsync(study.Id, execution, (id, _) => here.Add(id), state =>
                {
                    overall.Description = Markup.Escape($"study {state.Name}: {state.Count(RunStatus.Published)}/{state.Runs.Count} published") +
                        (state.Count(RunStatus.Failed) + state.Count(RunStatus.Cancelled) is var bad and > 0 ? $", [red]{bad} failed[/]" : "");
                    overall.Value = state.ProgressPercent;
                    foreach (var r in state.Runs)
                    {
                        var row = rows[r.Key];
                        var where = r.RunId is { } id && here.Contains(id) && !r.Ended ? " here" : "";
                        row.Description = $"{Markup.Escape(r.Key)} {Styled(r.Status)}{(r.Ended ? "" : Markup.Escape($" {r.Stage}{where}"))}";
                        row.Value = r.Ended ? 100 : r.ProgressPercent;
                    }
                }, ct);
            });

    /// <summary>A line per change (output to a file or a pipe: logs, CI, the tests).</summary>
    private static async Task<StudyState> ExecuteWithLinesAsync(StudyService studies, StudyState study, StudyExecution execution, CancellationToken ct)
    {
        var seen = study.Runs.ToDictionary(r => r.Key, r => (r.RunId, r.Status));
        var lastSummary = "";
        return await studies.ExecuteAsync(study.Id, execution,
            (id, peak) => AnsiConsole.MarkupLineInterpolated($"Executing run {id} here (estimated peak {peak / 1048576.0:N1} MB)"),
            state =>
            {
                foreach (var r in state.Runs)
                {
                    if (seen[r.Key] == (r.RunId, r.Status)) continue;
                    seen[r.Key] = (r.RunId, r.Status);
                    AnsiConsole.MarkupLineInterpolated($"{DateTime.Now:HH:mm:ss} {r.Key}: {r.Status.ToString()?.ToLowerInvariant()} (run {r.RunId}){(r.Error is { } e ? $": {e}" : "")}");
                }
                var summary = $"{state.Count(RunStatus.Published)}/{state.Runs.Count} published, {state.Count(RunStatus.Running)} running, {state.Count(RunStatus.Queued)} queued, " +
                    $"{state.Count(RunStatus.Failed)} failed, {state.Count(RunStatus.Cancelled)} cancelled";
                if (summary == lastSummary) return;
                lastSummary = summary;
                AnsiConsole.MarkupLineInterpolated($"{DateTime.Now:HH:mm:ss} study {state.Name}: {state.ProgressPercent:F0} % — {summary}");
            }, ct);
    }
}
