using KlimaPakt.Geo.Data.Analyses;

namespace KlimaPakt.Geo.Data.Runs;

/// <summary>
/// One kind of analysis run (wind, geothermal, corridors, ev): a description (parameters, inputs, result tables,
/// layers, figures) and a computation that reads its inputs and returns its results. The <see cref="RunService"/>
/// validates the parameters, resolves the rasters they name, hashes the inputs, and publishes what the computation
/// returns in one transaction. Implementations in this assembly are found and registered by
/// <see cref="AnalysisServices.AddAnalyses"/>; each has a public static <c>Definition</c> (its description).
/// </summary>
public interface IAnalysis
{
    /// <summary>The description (the static <c>Definition</c> of the implementation).</summary>
    AnalysisDescription Description { get; }

    /// <summary>Reads the inputs, computes, and returns the results to publish.</summary>
    Task<RunOutput> ComputeAsync(RunContext context, CancellationToken ct);
}
