using System.Globalization;
using KlimaPakt.Geo.Api.Features.Tiles;
using KlimaPakt.Geo.Core.Errors;
using KlimaPakt.Geo.Data.Features;
using KlimaPakt.Geo.Data.Tiles;
using Microsoft.AspNetCore.Http.Extensions;
using NetTopologySuite.Geometries;

namespace KlimaPakt.Geo.Api.Features.Ogc;

/// <summary>OGC API - Features Part 1 (Core, GeoJSON, OpenAPI 3.0) over every published layer.</summary>
public static class OgcFeaturesApi
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;
    private const string Crs84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";

    public static readonly string[] ConformsTo =
    [
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    ];

    private static readonly string[] ItemsParameters = ["bbox", "limit", "offset", "region", "commune", "run", "f"];

    public static IEndpointRouteBuilder MapOgcFeaturesApi(this IEndpointRouteBuilder app)
    {
        var ogc = app.MapGroup("").WithTags("Features (OGC API)");
        ogc.MapGet("/conformance", () => TypedResults.Ok(new { conformsTo = ConformsTo })).WithSummary("OGC API conformance classes");
        ogc.MapGet("/collections", GetCollections).WithSummary("Every published layer as a feature collection");
        ogc.MapGet("/collections/{collection}", GetCollection).WithSummary("One collection's metadata");
        ogc.MapGet("/collections/{collection}/items", GetItems)
            .WithSummary("Features as GeoJSON: bbox (CRS84), limit (clamped to 1000), offset, region, commune, run and property filters")
            .Produces(StatusCodes.Status200OK, contentType: GeoJson.MediaType)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .CacheOutput(FeatureCachePolicy.Name)
            .RequireRateLimiting(Limits.LimitsSetup.ExpensiveReadsPolicy); // after the cache: only uncached pages count
        ogc.MapGet("/collections/{collection}/items/{fid}", GetItem)
            .WithSummary("One feature as GeoJSON")
            .Produces(StatusCodes.Status200OK, contentType: GeoJson.MediaType)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .CacheOutput(FeatureCachePolicy.Name);
        return app;
    }

    public static string Absolute(HttpContext http, string pathAndQuery) =>
        $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}{pathAndQuery}";

    /// <summary>The landing page (served at / to clients that ask for JSON).</summary>
    public static IResult Landing(HttpContext http) => TypedResults.Ok(new
    {
        title = "KlimaPakt.Geo",
        description = "Spatial analyses for the climate pact communes: inputs and results as vector tiles and OGC API - Features.",
        links = new Link[]
        {
            new(Absolute(http, "/"), "self", "application/json", "This document"),
            new(Absolute(http, "/openapi/v1.json"), "service-desc", "application/vnd.oai.openapi+json;version=3.0", "The API definition"),
            new(Absolute(http, "/scalar"), "service-doc", "text/html", "The API documentation"),
            new(Absolute(http, "/conformance"), "conformance", "application/json", "Conformance classes"),
            new(Absolute(http, "/collections"), "data", "application/json", "The feature collections"),
            new(Absolute(http, "/catalog"), "tiles", "application/json", "The vector tile layers"),
        },
    });

    private static async Task<IResult> GetCollections(LayerRegistry layers, FeatureQueries queries, HttpContext http, CancellationToken ct)
    {
        var collections = new List<object>();
        foreach (var layer in layers.All) collections.Add(await DescribeAsync(layer, queries, http, ct));
        return TypedResults.Ok(new
        {
            links = new Link[] { new(Absolute(http, "/collections"), "self", "application/json") },
            collections,
        });
    }

    private static async Task<IResult> GetCollection(string collection, LayerRegistry layers, FeatureQueries queries, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(await DescribeAsync(layers.Get(collection), queries, http, ct));

    private static async Task<IResult> GetItems(string collection, LayerRegistry layers, FeatureQueries queries, HttpContext http, CancellationToken ct)
    {
        var layer = layers.Get(collection);
        var query = ParseItemsQuery(layer, http.Request.Query);
        var page = await queries.QueryAsync(layer, query, ct);
        var links = new List<Link>
        {
            new(http.Request.GetEncodedUrl(), "self", GeoJson.MediaType),
            new(Absolute(http, $"/collections/{layer.Name}"), "collection", "application/json"),
        };
        if (page.HasMore)
        {
            var next = http.Request.Query.Where(p => p.Key != "offset").ToDictionary(p => p.Key, p => p.Value);
            next["offset"] = (query.Offset + query.Limit).ToString(CultureInfo.InvariantCulture);
            next["limit"] = query.Limit.ToString(CultureInfo.InvariantCulture);
            links.Add(new(Absolute(http, $"/collections/{layer.Name}/items" + QueryString.Create(next)), "next", GeoJson.MediaType, "Next page"));
        }
        return GeoJson.FeatureCollection(page.Features, links);
    }

    private static async Task<IResult> GetItem(string collection, string fid, LayerRegistry layers, FeatureQueries queries, HttpContext http, CancellationToken ct)
    {
        var layer = layers.Get(collection);
        foreach (var key in http.Request.Query.Keys)
            if (key is not ("run" or "f")) throw new GeoInputException($"Unknown query parameter '{key}'. Known: run, f.");
        if (!long.TryParse(fid, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            throw new NotFoundException($"Collection '{layer.Name}' has no feature '{fid}'.");
        var feature = await queries.GetAsync(layer, id, TilesApi.ParseRun(http.Request.Query["run"]), ct)
            ?? throw new NotFoundException($"Collection '{layer.Name}' has no feature '{fid}'.");
        return GeoJson.Feature(feature,
        [
            new(Absolute(http, $"/collections/{layer.Name}/items/{id}"), "self", GeoJson.MediaType),
            new(Absolute(http, $"/collections/{layer.Name}"), "collection", "application/json"),
        ]);
    }

    private static async Task<object> DescribeAsync(PublishedLayer layer, FeatureQueries queries, HttpContext http, CancellationToken ct)
    {
        var extent = await queries.ExtentAsync(layer, ct);
        return new
        {
            id = layer.Name,
            title = layer.Title,
            description = layer.Description,
            itemType = "feature",
            crs = new[] { Crs84 },
            extent = extent is null ? null : new
            {
                spatial = new
                {
                    bbox = new[] { new[] { R(extent.MinX), R(extent.MinY), R(extent.MaxX), R(extent.MaxY) } },
                    crs = Crs84,
                },
            },
            attribution = layer.Attribution,
            queryables = layer.FilterableFields.Select(f => f.Name).Concat(["region", "commune"]).Concat(layer.IsRunScoped ? ["run"] : []),
            links = new Link[]
            {
                new(Absolute(http, $"/collections/{layer.Name}"), "self", "application/json"),
                new(Absolute(http, $"/collections/{layer.Name}/items"), "items", GeoJson.MediaType, "Features as GeoJSON"),
                new(Absolute(http, $"/tiles/{layer.Name}"), "tiles", "application/json", "TileJSON of the vector tiles"),
            },
        };
    }

    /// <summary>Reads and checks the items query: unknown keys and invalid values are 400, a too-large limit is clamped.</summary>
    internal static FeatureQuery ParseItemsQuery(PublishedLayer layer, IQueryCollection query)
    {
        var filterable = layer.FilterableFields.Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var key in query.Keys)
            if (!ItemsParameters.Contains(key) && !filterable.Contains(key))
                throw new GeoInputException($"Unknown query parameter '{key}'. Known: {string.Join(", ", ItemsParameters.Concat(filterable))}.");
        foreach (var (key, values) in query)
            if (values.Count > 1) throw new GeoInputException($"Query parameter '{key}' is given {values.Count} times.");

        if (query["f"] is { Count: 1 } f && f[0] is not ("json" or "geojson"))
            throw new GeoInputException($"f must be 'json' or 'geojson', not '{f[0]}'.");
        var limit = DefaultLimit;
        if (query.TryGetValue("limit", out var limitText))
        {
            if (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1)
                throw new GeoInputException($"limit must be a positive integer, not '{limitText}'.");
            limit = Math.Min(limit, MaxLimit);
        }
        var offset = 0;
        if (query.TryGetValue("offset", out var offsetText) && !int.TryParse(offsetText, NumberStyles.None, CultureInfo.InvariantCulture, out offset))
            throw new GeoInputException($"offset must be a non-negative integer, not '{offsetText}'.");

        return new FeatureQuery
        {
            Bbox = query.TryGetValue("bbox", out var bbox) ? ParseBbox(bbox!) : null,
            Limit = limit,
            Offset = offset,
            Region = NonEmpty(query, "region"),
            Commune = NonEmpty(query, "commune"),
            Run = TilesApi.ParseRun(query["run"]),
            Properties = query.Where(p => filterable.Contains(p.Key)).ToDictionary(p => p.Key, p => p.Value.ToString()),
        };
    }

    private static string? NonEmpty(IQueryCollection query, string key) =>
        query.TryGetValue(key, out var value) ? (string.IsNullOrWhiteSpace(value) ? throw new GeoInputException($"{key} must not be empty.") : value.ToString()) : null;

    private static Envelope ParseBbox(string text)
    {
        var parts = text.Split(',');
        var numbers = new double[parts.Length];
        for (var i = 0; i < parts.Length; i++)
            if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out numbers[i]) || !double.IsFinite(numbers[i]))
                throw new GeoInputException($"bbox must be four numbers minLon,minLat,maxLon,maxLat (CRS84), not '{text}'.");
        if (numbers.Length != 4) throw new GeoInputException($"bbox must be four numbers minLon,minLat,maxLon,maxLat (CRS84), not '{text}'.");
        var (minLon, minLat, maxLon, maxLat) = (numbers[0], numbers[1], numbers[2], numbers[3]);
        if (minLon < -180 || maxLon > 180 || minLat < -90 || maxLat > 90 || minLon > maxLon || minLat > maxLat)
            throw new GeoInputException($"bbox '{text}' is outside -180..180, -90..90 or has min > max.");
        return new Envelope(minLon, maxLon, minLat, maxLat);
    }

    private static double R(double value) => Math.Round(value, 6);
}
