using System.Reflection;
using KlimaPakt.Geo.Data.Publishing;
using KlimaPakt.Geo.Data.Runs;
using KlimaPakt.Geo.Data.Tiles;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace KlimaPakt.Geo.Data.Analyses;

/// <summary>
/// Registration of the run machinery and of every analysis of this assembly: each <see cref="IAnalysis"/>
/// implementation is found by reflection with its static <c>Definition</c>, so adding an analysis edits no list.
/// </summary>
public static class AnalysisServices
{
    /// <summary>The analyses' implementation types with their descriptions, by kind.</summary>
    public static IReadOnlyList<(Type Type, AnalysisDescription Description)> Analyses { get; } = Discover();

    /// <summary>Every analysis description, by kind.</summary>
    public static IReadOnlyList<AnalysisDescription> Descriptions { get; } = [.. Analyses.Select(a => a.Description)];

    /// <summary>A description by kind, or null.</summary>
    public static AnalysisDescription? Find(string kind) =>
        Descriptions.FirstOrDefault(d => string.Equals(d.Kind, kind, StringComparison.OrdinalIgnoreCase));

    /// <summary>The description of the metric named <paramref name="metric"/>, or null.</summary>
    public static (AnalysisDescription Analysis, FigureDescription Figure)? FindFigure(string metric) =>
        Descriptions.SelectMany(d => d.Figures.Select(f => (d, f))).FirstOrDefault(x => x.f.Metric == metric) is ({ } d, { } f) ? (d, f) : null;

    /// <summary>Registers <see cref="RunService"/>, every analysis and their published layers (the CLI and the API call the same).</summary>
    public static IServiceCollection AddAnalyses(this IServiceCollection services)
    {
        services.TryAddSingleton<IRunPublishedNotifier, NoRunPublishedNotifier>();
        services.TryAddSingleton<RunService>();
        services.TryAddSingleton<RunQueueWorker>();
        foreach (var (type, description) in Analyses)
        {
            services.AddSingleton(type).AddSingleton(s => (IAnalysis)s.GetRequiredService(type));
            foreach (var layer in description.Layers) services.AddPublishedLayer(layer);
        }
        return services;
    }

    private static List<(Type, AnalysisDescription)> Discover() =>
    [
        .. typeof(IAnalysis).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IAnalysis).IsAssignableFrom(t))
            .Select(t => (t, t.GetProperty("Definition", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) as AnalysisDescription
                ?? throw new InvalidOperationException($"Analysis {t.Name} has no public static Definition (its AnalysisDescription).")))
            .OrderBy(a => a.Item2.Kind, StringComparer.Ordinal),
    ];
}
