using KlimaPakt.Geo.Data.Features;
using KlimaPakt.Geo.Data.Publishing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace KlimaPakt.Geo.Data.Tiles;

/// <summary>Registration of the serving services (tiles, features, commune figures, the layer registry).</summary>
public static class ServingServices
{
    /// <summary>Registers the layer registry, the tile renderer and the feature queries (needs <c>AddGeoData</c>).</summary>
    public static IServiceCollection AddGeoServing(this IServiceCollection services)
    {
        services.TryAddSingleton<TileOptions>();
        services.TryAddSingleton<LayerRegistry>();
        services.TryAddSingleton<RunLookup>();
        services.TryAddSingleton<TileService>();
        services.TryAddSingleton<FeatureQueries>();
        services.TryAddSingleton<CommuneFigures>();
        services.TryAddSingleton<LayerStyles>();
        services.TryAddSingleton<IRunPublishedNotifier, NoRunPublishedNotifier>();
        services.AddPublishedLayer(GroupLayer.Layer);
        foreach (var layer in GroupLayer.AnalysisLayers) services.AddPublishedLayer(layer);
        services.TryAddSingleton<Reports.ReportService>();
        return services;
    }

    /// <summary>Publishes an analysis's result layer (tiles and Features), e.g. from its <c>AddXxxAnalysis</c>.</summary>
    public static IServiceCollection AddPublishedLayer(this IServiceCollection services, PublishedLayer layer) =>
        services.AddSingleton(layer);
}
