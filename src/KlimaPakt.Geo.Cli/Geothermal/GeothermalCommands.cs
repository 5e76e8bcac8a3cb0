using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using KlimaPakt.Geo.Data.Analyses;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace KlimaPakt.Geo.Cli.Geothermal;

/// <summary>`klimapakt geothermal borehole`: the point query, through the same service as GET /geothermal/borehole.</summary>
internal static class GeothermalCommands
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static Command Create()
    {
        Option<double?> Number(string name, string help) => new(name) { Description = help };
        var x = Number("--x", "Easting in the region's CRS [m]");
        var y = Number("--y", "Northing in the region's CRS [m]");
        var lon = Number("--lon", "Longitude, WGS 84 (instead of --x/--y)");
        var lat = Number("--lat", "Latitude, WGS 84 (instead of --x/--y)");
        var region = new Option<string?>("--region") { Description = "Region code (e.g. lu); may be left out when --x/--y, --conductivity and --ground-temperature are given" };
        var length = Number("--length", "Borehole length L [m] [default: 100]");
        var conductivity = Number("--conductivity", "Ground thermal conductivity λ [W/m/K] [default: 2, assumed]");
        var groundTemperature = Number("--ground-temperature", "Undisturbed ground temperature T0 [°C] [default: from the DEM, assumed]");
        var fluid = Number("--fluid-temperature-min", "Minimum fluid temperature Tlim [°C] [default: -2]");
        var season = Number("--season-days", "Heating season [days] [default: 180]");
        var boreholeRadius = Number("--borehole-radius", "Borehole radius rb [m] [default: 0.075]");
        var pipeRadius = Number("--pipe-radius", "Pipe radius rp [m] [default: 0.016]");
        var pipes = new Option<int?>("--pipes") { Description = "Number of pipes [default: 4]" };
        var grout = Number("--grout-conductivity", "Grout conductivity [W/m/K] [default: 2]");
        var heatCapacity = Number("--heat-capacity", "Volumetric heat capacity ρc [J/m³/K] [default: 2.5e6]");
        var resistance = Number("--borehole-resistance", "Borehole thermal resistance Rb [m·K/W] [default: computed, Shonder & Beck]");
        var lifetime = Number("--lifetime-years", "Simulated lifetime [years] [default: 50]");
        var json = new Option<bool>("--json") { Description = "Print the answer as JSON" };
        var borehole = new Command("borehole", "G.POT of one borehole heat exchanger at a point: inputs used, Rb, G, power, energy and restrictions.")
        {
            x, y, lon, lat, region, length, conductivity, groundTemperature, fluid, season, boreholeRadius, pipeRadius, pipes, grout, heatCapacity, resistance, lifetime, json,
        };
        borehole.SetAction((p, ct) => CliHost.RunAsync(async (services, ct) =>
        {
            var request = new BoreholeRequest
            {
                Region = p.GetValue(region),
                X = p.GetValue(x),
                Y = p.GetValue(y),
                Longitude = p.GetValue(lon),
                Latitude = p.GetValue(lat),
                LengthMeters = p.GetValue(length),
                ConductivityWattsPerMeterKelvin = p.GetValue(conductivity),
                GroundTemperatureCelsius = p.GetValue(groundTemperature),
                FluidTemperatureMinCelsius = p.GetValue(fluid),
                SeasonDays = p.GetValue(season),
                BoreholeRadiusMeters = p.GetValue(boreholeRadius),
                PipeRadiusMeters = p.GetValue(pipeRadius),
                Pipes = p.GetValue(pipes),
                GroutConductivityWattsPerMeterKelvin = p.GetValue(grout),
                HeatCapacityJoulesPerCubicMeterKelvin = p.GetValue(heatCapacity),
                BoreholeResistanceMeterKelvinPerWatt = p.GetValue(resistance),
                LifetimeYears = p.GetValue(lifetime),
            };
            var answer = await services.GetRequiredService<BoreholeQuery>().AnswerAsync(request, ct);
            if (p.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(answer, Json));
                return;
            }
            var table = new Table().AddColumns("input", "value", "unit", "source");
            foreach (var (name, input) in answer.Inputs)
                table.AddRow(name, input.Value.ToString("G6", CultureInfo.InvariantCulture), Markup.Escape(input.Unit ?? ""), Markup.Escape(input.Source));
            AnsiConsole.Write(table);
            AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture,
                $"point ({answer.X:F1}, {answer.Y:F1}){(answer.Srid is { } s ? $" EPSG:{s}" : "")}{(answer.Commune is { } c ? $", commune {c}" : "")}; ground: {answer.GroundSource}");
            AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture,
                $"Rb {answer.BoreholeResistance:F6} m·K/W, G {answer.GFunction:F4} → [bold]{answer.PowerWatts:F1} W[/], [bold]{answer.EnergyMwhPerYear:F3} MWh/yr[/] per borehole");
            AnsiConsole.MarkupLineInterpolated($"restricted: {(answer.Restricted is null ? "not checked (no region)" : answer.Restricted.Value ? string.Join("; ", answer.Restrictions) : "no")}");
        }, ct));
        return new Command("geothermal", "Shallow geothermal: point queries (the cadastre itself: klimapakt run geothermal).") { borehole };
    }
}
