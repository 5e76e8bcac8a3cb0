using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
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

    public static Command Create() => new("run", "Run an analysis over a region (or some of its communes) and publish its results.") { Ev(), WindCommands.Wind() };

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

    /// <summary>`klimapakt run ev`: the options of issue 6, turned into the run's JSON parameters.</summary>
    public static Command Ev()
    {
        var radius = new Option<double?>("--radius") { Description = "Service distance in metres (default 500)" };
        var newSites = new Option<int?>("--new-sites") { Description = "New charger sites to propose (default 20)" };
        var cellSize = new Option<double?>("--cell-size") { Description = "Demand grid cell size in metres (default 100)" };
        var network = new Option<bool>("--network") { Description = "Also measure coverage by road distance" };
        var fleet = new Option<int?>("--bev-fleet") { Description = "Battery-electric vehicles in the region, for kW per BEV" };
        var target = new Option<double?>("--target") { Description = "Coverage target in percent for the fewest-sites count (default 80)" };
        var command = new Command("ev", "EV-charger coverage per commune: coverage, gaps and new sites.") { Region, Communes, ParametersFile, radius, newSites, cellSize, network, fleet, target };
        command.SetAction((p, ct) =>
        {
            var parameters = ReadParameters(p.GetValue(ParametersFile));
            Set(parameters, "radiusMeters", p.GetValue(radius));
            Set(parameters, "newSites", p.GetValue(newSites));
            Set(parameters, "cellSizeMeters", p.GetValue(cellSize));
            Set(parameters, "bevFleet", p.GetValue(fleet));
            Set(parameters, "targetCoveragePercent", p.GetValue(target));
            if (p.GetValue(network)) parameters["networkDistance"] = true;
            return ExecuteAsync(new RunRequest("ev", p.GetValue(Region)!, p.GetValue(Communes), JsonSerializer.SerializeToElement(parameters)), ct);
        });
        return command;
    }

    internal static JsonObject ReadParameters(FileInfo? file)
    {
        if (file is null) return [];
        try { return JsonNode.Parse(File.ReadAllText(file.FullName)) as JsonObject ?? throw new Core.Errors.GeoInputException($"{file}: parameters must be a JSON object."); }
        catch (Exception e) when (e is JsonException or IOException) { throw new Core.Errors.GeoInputException($"{file}: unreadable parameters ({e.Message})."); }
    }

    internal static void Set<T>(JsonObject parameters, string name, T? value) where T : struct
    {
        if (value is { } v) parameters[name] = JsonValue.Create(v);
    }

    internal static Task<int> ExecuteAsync(RunRequest request, CancellationToken ct) => CliHost.RunAsync(async (s, ct) =>
    {
        var runs = s.GetRequiredService<RunService>();
        var created = await runs.CreateAsync(request, ct);
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
