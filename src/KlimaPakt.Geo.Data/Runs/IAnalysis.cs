using System.Text.Json;

namespace KlimaPakt.Geo.Data.Runs;

/// <summary>
/// One kind of analysis run (wind, geothermal, corridors, ev): it validates its typed parameters, then computes and
/// publishes its results through the <see cref="RunContext"/>. Registered in DI; the <see cref="RunService"/> finds
/// it by <see cref="Kind"/>.
/// </summary>
public interface IAnalysis
{
    /// <summary>Kind name used in URLs and on the command line.</summary>
    string Kind { get; }

    /// <summary>
    /// Parses and validates the parameters (null = all defaults) and returns them in full, defaults included, as
    /// they will be stored with the run; throws <see cref="Core.Errors.GeoInputException"/> listing what is wrong.
    /// </summary>
    JsonDocument NormaliseParameters(JsonElement? parameters);

    /// <summary>
    /// Checks what needs the region (e.g. that a named raster covers it) before the run is created; throws
    /// <see cref="Core.Errors.GeoInputException"/> so that no run is created. Most analyses need nothing here.
    /// </summary>
    Task ValidateForRegionAsync(string regionCode, IReadOnlyList<string>? communes, JsonElement? parameters, CancellationToken ct = default) =>
        Task.CompletedTask;

    /// <summary>Computes the results and publishes them with <see cref="RunContext.PublishAsync"/>.</summary>
    Task RunAsync(RunContext context, CancellationToken cancellationToken);
}
