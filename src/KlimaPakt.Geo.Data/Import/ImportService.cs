using System.Diagnostics;
using System.Security.Cryptography;
using KlimaPakt.Geo.Core.Errors;
using KlimaPakt.Geo.Core.Layers;
using KlimaPakt.Geo.Data.Import.Readers;
using Npgsql;
using NpgsqlTypes;

namespace KlimaPakt.Geo.Data.Import;

/// <summary>
/// Brings files into PostGIS — the one import path of the CLI and the API. Every import is one transaction:
/// features are streamed into a temporary staging table by binary COPY, checked and repaired there, reprojected
/// to the region's CRS by PostGIS (PROJ's full EPSG database), then the rows of an earlier import of the same
/// source are replaced. A failure at any step leaves the database as it was.
/// </summary>
public sealed partial class ImportService(NpgsqlDataSource dataSource)
{
    /// <summary>Most per-feature lines kept in a report or an error.</summary>
    public const int MaxReportedFeatures = 200;

    /// <summary>Creates the region or updates its name (its CRS cannot change once it has data).</summary>
    public async Task<int> EnsureRegionAsync(RegionRequest request, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(request.Code)) throw new GeoInputException("A region needs a code.");
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await RequireKnownSridAsync(connection, request.Srid, $"region {request.Code}", ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var existing = await ScalarAsync<int?>(connection, "SELECT srid FROM regions WHERE code = $1", ct, request.Code);
        if (existing is { } srid && srid != request.Srid)
            throw new GeoInputException($"Region '{request.Code}' already uses EPSG:{srid}; it cannot change to EPSG:{request.Srid}.");
        var id = await ScalarAsync<int>(connection, """
            INSERT INTO regions (code, name, srid) VALUES ($1, $2, $3)
            ON CONFLICT (code) DO UPDATE SET name = excluded.name RETURNING id
            """, ct, request.Code, request.Name, request.Srid);
        await tx.CommitAsync(ct);
        return id;
    }

    /// <summary>
    /// Imports a vector file into one typed layer: only the features matching <see cref="LayerImportRequest.Where"/>, and
    /// with <see cref="LayerMerge.PreferNewer"/> without the lines another source of the layer already maps more recently.
    /// </summary>
    public async Task<ImportReport> ImportLayerAsync(LayerImportRequest request, CancellationToken ct = default)
    {
        var layer = InputLayer.Named(request.Layer);
        if (layer == InputLayer.PopulationCells)
            throw new GeoInputException($"{request.Path}: census grid cells need their residents' field and year: import them with the population-grid import (klimapakt import popgrid).");
        if (request.Merge == LayerMerge.PreferNewer && layer.Geometry != LayerGeometry.Line)
            throw new GeoInputException($"{request.Path}: merging by date is for line layers; '{layer.Name}' is a {layer.Geometry.ToString().ToLowerInvariant()} layer.");
        var source = OpenVectorFile(request.Path, request.Srid, request.Table);
        var classFields = request.ClassField is null ? layer.ClassFields : [request.ClassField];
        var leftOut = 0;
        bool Matches(FeatureRecord f)
        {
            var match = request.Where is null || request.Where.All(w => string.Equals(f.First([w.Key]), w.Value, StringComparison.Ordinal));
            if (!match) leftOut++;
            return match;
        }
        var rows = source.Read().Where(Matches).Select(f => new StagedFeature(layer.Name, f, f.First(NameFields), f.First(classFields), null));
        var report = await ImportVectorFileAsync(request.Region, source, layer.Name, layer.Table, rows, request.Provenance,
            async (connection, region, sourceId) =>
            {
                var published = await PublishLayerAsync(connection, layer, region, sourceId, request.Invalid, request.Path, ct);
                if (leftOut > 0)
                    published.Skipped.Insert(0, $"{leftOut} feature(s) left out: not {string.Join(" and ", request.Where!.Select(w => $"{w.Key} = {w.Value}"))}");
                if (request.Merge == LayerMerge.PreferNewer) published = await MergeByDateAsync(connection, layer, region, sourceId, published, ct);
                if (layer == InputLayer.LandCover) published.Skipped.AddRange(await ReplaceSpectralLandCoverAsync(connection, region, sourceId, ct));
                return published;
            }, ct);
        return report;
    }

    /// <summary>
    /// The transaction every vector-file import shares: stage the rows, record the source, let <paramref name="publish"/>
    /// move them into their table, commit.
    /// </summary>
    private async Task<ImportReport> ImportVectorFileAsync(string regionCode, IFeatureSource source, string target, string table,
        IEnumerable<StagedFeature> rows, Provenance? provenance, Func<NpgsqlConnection, RegionRow, int, Task<PublishResult>> publish, CancellationToken ct)
    {
        var stopwatch = Stopwatch.StartNew();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var region = await RegionAsync(connection, regionCode, ct);
        await RequireKnownSridAsync(connection, source.Srid, source.Path, ct);
        var read = await StageAsync(connection, rows, ct);
        if (read == 0) throw new GeoInputException($"{source.Path}: the file contains no features.");
        var sourceId = await UpsertSourceAsync(connection, region.Id, target, source.Path, source.Srid, read, provenance, ct);
        var result = await publish(connection, region, sourceId);
        await FinishSourceAsync(connection, sourceId, result.Written, result.Repaired.Count, ct);
        await tx.CommitAsync(ct);
        return new ImportReport(source.Path, target, read, new Dictionary<string, int> { [table] = result.Written },
            result.Repaired, result.Skipped, stopwatch.Elapsed);
    }

