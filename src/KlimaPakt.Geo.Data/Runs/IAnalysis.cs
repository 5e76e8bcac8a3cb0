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

    /// <summary>Computes the results and publishes them with <see cref="RunContext.PublishAsync"/>.</summary>
    Task RunAsync(RunContext context, CancellationToken cancellationToken);
}
