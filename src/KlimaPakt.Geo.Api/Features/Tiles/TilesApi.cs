using System.Globalization;
using KlimaPakt.Geo.Api.Features.Ogc;
using KlimaPakt.Geo.Core.Errors;
using KlimaPakt.Geo.Data.Analyses;
using KlimaPakt.Geo.Data.Features;
using KlimaPakt.Geo.Data.Tiles;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.Extensions.Options;

namespace KlimaPakt.Geo.Api.Features.Tiles;

public static class TilesApi
{
    public static IEndpointRouteBuilder MapTilesApi(this IEndpointRouteBuilder app)
    {
        var tiles = app.MapGroup("/tiles").WithTags("Tiles");
        tiles.MapMethods("/{layers}/{z}/{x}/{y}", [HttpMethods.Get, HttpMethods.Head], GetTile)
            .WithSummary("Vector tile (MVT) of one layer or several (comma-separated); y may end in .mvt or .pbf")
            .Produces(StatusCodes.Status200OK, contentType: TileServing.MvtMediaType)
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .CacheOutput(TileCachePolicy.Name)
            .RequireRateLimiting(Limits.LimitsSetup.ExpensiveReadsPolicy); // after the cache: only cold tiles count
        tiles.MapGet("/{layers}", GetTileJson).WithSummary("TileJSON 3.0.0 of a layer (or of a comma-separated composite); .json suffix accepted")
            .ProducesProblem(StatusCodes.Status404NotFound);
        app.MapGet("/catalog", GetCatalog).WithTags("Tiles").WithSummary("Every published layer");
        // Development only: the statement behind a layer's tiles, for benchmarks/serving (raw ST_AsMVT in psql).
        if (app.ServiceProvider.GetRequiredService<IWebHostEnvironment>().IsDevelopment())
            tiles.MapGet("/{layer}/sql", async (string layer, TileService service, CancellationToken ct) =>
                TypedResults.Text(await service.StatementAsync(layer, ct))).ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> GetTile(string layers, string z, string x, string y, string? run, TileService tiles,
        IOptions<ServingOptions> options, HttpContext http, CancellationToken ct)
    {
        var names = SplitLayers(layers);
        var runId = ParseRun(run);
        var tile = await tiles.RenderAsync(names, ParseCoordinate(z, "z"), ParseCoordinate(x, "x"), ParseCoordinate(StripTileSuffix(y), "y"), runId, ct);

        if (http.Features.Get<IOutputCacheFeature>() is { } cache)
            foreach (var used in tile.Runs) cache.Context.Tags.Add("run:" + used);
        var maxAge = runId is null ? options.Value.MaxAgeSeconds : options.Value.RunMaxAgeSeconds;
        http.Response.Headers.CacheControl = string.Create(CultureInfo.InvariantCulture, $"public, max-age={maxAge}");
        // 204 for an empty tile: MapLibre treats it as transparent, 404 would make clients log errors.
        return tile.IsEmpty ? TypedResults.NoContent() : new BytesResult(tile.Data, TileServing.MvtMediaType);
    }

    private static async Task<IResult> GetTileJson(string layers, LayerRegistry registry, RunLookup runs, FeatureQueries features,
        LayerStyles styles, HttpContext http, CancellationToken ct)
    {
        var names = SplitLayers(layers.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? layers[..^5] : layers);
        var selected = names.Distinct(StringComparer.OrdinalIgnoreCase).Select(registry.Get).ToList();
        // A data version in the tile URL busts browser and CDN caches when a new run is published (Martin's pattern).
        var runIds = new List<Guid>();
        foreach (var layer in selected.Where(l => l.IsRunScoped))
            runIds.AddRange(await runs.LatestPublishedAsync(layer.RunKind!, ct));
        // Several runs: a hash of their full ids (the first hex digits of a UUIDv7 are its timestamp and repeat for a minute).
        var distinct = runIds.Distinct().Order().ToList();
        var query = distinct.Count == 1 ? $"?run={distinct[0]}"
            : distinct.Count > 1 ? $"?v={Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(string.Join(",", distinct))))[..16]}"
            : "";
        var path = string.Join(",", selected.Select(l => l.Name));

        double minLon = 180, minLat = 90, maxLon = -180, maxLat = -90;
        foreach (var layer in selected)
            if (await features.ExtentAsync(layer, ct) is { } e)
                (minLon, minLat, maxLon, maxLat) = (Math.Min(minLon, e.MinX), Math.Min(minLat, e.MinY), Math.Max(maxLon, e.MaxX), Math.Max(maxLat, e.MaxY));
        double[] bounds = minLon <= maxLon ? [Round(minLon), Round(minLat), Round(maxLon), Round(maxLat)] : [-180, -85.0511, 180, 85.0511];
        var served = new Dictionary<string, ServedStyle>();
        foreach (var layer in selected) served[layer.Name] = await styles.StyleAsync(layer, ct);
        var minZoom = selected.Max(l => l.MinZoom);
        var maxZoom = selected.Min(l => l.MaxZoom);
        return TypedResults.Json(new Dictionary<string, object?>
        {
            ["tilejson"] = "3.0.0",
            ["name"] = path,
            ["description"] = string.Join("; ", selected.Select(l => l.Description)),
            ["version"] = "1.0.0",
            ["attribution"] = string.Join("; ", selected.Select(l => l.Attribution).Distinct()),
            ["scheme"] = "xyz",
            ["tiles"] = new[] { OgcFeaturesApi.Absolute(http, $"/tiles/{path}/{{z}}/{{x}}/{{y}}{query}") },
            ["minzoom"] = minZoom,
            ["maxzoom"] = maxZoom,
            ["bounds"] = bounds,
            ["center"] = new[] { Round((bounds[0] + bounds[2]) / 2), Round((bounds[1] + bounds[3]) / 2), Math.Clamp(9, minZoom, maxZoom) },
            ["vector_layers"] = selected.Select(l => new Dictionary<string, object>
            {
                ["id"] = l.Name,
                ["description"] = l.Description,
                ["minzoom"] = l.MinZoom,
                ["maxzoom"] = l.MaxZoom,
                ["fields"] = l.Fields.ToDictionary(f => f.Name, f => f.Type.ToString()),
                ["style"] = served[l.Name],
            }).ToList(),
        });
    }

    private static async Task<IResult> GetCatalog(LayerRegistry registry, LayerStyles styles, HttpContext http, CancellationToken ct)
    {
        var tiles = new Dictionary<string, object>();
        foreach (var l in registry.All)
            tiles[l.Name] = new
            {
                content_type = TileServing.MvtMediaType,
                title = l.Title,
                description = l.Description,
                geometry = l.Geometry.ToString().ToLowerInvariant(),
                minzoom = l.MinZoom,
                maxzoom = l.MaxZoom,
                run_kind = l.RunKind,
                attribution = l.Attribution,
                fields = l.Fields.Select(f => new { name = f.Name, type = f.Type.ToString(), description = f.Description, unit = f.Unit }),
                style = await styles.StyleAsync(l, ct),
                tilejson = OgcFeaturesApi.Absolute(http, $"/tiles/{l.Name}"),
                items = OgcFeaturesApi.Absolute(http, $"/collections/{l.Name}/items"),
            };
        return TypedResults.Ok(new
        {
            communes_layer = LayerRegistry.CommunesLayer,
            groups_layer = GroupLayer.Name,
            group_layers = GroupLayer.AnalysisLayers.ToDictionary(l => l.RunKind!, l => l.Name),
            tiles,
            analyses = AnalysisServices.Descriptions.Select(d => new
            {
                kind = d.Kind,
                title = d.Title,
                summary = d.Summary,
                inputs = d.Inputs.Select(i => i.Name),
                attribution = d.Attribution,
                parameters = d.Defaults,
                layers = d.Layers.Select(l => l.Name).Append(GroupLayer.NameOf(d.Kind)),
                figures = d.Figures.Select(f => new
                {
                    metric = f.Metric,
                    label = f.Label,
                    unit = f.Unit,
                    aggregation = f.Aggregation.ToString().ToLowerInvariant(),
                    numerator = f.Numerator,
                    denominator = f.Denominator,
                    scale = f.Aggregation == FigureAggregation.Ratio ? f.Scale : (double?)null,
                }),
            }),
        });
    }

    private static double Round(double value) => Math.Round(value, 6);

    private static List<string> SplitLayers(string layers)
    {
        List<string> names = [.. layers.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
        return names.Count > 0 ? names : throw new GeoInputException("Name at least one layer (see /catalog).");
    }

    private static string StripTileSuffix(string y) =>
        y.EndsWith(".mvt", StringComparison.OrdinalIgnoreCase) || y.EndsWith(".pbf", StringComparison.OrdinalIgnoreCase) ? y[..^4] : y;

    private static int ParseCoordinate(string value, string name) =>
        int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)
            ? n : throw new GeoInputException($"Tile coordinate {name} must be an integer, not '{value}'.");

    internal static Guid? ParseRun(string? run) =>
        string.IsNullOrEmpty(run) ? null
        : Guid.TryParse(run, out var id) ? id : throw new GeoInputException($"run must be a run id (a GUID), not '{run}'.");
}
