using KlimaPakt.Geo.Data.Publishing;
using KlimaPakt.Geo.Data.Runs;
using KlimaPakt.Geo.Data.Tiles;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace KlimaPakt.Geo.Data.Analyses;

/// <summary>Registration of the run machinery and every analysis with its published layers.</summary>
public static class AnalysisServices
{
    /// <summary>Registers <see cref="RunService"/> and the analyses (the CLI and the API call the same).</summary>
    public static IServiceCollection AddAnalyses(this IServiceCollection services)
    {
        services.TryAddSingleton<IRunPublishedNotifier, NoRunPublishedNotifier>();
        services.TryAddSingleton<RunService>();
        services.AddSingleton<IAnalysis, EvCoverageAnalysis>();
        foreach (var layer in EvCoverageAnalysis.Layers) services.AddPublishedLayer(layer);
        services.AddSingleton<WindAnalysis>().AddSingleton<IAnalysis>(s => s.GetRequiredService<WindAnalysis>());
        foreach (var layer in WindAnalysis.Layers) services.AddPublishedLayer(layer);
        return services;
    }
}
