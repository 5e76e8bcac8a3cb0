using System.CommandLine;
using KlimaPakt.Geo.Data.Import;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace KlimaPakt.Geo.Cli;

internal static class RegionCommands
{
    public static Command Create()
    {
        var code = new Option<string>("--code") { Description = "Short code, e.g. lu", Required = true };
        var name = new Option<string>("--name") { Description = "Display name", Required = true };
        var srid = new Option<int>("--srid") { Description = "EPSG code of the region's metric CRS (2169 for Luxembourg)", Required = true };
        var create = new Command("create", "Create a region (or rename it).") { code, name, srid };
        create.SetAction((p, ct) => CliHost.RunAsync(async (services, ct) =>
        {
            var id = await services.GetRequiredService<ImportService>().EnsureRegionAsync(new RegionRequest(p.GetValue(code)!, p.GetValue(name)!, p.GetValue(srid)), ct);
            AnsiConsole.MarkupLineInterpolated($"region [bold]{p.GetValue(code)}[/] ready (id {id}, EPSG:{p.GetValue(srid)})");
        }, ct));
        return new Command("region", "Regions: named sets of communes with a metric CRS.") { create };
    }
}
