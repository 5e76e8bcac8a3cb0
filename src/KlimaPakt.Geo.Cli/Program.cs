using System.CommandLine;
using KlimaPakt.Geo.Cli;
using KlimaPakt.Geo.Cli.Import;
using KlimaPakt.Geo.Cli.Runs;

// Logs and CI read redirected output: no wrapping at 80 columns there.
if (Console.IsOutputRedirected) Spectre.Console.AnsiConsole.Profile.Width = 200;

// `klimapakt`: the consultants' front door. Every command calls the same application services as the API.
var root = new RootCommand("KlimaPakt.Geo — climate-pact cadastres for Luxembourg's communes (PostGIS-backed).")
{
    DatabaseCommands.Create(),
    RegionCommands.Create(),
    ImportCommands.Create(),
    KlimaPakt.Geo.Cli.Raster.RasterCommands.Create(),
    RunCommands.Create(),
    RunCommands.List(),
};
return await root.Parse(args).InvokeAsync();
