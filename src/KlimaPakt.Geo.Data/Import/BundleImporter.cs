using System.Text.Json;
using KlimaPakt.Geo.Core.Errors;

namespace KlimaPakt.Geo.Data.Import;

/// <summary>
/// Loads a manifest of regions and their files (<c>data/bundle.json</c>) through <see cref="ImportService"/>:
/// the bundled demo data, or a consultant's own set of communes. Paths are relative to the manifest.
/// </summary>
public sealed class BundleImporter(ImportService imports, RasterRegistry rasters, GroupImporter groups)
{
    /// <summary>Imports everything the manifest lists, region by region; reports each import as it completes.</summary>
    public async Task<IReadOnlyList<ImportReport>> LoadAsync(string manifestPath, IProgress<ImportReport>? progress = null, CancellationToken ct = default)
    {
        Manifest manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<Manifest>(File.ReadAllBytes(manifestPath), JsonSerializerOptions.Web)
                ?? throw new GeoInputException($"{manifestPath}: empty manifest.");
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            throw new GeoInputException($"{manifestPath}: unreadable manifest ({e.Message}).", inner: e);
        }
        var root = Path.GetDirectoryName(Path.GetFullPath(manifestPath))!;
        string At(string relative) => Path.Combine(root, relative);
        var reports = new List<ImportReport>();
        void Done(ImportReport r) { reports.Add(r); progress?.Report(r); }

        foreach (var region in manifest.Regions)
        {
            await imports.EnsureRegionAsync(new RegionRequest(region.Code, region.Name, region.Srid), ct);
            if (region.Communes is { } c)
                Done(await imports.ImportCommunesAsync(new CommuneImportRequest(region.Code, At(c.Path), c.CodeField, c.NameField, c.CantonField, Provenance: c.Provenance), ct));
            foreach (var osm in region.Osm ?? [])
                Done(await imports.ImportOsmAsync(new OsmImportRequest(region.Code, At(osm.Path), osm.CommuneAdminLevel, osm.CantonAdminLevel, Provenance: osm.Provenance), ct));
            foreach (var p in region.Population ?? [])
                Done(await imports.ImportPopulationAsync(new PopulationImportRequest(region.Code, At(p.Path), p.Mappings is null ? null : At(p.Mappings), p.Year, p.Provenance), ct));
            foreach (var l in region.Layers ?? [])
                Done(await imports.ImportLayerAsync(new LayerImportRequest(region.Code, l.Layer, At(l.Path), ClassField: l.ClassField, Where: l.Where,
                    Merge: l.Merge is null ? LayerMerge.Add : ParseMerge(l.Merge, manifestPath), Provenance: l.Provenance), ct));
            foreach (var a in region.Aerodromes ?? [])
                Done(await imports.ImportAerodromesAsync(new AerodromeImportRequest(region.Code, At(a.Path), Provenance: a.Provenance), ct));
            foreach (var g in region.PopulationGrid ?? [])
                Done(await imports.ImportPopulationGridAsync(new PopulationGridImportRequest(region.Code, At(g.Path), g.PopulationField, g.Year, g.ClassField, g.Provenance), ct));
            foreach (var r in region.Rasters ?? [])
                Done(await rasters.RegisterAsync(new RasterRegistrationRequest(At(r.Path), r.Name, region.Code), ct));
            // After the communes: groups name their members.
            foreach (var g in region.Groups ?? [])
                Done(await groups.ImportAsync(region.Code, At(g.Path), ct));
            // After the rasters: a classification reads a registered raster by name.
            foreach (var lc in region.LandCover ?? [])
                Done(await imports.ImportLandCoverFromRasterAsync(new LandCoverRasterRequest(region.Code, lc.FromRaster, SourceName: lc.SourceName, Provenance: lc.Provenance), ct));
        }
        foreach (var r in manifest.Rasters ?? [])
            Done(await rasters.RegisterAsync(new RasterRegistrationRequest(At(r.Path), r.Name), ct));
        return reports;
    }

    private static LayerMerge ParseMerge(string value, string manifestPath) => value switch
    {
        "add" => LayerMerge.Add,
        "prefer-newer" => LayerMerge.PreferNewer,
        _ => throw new GeoInputException($"{manifestPath}: unknown merge '{value}' (add, prefer-newer)."),
    };

    private sealed record Manifest(List<RegionEntry> Regions, List<RasterEntry>? Rasters);
    private sealed record RegionEntry(string Code, string Name, int Srid, CommuneEntry? Communes, List<OsmEntry>? Osm,
        List<PopulationEntry>? Population, List<LayerEntry>? Layers, List<AerodromeEntry>? Aerodromes, List<PopulationGridEntry>? PopulationGrid,
        List<RasterEntry>? Rasters, List<LandCoverEntry>? LandCover, List<GroupFileEntry>? Groups);
    private sealed record CommuneEntry(string Path, string CodeField = "LAU2", string NameField = "COMMUNE", string? CantonField = "CANTON", Provenance? Provenance = null);
    private sealed record OsmEntry(string Path, int? CommuneAdminLevel = 8, int? CantonAdminLevel = 6, Provenance? Provenance = null);
    private sealed record PopulationEntry(string Path, string? Mappings, int? Year, Provenance? Provenance = null);
    private sealed record LayerEntry(string Layer, string Path, string? ClassField, Dictionary<string, string>? Where, string? Merge, Provenance? Provenance);
    private sealed record AerodromeEntry(string Path, Provenance? Provenance);
    private sealed record PopulationGridEntry(string Path, string PopulationField = "T2021", int Year = 2021, string? ClassField = "CNTR_ID", Provenance? Provenance = null);
    private sealed record LandCoverEntry(string FromRaster, string? SourceName, Provenance? Provenance);
    private sealed record RasterEntry(string Path, string? Name);
    private sealed record GroupFileEntry(string Path);
}
