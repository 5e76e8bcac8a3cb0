using KlimaPakt.Geo.Core.Errors;
using KlimaPakt.Geo.Data.Features;
using Microsoft.AspNetCore.Http.HttpResults;

namespace KlimaPakt.Geo.Api.Features.Groups;

public static class GroupsApi
{
    public const string CsvMediaType = "text/csv";

    public static IEndpointRouteBuilder MapGroupsApi(this IEndpointRouteBuilder app)
    {
        var groups = app.MapGroup("/regions/{region}/groups").WithTags("Groups");
        groups.MapGet("/", List).WithSummary("The region's cantons, districts and cooperation spaces with their member communes and the source of each list");
        groups.MapGet("/{kind}/{code}", Get)
            .WithSummary("A group's figures: each analysis's latest per-commune figures summed over its members, ratios recomputed from the sums");
        app.MapGet("/indicators", Indicators).WithTags("Groups")
            .WithSummary("The regional indicator table: one row per commune or group (by=commune|canton|district|space), one column per figure; JSON or CSV (?f=csv or Accept: text/csv)")
            .Produces<IndicatorTable>()
            .Produces(StatusCodes.Status200OK, contentType: CsvMediaType);
        return app;
    }

    private static async Task<Ok<IReadOnlyList<CommuneGroupSummary>>> List(string region, GroupFigures figures, CancellationToken ct) =>
        TypedResults.Ok(await figures.ListAsync(region, ct));

    private static async Task<Ok<GroupFiguresResult>> Get(string region, string kind, string code, GroupFigures figures, CancellationToken ct) =>
        TypedResults.Ok(await figures.GetAsync(region, kind, code, ct));

    private static async Task<IResult> Indicators(string? region, string? by, string? f, HttpContext http, GroupFigures figures, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(region)) throw new GeoInputException("Missing query parameter 'region' (e.g. ?region=lu).");
        var csv = f switch
        {
            "csv" => true,
            "json" => false,
            null => http.Request.Headers.Accept.Any(a => a?.Contains(CsvMediaType, StringComparison.OrdinalIgnoreCase) == true),
            _ => throw new GeoInputException($"Unknown format f={f} (json, csv)."),
        };
        var table = await figures.IndicatorsAsync(region, by ?? "commune", ct);
        return csv
            ? TypedResults.Text(table.ToCsv(), CsvMediaType + "; charset=utf-8")
            : TypedResults.Ok(table);
    }
}
