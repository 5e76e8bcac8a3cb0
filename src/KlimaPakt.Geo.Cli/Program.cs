using System.CommandLine;
using KlimaPakt.Geo.Cli;
using KlimaPakt.Geo.Cli.Import;
using KlimaPakt.Geo.Cli.Raster;
using KlimaPakt.Geo.Cli.Runs;

// `klimapakt raster …` builds only its own subtree (measured start-up in benchmarks/results/2026-12-02-peers.md). The CLI
// as it ships runs it ahead-of-time compiled instead (KlimaPakt.Geo.Cli.Native, the same RasterCommands).
if (args is ["raster", ..])
    return await RasterCommands.RunAsync(args);

// Logs and CI read redirected output: no wrapping at 80 columns there.
if (Console.IsOutputRedirected) Spectre.Console.AnsiConsole.Profile.Width = 200;

// `klimapakt`: the consultants' front door. Every command calls the same application services as the API.
var root = new RootCommand(RasterCommands.ToolDescription)
{
    DatabaseCommands.Create(),
    RegionCommands.Create(),
    ImportCommands.Create(),
    RasterCommands.Create(),
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
