using System.CommandLine;
using KlimaPakt.Geo.Data.Features;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace KlimaPakt.Geo.Cli;

internal static class IndicatorCommands
{
    public static Command Create()
    {
        var region = new Option<string>("--region") { Description = "Region code (e.g. lu)", Required = true };
        var by = new Option<string>("--by") { Description = $"Rows: {string.Join(", ", GroupFigures.Units)}", DefaultValueFactory = _ => "commune" };
        var output = new Option<string?>("--out") { Description = "CSV file to write (default: the CSV on standard output)" };
        var command = new Command("indicators",
            "The regional indicator table as CSV: one row per commune or group, one column per figure of each analysis's latest published run.")
            { region, by, output };
        command.SetAction((p, ct) => CliHost.RunAsync(async (s, ct) =>
        {
            var table = await s.GetRequiredService<GroupFigures>().IndicatorsAsync(p.GetValue(region)!, p.GetValue(by)!, ct);
            if (p.GetValue(output) is { } path)
            {
                try
                {
                    await File.WriteAllTextAsync(path, table.ToCsv(), ct);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw new KlimaPakt.Geo.Core.Errors.GeoInputException($"--out {path}: cannot write ({e.Message}).", inner: e);
                }
                AnsiConsole.MarkupLineInterpolated($"[green]✓[/] {path}: {table.Rows.Count} rows × {table.Columns.Count} figures from runs {string.Join(", ", table.Runs.Select(r => $"{r.Key} {r.Value}"))}");
            }
            else Console.Out.Write(table.ToCsv());
        }, ct));
        return command;
    }
}
