using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using KlimaPakt.Geo.Data.Analyses;
using KlimaPakt.Geo.Data.Entities;
using KlimaPakt.Geo.Data.Runs;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace KlimaPakt.Geo.Cli.Runs;

internal static class RunCommands
{
    internal static readonly Option<string> Region = new("--region") { Description = "Region code (e.g. lu)", Required = true };
    internal static readonly Option<string[]> Communes = new("--commune") { Description = "Commune code(s) for a subset run (repeatable); default: the whole region", AllowMultipleArgumentsPerToken = true };
    internal static readonly Option<FileInfo?> ParametersFile = new("--params") { Description = "JSON file of parameters (names as in the run's stored parameters)" };

    /// <summary>`klimapakt run KIND` for every analysis, its options generated from the analysis's parameters record.</summary>
    public static Command Create()
    {
        var run = new Command("run", "Run an analysis over a region (or some of its communes) and publish its results.");
        foreach (var description in AnalysisServices.Descriptions)
        {
            var options = new ParameterOptions(description);
            var command = new Command(description.Kind, description.Summary) { Region, Communes, ParametersFile };
            foreach (var option in options.Options) command.Options.Add(option);
            command.SetAction((p, ct) =>
            {
                var parameters = ReadParameters(p.GetValue(ParametersFile));
                options.Apply(p, parameters);
                return ExecuteAsync(new RunRequest(description.Kind, p.GetValue(Region)!, p.GetValue(Communes), JsonSerializer.SerializeToElement(parameters)), ct);
            });
            run.Subcommands.Add(command);
        }
        return run;
    }

    public static Command List()
    {
        var list = new Command("runs", "List recent analysis runs.");
        var kind = new Option<string?>("--kind") { Description = "Only runs of this kind" };
        list.Options.Add(kind);
        list.SetAction((p, ct) => CliHost.RunAsync(async (s, ct) =>
        {
            var table = new Table().AddColumns("run", "kind", "status", "created", "stage timings", "result hash");
            foreach (var r in await s.GetRequiredService<RunService>().ListAsync(p.GetValue(kind), 20, ct))
                table.AddRow(r.Id.ToString(), r.Kind, r.Status.ToString(), r.CreatedAt.ToString("u"),
                    Markup.Escape(string.Join(", ", r.StageTimingsMs.Select(t => $"{t.Key} {t.Value / 1000:F1}s"))), r.ResultSha256?[..12] ?? "");
            AnsiConsole.Write(table);
        }, ct));
        return list;
    }

    internal static JsonObject ReadParameters(FileInfo? file)
    {
        if (file is null) return [];
        try { return JsonNode.Parse(File.ReadAllText(file.FullName)) as JsonObject ?? throw new Core.Errors.GeoInputException($"{file}: parameters must be a JSON object."); }
        catch (Exception e) when (e is JsonException or IOException) { throw new Core.Errors.GeoInputException($"{file}: unreadable parameters ({e.Message})."); }
    }

    internal static Task<int> ExecuteAsync(RunRequest request, CancellationToken ct) => CliHost.RunAsync(async (s, ct) =>
    {
        var runs = s.GetRequiredService<RunService>();
        var created = await runs.CreateHeldAsync(request, ct); // this process executes it: no worker takes it
        AnsiConsole.MarkupLineInterpolated($"run [bold]{created.Id}[/] ({created.Kind}, region {request.Region}) queued");
        var final = await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async progressContext =>
            {
                var task = progressContext.AddTask("queued", maxValue: 100);
                var progress = new Progress<RunProgress>(p => { task.Description = p.Stage; task.Value = p.Percent; });
                return await runs.ExecuteAsync(created.Id, progress, ct);
            });
        foreach (var (stage, ms) in final.StageTimingsMs) AnsiConsole.MarkupLineInterpolated($"  {stage,-12} {ms / 1000,7:F2} s");
        AnsiConsole.MarkupLineInterpolated($"  {"total",-12} {final.StageTimingsMs.Values.Sum() / 1000,7:F2} s");
        foreach (var line in final.Log) AnsiConsole.MarkupLineInterpolated($"  [grey]{line}[/]");
        if (final.Status != RunStatus.Published)
            throw new Core.Errors.GeoInputException($"run {final.Id} {final.Status.ToString().ToLowerInvariant()}: {final.Error}");
        AnsiConsole.MarkupLineInterpolated($"[green]✓ published[/] run {final.Id} (result hash {final.ResultSha256?[..16]})");
    }, ct);
}
