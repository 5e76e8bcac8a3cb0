using KlimaPakt.Geo.Api.Features.Ogc;
using Microsoft.Net.Http.Headers;

namespace KlimaPakt.Geo.Api.Features.Map;

public static class MapViewer
{
    /// <summary>
    /// <c>/</c> is both the planners' map (browsers) and the OGC API landing page (clients asking for JSON,
    /// such as GDAL's OAPIF driver, or <c>?f=json</c>).
    /// </summary>
    public static IEndpointRouteBuilder MapMapViewer(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", (HttpContext http, IWebHostEnvironment environment) =>
        {
            if (WantsJson(http.Request)) return OgcFeaturesApi.Landing(http);
            return Results.File(environment.WebRootFileProvider.GetFileInfo("index.html").PhysicalPath!, "text/html; charset=utf-8");
        }).WithTags("Features (OGC API)").WithSummary("Landing page (JSON) or the planners' map (HTML)");
        return app;
    }

    private static bool WantsJson(HttpRequest request)
    {
        if (request.Query.TryGetValue("f", out var f)) return f != "html";
        var accept = request.GetTypedHeaders().Accept;
        if (accept.Count == 0) return false;
        var best = accept.OrderByDescending(a => a.Quality ?? 1).First();
        return best.MediaType.Value?.Contains("json", StringComparison.OrdinalIgnoreCase) == true;
    }
}
