using System.CommandLine;
using KlimaPakt.Geo.Core.Errors;
using KlimaPakt.Geo.Data.Reports;
using KlimaPakt.Geo.Data.Tiles;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace KlimaPakt.Geo.Cli;

internal static class ReportCommands
{
    public static Command Create()
    {
        var commune = new Option<string?>("--commune") { Description = "Commune code (e.g. 0204)" };
        var group = new Option<string?>("--group") { Description = "Group as KIND/CODE (canton/Esch-sur-Alzette, district/luxembourg, space/nordstad) or a cooperation space's code" };
        var region = new Option<string?>("--region") { Description = "Region code (needed for --group; for --commune only when the code is in several regions)" };
        var output = new Option<string>("--out") { Description = "Folder to write into (created when missing)", Required = true };
        var pdf = new Option<bool>("--pdf") { Description = "Also print the report to PDF with headless Chromium (CHROMIUM, else /usr/bin/chromium)" };
        var command = new Command("report",
            "A report on a commune or a group: per analysis with a published run, a map from the service's vector tiles, the figures with units, method, sources, run ids, parameters and caveats — one self-contained HTML file, and a PDF with --pdf.")
            { commune, group, region, output, pdf };
        command.SetAction((p, ct) => CliHost.RunAsync(async (s, ct) =>
        {
            var reports = s.GetRequiredService<ReportService>();
            var report = (p.GetValue(commune), p.GetValue(group)) switch
            {
                ({ } code, null) => await reports.CommuneAsync(p.GetValue(region), code, ct),
                (null, { } g) => await GroupAsync(reports, p.GetValue(region), g, ct),
                _ => throw new GeoInputException("Name either --commune CODE or --group KIND/CODE."),
            };
            var files = await reports.WriteAsync(report, p.GetValue(output)!, p.GetValue(pdf), ct);
            AnsiConsole.MarkupLineInterpolated($"[green]✓[/] {files.Html}: {report.Name}, {report.Sections.Count} analyses ({string.Join(", ", report.Sections.Select(x => x.Kind))}), {files.Tiles} tiles embedded");
            if (files.Pdf is { } path) AnsiConsole.MarkupLineInterpolated($"[green]✓[/] {path}");
        }, ct, configure: services => services.AddGeoServing()));
        return command;
    }

    private static Task<Report> GroupAsync(ReportService reports, string? region, string group, CancellationToken ct)
    {
        if (region is null) throw new GeoInputException("--group needs --region (e.g. --region lu).");
        var slash = group.IndexOf('/', StringComparison.Ordinal);
        var (kind, code) = slash < 0 ? ("space", group) : (group[..slash], group[(slash + 1)..]);
        return reports.GroupAsync(region, kind, code, ct);
    }
}
