using KlimaPakt.Geo.Data.Exports;
using KlimaPakt.Geo.Data.Features;
using Microsoft.AspNetCore.Http.HttpResults;

namespace KlimaPakt.Geo.Api.Features.Exports;

public static class ExportsApi
{
    public const string GeoPackageMediaType = "application/geopackage+sqlite3";
    public const string GeoJsonMediaType = "application/geo+json";

    public static IEndpointRouteBuilder MapExportsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/runs/{id:guid}/export.gpkg", GeoPackage).WithTags("Runs")
            .WithSummary("A published run as one GeoPackage: every result table and the per-commune figures (409 for a run not published)")
            .Produces(StatusCodes.Status200OK, contentType: GeoPackageMediaType);
        app.MapGet("/runs/{a:guid}/compare/{b:guid}", Compare).WithTags("Runs")
            .WithSummary("Two published runs of one kind compared commune by commune (B − A per figure) with the additive totals, the areas gained and lost and a written summary; 400 for different kinds");
        app.MapGet("/runs/{a:guid}/compare/{b:guid}/difference", Difference).WithTags("Runs")
            .WithSummary("The difference layer of two runs as GeoJSON (CRS84): the main area layer's area gained (in B, not in A) and lost (in A, not in B)")
            .Produces(StatusCodes.Status200OK, contentType: GeoJsonMediaType);
        return app;
    }

    private static async Task<Ok<RunComparisonResult>> Compare(Guid a, Guid b, RunComparison comparison, CancellationToken ct) =>
        TypedResults.Ok(await comparison.CompareAsync(a, b, ct));

    private static async Task<IResult> Difference(Guid a, Guid b, RunComparison comparison, CancellationToken ct) =>
        TypedResults.Text(await comparison.DifferenceGeoJsonAsync(a, b, ct), GeoJsonMediaType);

    private static async Task<IResult> GeoPackage(Guid id, RunExporter exporter, CancellationToken ct)
    {
        var folder = Directory.CreateTempSubdirectory("klimapakt-export-");
        try
        {
            var export = await exporter.ExportAsync(id, folder.FullName, ct);
            // Only the GeoPackage leaves; the folder goes when the response has been sent (the file is opened first, so
            // deleting the folder's other files now is safe, and the GeoPackage itself is deleted on close).
            var stream = new FileStream(export.GeoPackage, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 81920, FileOptions.DeleteOnClose);
            foreach (var file in folder.EnumerateFiles().Where(f => f.FullName != export.GeoPackage)) file.Delete();
            return TypedResults.Stream(stream, GeoPackageMediaType, Path.GetFileName(export.GeoPackage));
        }
        catch
        {
            folder.Delete(recursive: true);
            throw;
        }
    }
}
