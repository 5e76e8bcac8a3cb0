using System.CommandLine;
using System.Text.Json;
using KlimaPakt.Geo.Data.Analyses;
using KlimaPakt.Geo.Data.Runs;

namespace KlimaPakt.Geo.Cli.Runs;

internal static class WindCommands
{
    /// <summary>`klimapakt run wind`: the options of issue 5, turned into the run's JSON parameters (a --params file gives the rest).</summary>
    public static Command Wind()
    {
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
            RunCommands.Region, RunCommands.Communes, RunCommands.ParametersFile, preset, cellSize, turbine, hub, windRaster, referenceHeight, minArea, direction, maxTurbines,
        };
        command.SetAction((p, ct) =>
        {
            var parameters = RunCommands.ReadParameters(p.GetValue(RunCommands.ParametersFile));
            if (p.GetValue(preset) is { } s) parameters["preset"] = s;
            if (p.GetValue(turbine) is { } t) parameters["turbine"] = t;
            if (p.GetValue(windRaster) is { } w) parameters["windRaster"] = w;
            RunCommands.Set(parameters, "cellSizeMeters", p.GetValue(cellSize));
            RunCommands.Set(parameters, "hubHeightMeters", p.GetValue(hub));
            RunCommands.Set(parameters, "referenceHeightMeters", p.GetValue(referenceHeight));
            RunCommands.Set(parameters, "minimumAreaHectares", p.GetValue(minArea));
            RunCommands.Set(parameters, "mainWindDirectionDegrees", p.GetValue(direction));
            RunCommands.Set(parameters, "maxTurbines", p.GetValue(maxTurbines));
            return RunCommands.ExecuteAsync(new RunRequest(WindAnalysis.KindName, p.GetValue(RunCommands.Region)!, p.GetValue(RunCommands.Communes),
                JsonSerializer.SerializeToElement(parameters)), ct);
        });
        return command;
    }
}
