using System.CommandLine;
using KlimaPakt.Geo.Cli;
using KlimaPakt.Geo.Cli.Import;
using KlimaPakt.Geo.Cli.Runs;

const string Description = "KlimaPakt.Geo — climate-pact cadastres for Luxembourg's communes (PostGIS-backed).";

// `klimapakt raster …` needs neither the database nor the other commands: building only its subtree keeps Core, Data,
// EF Core and Spectre's console profile out of the process (measured start-up in benchmarks/results/2026-12-02-peers.md).
if (args is ["raster", ..])
    return await new RootCommand(Description) { KlimaPakt.Geo.Cli.Raster.RasterCommands.Create() }.Parse(args).InvokeAsync();

// Logs and CI read redirected output: no wrapping at 80 columns there.
if (Console.IsOutputRedirected) Spectre.Console.AnsiConsole.Profile.Width = 200;

// `klimapakt`: the consultants' front door. Every command calls the same application services as the API.
var root = new RootCommand(Description)
{
    DatabaseCommands.Create(),
    RegionCommands.Create(),
    ImportCommands.Create(),
    KlimaPakt.Geo.Cli.Raster.RasterCommands.Create(),
    RunCommands.Create(),
    RunCommands.List(),
    IndicatorCommands.Create(),
    ExportCommands.Create(),
    ExportCommands.Compare(),
    ReportCommands.Create(),
    KlimaPakt.Geo.Cli.Geothermal.GeothermalCommands.Create(),
    WorkerCommand.Create(),
    BatchCommand.Create(),
    KeyCommands.Create(),
};
return await root.Parse(args).InvokeAsync();
