using KlimaPakt.Geo.Api.Features.Ogc;
using KlimaPakt.Geo.Api.Features.Tiles;
using KlimaPakt.Geo.Core.Errors;
using KlimaPakt.Geo.Data.Features;
using KlimaPakt.Geo.Data.Import;
using KlimaPakt.Geo.Data.Tiles;
using Microsoft.AspNetCore.Http.HttpResults;

namespace KlimaPakt.Geo.Api.Features.Regions;

public static class RegionsApi
{
    public static IEndpointRouteBuilder MapRegionsApi(this IEndpointRouteBuilder app)
    {
        var regions = app.MapGroup("/regions").WithTags("Regions");
        regions.MapGet("/", ListRegions).WithSummary("Regions with their CRS and number of communes");
        regions.MapGet("/{region}/communes", CommunesGeoJson)
            .WithSummary("The region's communes as GeoJSON (RFC 7946, CRS84) with their latest population")
            .Produces(StatusCodes.Status200OK, contentType: GeoJson.MediaType)
            .CacheOutput(FeatureCachePolicy.Name);
        regions.MapGet("/{region}/communes/{commune}", Commune)
            .WithSummary("A commune's figures: population, area, bbox and each analysis's latest per-commune results");
        regions.MapPost("/{region}/layers/{layer}/imports", ImportLayer)
            .WithSummary("Imports a GeoJSON or GeoPackage file into a typed input layer (replaces an earlier import of the same file name) (admin key)")
            .DisableAntiforgery()
            .RequireAuthorization(Security.Policies.Admin)
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(Limits.LimitsSetup.MaxImportBytes(app.ServiceProvider)));
        app.MapGet("/communes", Search).WithTags("Regions").WithSummary("Commune search by name or code (for the map's picker)");
        return app;
    }

    private static async Task<Ok<IReadOnlyList<RegionSummary>>> ListRegions(CommuneFigures figures, CancellationToken ct) =>
        TypedResults.Ok(await figures.RegionsAsync(ct));

    private static async Task<IResult> CommunesGeoJson(string region, CommuneFigures figures, FeatureQueries queries, LayerRegistry layers,
        HttpContext http, CancellationToken ct)
    {
        if (!(await figures.RegionsAsync(ct)).Any(r => r.Code == region)) throw new NotFoundException($"Unknown region '{region}'.");
        var page = await queries.QueryAsync(layers.Get(LayerRegistry.CommunesLayer), new FeatureQuery { Region = region, Limit = 100_000 }, ct);
        return GeoJson.FeatureCollection(page.Features, [new(OgcFeaturesApi.Absolute(http, $"/regions/{region}/communes"), "self", GeoJson.MediaType)]);
    }

    private static async Task<Ok<CommuneSummary>> Commune(string region, string commune, CommuneFigures figures, CancellationToken ct) =>
        TypedResults.Ok(await figures.GetAsync(region, commune, ct));

    private static async Task<Ok<IReadOnlyList<CommuneSummary>>> Search(string? q, string? region, CommuneFigures figures, CancellationToken ct) =>
        TypedResults.Ok(await figures.SearchAsync(region, string.IsNullOrWhiteSpace(q) ? null : q.Trim(), ct));

    private static async Task<Created<ImportReport>> ImportLayer(string region, string layer, IFormFile file, ImportService imports,
        TileService tiles, TileCacheEvictor evictor, CancellationToken ct)
    {
        // The file name is the import's key (a re-import of the same name replaces), so keep it, in a private folder.
        var name = Path.GetFileName(file.FileName);
        if (string.IsNullOrWhiteSpace(name)) throw new GeoInputException("The upload has no file name.");
        var folder = Directory.CreateTempSubdirectory("klimapakt-import-");
        try
        {
            var path = Path.Combine(folder.FullName, name);
            await using (var target = File.Create(path)) await file.CopyToAsync(target, ct);
            var report = await imports.ImportLayerAsync(new LayerImportRequest(region, layer, path), ct);
            tiles.InvalidateRegions();
            await evictor.EvictLayerAsync(layer, ct);
            return TypedResults.Created($"/collections/{layer}/items?region={region}", report with { Path = name });
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
