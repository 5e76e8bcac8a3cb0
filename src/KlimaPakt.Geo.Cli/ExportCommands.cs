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
        var run = new Argument<Guid>("run") { Description = "Id of a published run" };
        var output = new Option<string>("--out") { Description = "Folder to write into (created when missing)", Required = true };
        var command = new Command("export",
            "Export a published run: one GeoPackage with every result table, its rasters as Cloud-Optimised GeoTIFFs, the per-commune figures as CSV.")
            { run, output };
        command.SetAction((p, ct) => CliHost.RunAsync(async (s, ct) =>
        {
            var export = await s.GetRequiredService<RunExporter>().ExportAsync(p.GetValue(run), p.GetValue(output)!, ct);
            AnsiConsole.MarkupLineInterpolated($"[green]✓[/] {export.GeoPackage}: {string.Join(", ", export.FeatureCounts.Select(c => $"{c.Key} {c.Value:N0}"))}");
            foreach (var r in export.Rasters) AnsiConsole.MarkupLineInterpolated($"[green]✓[/] {r}");
            AnsiConsole.MarkupLineInterpolated($"[green]✓[/] {export.CommuneCsv}");
        }, ct));
        return command;
    }

    public static Command Compare()
    {
        var a = new Argument<Guid>("run-a") { Description = "Reference run (published)" };
        var b = new Argument<Guid>("run-b") { Description = "Run compared with it (published, same kind)" };
        var output = new Option<string?>("--out") { Description = "CSV file of the per-commune differences (default: standard output)" };
        var command = new Command("compare", "Compare two runs of one kind commune by commune: each figure in A and B and B − A, as CSV.") { a, b, output };
        command.SetAction((p, ct) => CliHost.RunAsync(async (s, ct) =>
        {
            var result = await s.GetRequiredService<RunComparison>().CompareAsync(p.GetValue(a), p.GetValue(b), ct);
            if (p.GetValue(output) is not { } path)
            {
                Console.Out.Write(result.ToCsv());
                return;
            }
            await File.WriteAllTextAsync(path, result.ToCsv(), ct);
            foreach (var t in result.Totals)
                AnsiConsole.MarkupLineInterpolated($"{t.Metric}: {t.A:N2} → {t.B:N2} ({t.Difference:+0.##;-0.##;0})");
            AnsiConsole.MarkupLineInterpolated($"[green]✓[/] {path}: {result.Communes.Count} communes");
        }, ct));
        return command;
    }
}
