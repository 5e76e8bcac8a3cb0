using KlimaPakt.Geo.Data.Analyses;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace KlimaPakt.Geo.Api.Features.Geothermal;

public static class GeothermalApi
{
    public static IEndpointRouteBuilder MapGeothermalApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/geothermal/borehole", Borehole).WithTags("Geothermal")
            .WithSummary("G.POT of one borehole heat exchanger at a point (x/y in the region's CRS, or lon/lat): inputs used and their source, Rb, G, power, energy, restrictions");
        return app;
    }

    // The query names are the CLI's option names in camel case (length, conductivity, groundTemperature, …).
    private sealed record BoreholeQueryString(
        [property: FromQuery(Name = "region")] string? Region, [property: FromQuery(Name = "x")] double? X, [property: FromQuery(Name = "y")] double? Y,
        [property: FromQuery(Name = "lon")] double? Lon, [property: FromQuery(Name = "lat")] double? Lat,
        [property: FromQuery(Name = "length")] double? Length, [property: FromQuery(Name = "conductivity")] double? Conductivity,
        [property: FromQuery(Name = "groundTemperature")] double? GroundTemperature, [property: FromQuery(Name = "fluidTemperatureMin")] double? FluidTemperatureMin,
        [property: FromQuery(Name = "seasonDays")] double? SeasonDays, [property: FromQuery(Name = "boreholeRadius")] double? BoreholeRadius,
        [property: FromQuery(Name = "pipeRadius")] double? PipeRadius, [property: FromQuery(Name = "pipes")] int? Pipes,
        [property: FromQuery(Name = "groutConductivity")] double? GroutConductivity, [property: FromQuery(Name = "heatCapacity")] double? HeatCapacity,
        [property: FromQuery(Name = "boreholeResistance")] double? BoreholeResistance, [property: FromQuery(Name = "lifetimeYears")] double? LifetimeYears);

    private static async Task<Ok<BoreholeAnswer>> Borehole([AsParameters] BoreholeQueryString q, BoreholeQuery query, CancellationToken ct) =>
        TypedResults.Ok(await query.AnswerAsync(new BoreholeRequest
        {
            Region = q.Region,
            X = q.X,
            Y = q.Y,
            Longitude = q.Lon,
            Latitude = q.Lat,
            LengthMeters = q.Length,
            ConductivityWattsPerMeterKelvin = q.Conductivity,
            GroundTemperatureCelsius = q.GroundTemperature,
            FluidTemperatureMinCelsius = q.FluidTemperatureMin,
            SeasonDays = q.SeasonDays,
            BoreholeRadiusMeters = q.BoreholeRadius,
            PipeRadiusMeters = q.PipeRadius,
            Pipes = q.Pipes,
            GroutConductivityWattsPerMeterKelvin = q.GroutConductivity,
            HeatCapacityJoulesPerCubicMeterKelvin = q.HeatCapacity,
            BoreholeResistanceMeterKelvinPerWatt = q.BoreholeResistance,
            LifetimeYears = q.LifetimeYears,
        }, ct));
}
