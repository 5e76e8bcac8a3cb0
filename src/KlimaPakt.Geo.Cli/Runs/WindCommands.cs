using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using KlimaPakt.Geo.Data.Analyses;
using KlimaPakt.Geo.Data.Entities;
using KlimaPakt.Geo.Data.Runs;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace KlimaPakt.Geo.Cli.Runs;

internal static class WindCommands
{
    /// <summary>`klimapakt run wind`: the options of issue 5, turned into the run's JSON parameters (a --params file gives the rest).</summary>
    public static Command Wind()
    {
        var region = new Option<string>("--region") { Description = "Region code (e.g. lu)", Required = true };
        var communes = new Option<string[]>("--commune") { Description = "Commune code(s) for a subset run (repeatable); default: the whole region", AllowMultipleArgumentsPerToken = true };
        var file = new Option<FileInfo?>("--params") { Description = "JSON file of parameters (names as in the run's stored parameters: rules, criteria, forcedInclusions …)" };
        var preset = new Option<string?>("--preset") { Description = "Exclusion preset: holtinger-max | holtinger-medium (default) | holtinger-min | luxembourg-legal-minimum | none" };
        var cellSize = new Option<double?>("--cell-size") { Description = "Analysis cell size in metres (default 10)" };
        var turbine = new Option<string?>("--turbine") { Description = "Turbine: generic (default, 4.2 MW, rotor 141 m, hub 159 m) | nrel-5mw | custom" };
        var hub = new Option<double?>("--hub-height") { Description = "Hub height in metres" };
        var windRaster = new Option<string?>("--wind-raster") { Description = "Mean wind speed GeoTIFF at the reference height (registered name or path); default: the labelled modelled field" };
        var referenceHeight = new Option<double?>("--reference-height") { Description = "Height of the wind raster, metres (default 100)" };
        var minArea = new Option<double?>("--min-area") { Description = "Minimum contiguous eligible area in hectares (default 5)" };
        var direction = new Option<double?>("--wind-direction") { Description = "Main wind direction, degrees from north (default 240)" };
        var maxTurbines = new Option<int?>("--max-turbines") { Description = "Place at most this many turbines" };
        var command = new Command("wind", "Wind potential cadastre: eligibility, potential map, turbine sites and yield per commune.")
        {
            region, communes, file, preset, cellSize, turbine, hub, windRaster, referenceHeight, minArea, direction, maxTurbines,
        };
        command.SetAction((p, ct) =>
        {
            var parameters = ReadParameters(p.GetValue(file));
            if (p.GetValue(preset) is { } s) parameters["preset"] = s;
            if (p.GetValue(turbine) is { } t) parameters["turbine"] = t;
            if (p.GetValue(windRaster) is { } w) parameters["windRaster"] = w;
            Set(parameters, "cellSizeMeters", p.GetValue(cellSize));
            Set(parameters, "hubHeightMeters", p.GetValue(hub));
            Set(parameters, "referenceHeightMeters", p.GetValue(referenceHeight));
            Set(parameters, "minimumAreaHectares", p.GetValue(minArea));
            Set(parameters, "mainWindDirectionDegrees", p.GetValue(direction));
            Set(parameters, "maxTurbines", p.GetValue(maxTurbines));
            var request = new RunRequest(WindAnalysis.KindName, p.GetValue(region)!, p.GetValue(communes), JsonSerializer.SerializeToElement(parameters));
            return CliHost.RunAsync(async (services, ct) =>
            {
                // The wind raster's coverage of the region is checked before the run is created, so a bad raster creates nothing.
                await services.GetRequiredService<WindAnalysis>().ValidateForRegionAsync(request.Region, request.Communes, request.Parameters, ct);
                var runs = services.GetRequiredService<RunService>();
                var created = await runs.CreateAsync(request, ct);
                AnsiConsole.MarkupLineInterpolated($"run [bold]{created.Id}[/] (wind, region {request.Region}) queued");
                var final = await AnsiConsole.Progress()
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                    .StartAsync(async progressContext =>
                    {
                        var task = progressContext.AddTask("queued", maxValue: 100);
                        var progress = new Progress<RunProgress>(x => { task.Description = x.Stage; task.Value = x.Percent; });
                        return await runs.ExecuteAsync(created.Id, progress, ct);
                    });
                foreach (var (stage, ms) in final.StageTimingsMs) AnsiConsole.MarkupLineInterpolated($"  {stage,-12} {ms / 1000,7:F2} s");
                AnsiConsole.MarkupLineInterpolated($"  {"total",-12} {final.StageTimingsMs.Values.Sum() / 1000,7:F2} s");
                foreach (var line in final.Log) AnsiConsole.MarkupLineInterpolated($"  [grey]{line}[/]");
                if (final.Status != RunStatus.Published)
                    throw new Core.Errors.GeoInputException($"run {final.Id} {final.Status.ToString().ToLowerInvariant()}: {final.Error}");
                AnsiConsole.MarkupLineInterpolated($"[green]✓ published[/] run {final.Id} (result hash {final.ResultSha256?[..16]})");
            }, ct);
        });
        return command;
    }

    private static JsonObject ReadParameters(FileInfo? file)
    {
        if (file is null) return [];
        try { return JsonNode.Parse(File.ReadAllText(file.FullName)) as JsonObject ?? throw new Core.Errors.GeoInputException($"{file}: parameters must be a JSON object."); }
        catch (Exception e) when (e is JsonException or IOException) { throw new Core.Errors.GeoInputException($"{file}: unreadable parameters ({e.Message})."); }
    }

    private static void Set<T>(JsonObject parameters, string name, T? value) where T : struct
    {
        if (value is { } v) parameters[name] = JsonValue.Create(v);
    }
}
