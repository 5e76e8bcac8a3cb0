using Microsoft.AspNetCore.OutputCaching;
using Microsoft.Extensions.Primitives;

namespace KlimaPakt.Geo.Api.Features.Tiles;

/// <summary>
/// Output caching of tiles. Unlike the default policy it also stores 204 (empty tiles are most tiles), varies only
/// by the route values and a whitelist of query keys (so a cache-busting or tracking parameter cannot fill the
/// cache), and tags each entry by its layers — and, in the handler, by the runs it shows — so that publishing a
/// run evicts exactly the tiles that changed.
/// </summary>
internal sealed class TileCachePolicy(TimeSpan duration) : IOutputCachePolicy
{
    public const string Name = "tiles";
    public static readonly string[] VaryQueryKeys = ["run", "v"];

    ValueTask IOutputCachePolicy.CacheRequestAsync(OutputCacheContext context, CancellationToken cancellation)
    {
        TileCachePolicy.EnableForReads(context, duration);
        context.CacheVaryByRules.RouteValueNames = new StringValues(["layers", "z", "x", "y"]);
        context.CacheVaryByRules.QueryKeys = new StringValues(VaryQueryKeys);
        context.Tags.Add("tiles");
        if (context.HttpContext.GetRouteValue("layers") is string layers)
            foreach (var layer in layers.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                context.Tags.Add(TagOf(layer));
        return ValueTask.CompletedTask;
    }

    ValueTask IOutputCachePolicy.ServeFromCacheAsync(OutputCacheContext context, CancellationToken cancellation) => ValueTask.CompletedTask;

    ValueTask IOutputCachePolicy.ServeResponseAsync(OutputCacheContext context, CancellationToken cancellation) => StoreOnly200And204(context);

    /// <summary>Caches GET and HEAD responses for <paramref name="duration"/>, with request locking (one render per key).</summary>
    public static void EnableForReads(OutputCacheContext context, TimeSpan duration)
    {
        var method = context.HttpContext.Request.Method;
        var cacheable = HttpMethods.IsGet(method) || HttpMethods.IsHead(method);
        context.EnableOutputCaching = true;
        context.AllowCacheLookup = cacheable;
        context.AllowCacheStorage = cacheable;
        context.AllowLocking = true;
        context.ResponseExpirationTimeSpan = duration;
    }

    public static string TagOf(string layer) => "layer:" + layer.ToLowerInvariant();

    public static ValueTask StoreOnly200And204(OutputCacheContext context)
    {
        var response = context.HttpContext.Response;
        if (response.StatusCode is not (StatusCodes.Status200OK or StatusCodes.Status204NoContent) || !StringValues.IsNullOrEmpty(response.Headers.SetCookie))
            context.AllowCacheStorage = false;
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// Output caching of GeoJSON: every query key matters (bbox, limit, filters), entries are tagged by the collection
/// (route value <c>collection</c>; the region communes route serves the communes) and evicted with it.
/// </summary>
internal sealed class FeatureCachePolicy(TimeSpan duration) : IOutputCachePolicy
{
    public const string Name = "features";

    ValueTask IOutputCachePolicy.CacheRequestAsync(OutputCacheContext context, CancellationToken cancellation)
    {
        TileCachePolicy.EnableForReads(context, duration);
        context.CacheVaryByRules.QueryKeys = "*";
        context.CacheVaryByRules.RouteValueNames = "*";
        context.Tags.Add("features");
        var collection = context.HttpContext.GetRouteValue("collection") as string ?? Data.Tiles.LayerRegistry.CommunesLayer;
        context.Tags.Add(TileCachePolicy.TagOf(collection));
        return ValueTask.CompletedTask;
    }

    ValueTask IOutputCachePolicy.ServeFromCacheAsync(OutputCacheContext context, CancellationToken cancellation) => ValueTask.CompletedTask;

    ValueTask IOutputCachePolicy.ServeResponseAsync(OutputCacheContext context, CancellationToken cancellation) =>
        TileCachePolicy.StoreOnly200And204(context);
}