    /// <summary>Imports commune boundaries; communes are matched by code, and those missing from the file are removed.</summary>
    public async Task<ImportReport> ImportCommunesAsync(CommuneImportRequest request, CancellationToken ct = default)
    {
        var source = OpenVectorFile(request.Path, request.Srid, request.Table);
        var features = source.Read().ToList();
        var missingCode = features.Where(f => f.First([request.CodeField]) is null).Select(f => $"feature {f.Fid}").Take(MaxReportedFeatures).ToList();
        if (missingCode.Count > 0)
            throw new GeoInputException($"{request.Path}: {missingCode.Count} feature(s) have no '{request.CodeField}' code.", missingCode);
        var duplicates = features.GroupBy(f => f.First([request.CodeField])).Where(g => g.Count() > 1)
            .Select(g => $"code {g.Key}: features {string.Join(", ", g.Select(f => f.Fid))}").ToList();
        if (duplicates.Count > 0) throw new GeoInputException($"{request.Path}: commune codes are not unique.", duplicates);

        var rows = features.Select(f => new StagedFeature("communes", f, f.First([request.NameField]) ?? f.First(NameFields),
            request.CantonField is null ? null : f.First([request.CantonField]), f.First([request.CodeField])));
        return await ImportVectorFileAsync(request.Region, source, "communes", "communes", rows, request.Provenance,
            (connection, region, sourceId) => PublishCommunesAsync(connection, region, sourceId, request.Path, ct), ct);
    }

    /// <summary>Imports an OSM extract into every typed layer (and the communes when asked) in one transaction.</summary>
    public async Task<ImportReport> ImportOsmAsync(OsmImportRequest request, CancellationToken ct = default)
    {
        var stopwatch = Stopwatch.StartNew();
        var classifier = new OsmClassifier(request.CommuneAdminLevel, request.CantonAdminLevel, request.CommuneCodeTags);
        var features = OsmPbfReader.Read(request.Path);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var region = await RegionAsync(connection, request.Region, ct);
        var read = await StageAsync(connection, features.SelectMany(classifier.Classify), ct);
        var sourceId = await UpsertSourceAsync(connection, region.Id, "osm", request.Path, Core.Srid.Wgs84, read, request.Provenance, ct);
        var written = new Dictionary<string, int>();
        var repaired = new List<string>();
        var skipped = new List<string>();
        foreach (var layer in InputLayer.All)
        {
            var result = await PublishLayerAsync(connection, layer, region, sourceId, InvalidGeometryPolicy.Repair, request.Path, ct);
            if (layer == InputLayer.LandCover && result.Written > 0) result.Skipped.AddRange(await ReplaceSpectralLandCoverAsync(connection, region, sourceId, ct));
            written[layer.Table] = result.Written;
            repaired.AddRange(result.Repaired.Select(r => $"{layer.Name} {r}"));
            skipped.AddRange(result.Skipped.Select(r => $"{layer.Name} {r}"));
        }
        if (request.CommuneAdminLevel is not null)
        {
            var communes = await PublishCommunesAsync(connection, region, sourceId, request.Path, ct);
            written["communes"] = communes.Written;
            repaired.AddRange(communes.Repaired.Select(r => $"communes {r}"));
        }
        await FinishSourceAsync(connection, sourceId, written.Values.Sum(), repaired.Count, ct);
        await tx.CommitAsync(ct);
        return new ImportReport(request.Path, "osm", read, written, Truncate(repaired), Truncate(skipped), stopwatch.Elapsed);
    }

    private static readonly string[] NameFields = ["name", "NAME", "Name", "nom", "NOM"];

    private static IFeatureSource OpenVectorFile(string path, int? srid, string? table) =>
        Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".geojson" or ".json" => new GeoJsonFeatureSource(path, srid),
            ".gpkg" => new GeoPackageFeatureSource(path, table, srid),
            ".shp" => new ShapefileFeatureSource(path, srid),
            var other => throw new GeoInputException($"{path}: unsupported file type '{other}' (GeoJSON, GeoPackage and Shapefile are read here; OSM files go through the OSM import)."),
        };

    internal static List<string> Truncate(List<string> lines) =>
        lines.Count <= MaxReportedFeatures ? lines : [.. lines.Take(MaxReportedFeatures), $"… and {lines.Count - MaxReportedFeatures} more"];

    internal static string Sha256Of(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
