using KlimaPakt.Geo.Core.Errors;
using KlimaPakt.Geo.Data.Reports;

namespace KlimaPakt.Geo.Api.Features.Reports;

public static class ReportsApi
{
    public const string HtmlMediaType = "text/html; charset=utf-8";

    public static IEndpointRouteBuilder MapReportsApi(this IEndpointRouteBuilder app)
    {
        var reports = app.MapGroup("/reports").WithTags("Reports");
        reports.MapGet("/communes/{code}", Commune)
            .WithSummary("A commune's report (HTML): per analysis with a published run in its region, a map from the service's tiles, the figures with units, method, sources, run id, parameters and caveats; ?region= when the code is in several regions")
            .Produces(StatusCodes.Status200OK, contentType: "text/html")
            .ProducesProblem(StatusCodes.Status404NotFound);
        reports.MapGet("/groups/{kind}/{code}", Group)
            .WithSummary("A group's report (HTML): a canton, district or cooperation space, its figures summed over the members (ratios recomputed from the sums); ?region= required")
            .Produces(StatusCodes.Status200OK, contentType: "text/html")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<IResult> Commune(string code, string? region, ReportService reports, CancellationToken ct) =>
        TypedResults.Text(ReportService.ServedHtml(await reports.CommuneAsync(region, code, ct)), HtmlMediaType);

    private static async Task<IResult> Group(string kind, string code, string? region, ReportService reports, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(region)) throw new GeoInputException("Missing query parameter 'region' (e.g. ?region=lu).");
        return TypedResults.Text(ReportService.ServedHtml(await reports.GroupAsync(region, kind, code, ct)), HtmlMediaType);
    }
}
