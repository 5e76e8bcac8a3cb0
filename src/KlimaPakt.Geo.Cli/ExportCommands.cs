using System.CommandLine;
using KlimaPakt.Geo.Data.Exports;
using KlimaPakt.Geo.Data.Features;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace KlimaPakt.Geo.Cli;

internal static class ExportCommands
{
    public static Command Create()
    {
        var run = new Argument<Guid>("id") { Description = "Id of a published run, or of a batch study whose runs are all published" };
        var output = new Option<string>("--out") { Description = "Folder to write into (created when missing)", Required = true };
        var command = new Command("export",
            "Export a published run: one GeoPackage with every result table, its rasters as Cloud-Optimised GeoTIFFs, the per-commune figures as CSV. " +
            "A study: each of its runs so, in a folder per item, and study.csv listing them.")
            { run, output };
        command.SetAction((p, ct) => CliHost.RunAsync(async (s, ct) =>
        {
            var id = p.GetValue(run);
            if (await s.GetRequiredService<StudyExporter>().ExportIfStudyAsync(id, p.GetValue(output)!, ct) is { } study)
            {
                foreach (var r in study.Runs) Print(r.Key + ": ", r.Export);
                AnsiConsole.MarkupLineInterpolated($"[green]✓[/] {study.Index}: study '{study.Name}', {study.Runs.Count} runs");
                return;
            }
            Print("", await s.GetRequiredService<RunExporter>().ExportAsync(id, p.GetValue(output)!, ct));
        }, ct));
        return command;
    }

    private static void Print(string prefix, RunExport export)
    {
        AnsiConsole.MarkupLineInterpolated($"[green]✓[/] {prefix}{export.GeoPackage}: {string.Join(", ", export.FeatureCounts.Select(c => $"{c.Key} {c.Value:N0}"))}");
        foreach (var r in export.Rasters) AnsiConsole.MarkupLineInterpolated($"[green]✓[/] {r}");
        AnsiConsole.MarkupLineInterpolated($"[green]✓[/] {export.CommuneCsv}");
    }

    public static Command Compare()
    {
        var a = new Argument<Guid>("run-a") { Description = "Reference run (published)" };
        var b = new Argument<Guid>("run-b") { Description = "Run compared with it (published, same kind)" };
        var output = new Option<string?>("--out") { Description = "CSV file of the per-commune differences (default: standard output)" };
        var difference = new Option<string?>("--difference") { Description = "GeoJSON file of the difference layer: the main area layer's area gained and lost" };
        var command = new Command("compare",
            "Compare two runs of one kind commune by commune: each figure in A and B and B − A (CSV), the areas gained and lost, and a short summary.")
            { a, b, output, difference };
        command.SetAction((p, ct) => CliHost.RunAsync(async (s, ct) =>
        {
            var comparison = s.GetRequiredService<RunComparison>();
            var result = await comparison.CompareAsync(p.GetValue(a), p.GetValue(b), ct);
            if (p.GetValue(difference) is { } geojson)
            {
                await File.WriteAllTextAsync(geojson, await comparison.DifferenceGeoJsonAsync(result.RunA, result.RunB, ct), ct);
                if (p.GetValue(output) is not null) AnsiConsole.MarkupLineInterpolated($"[green]✓[/] {geojson}: the difference layer");
            }
            if (p.GetValue(output) is not { } path)
            {
                Console.Out.Write(result.ToCsv());
                // The summary after the table, on standard error: the CSV on standard output stays a clean table.
                Console.Error.WriteLine(result.Summary);
                return;
            }
            await File.WriteAllTextAsync(path, result.ToCsv(), ct);
            Console.Out.WriteLine(result.Summary);
            AnsiConsole.MarkupLineInterpolated($"[green]✓[/] {path}: {result.Communes.Count} communes");
        }, ct));
        return command;
    }
}
