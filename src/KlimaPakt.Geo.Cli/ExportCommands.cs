using System.CommandLine;
using KlimaPakt.Geo.Data.Exports;
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
}
