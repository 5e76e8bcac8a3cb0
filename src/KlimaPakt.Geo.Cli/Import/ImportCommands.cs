using System.CommandLine;
using KlimaPakt.Geo.Core.Layers;
using KlimaPakt.Geo.Data.Import;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace KlimaPakt.Geo.Cli.Import;

internal static class ImportCommands
{
    private static readonly Option<string> Region = new("--region") { Description = "Region code (e.g. lu, li)", Required = true };
    private static readonly Option<int?> Srid = new("--srid") { Description = "EPSG code of the file when it declares none" };
    private static readonly Option<string?> Table = new("--table") { Description = "GeoPackage feature table" };

    public static Command Create() => new("import", "Import data into PostGIS (each import is one transaction; re-importing a file replaces it).")
    {
        Layer(), Communes(), Osm(), Population(), Aerodromes(), PopulationGrid(), LandCover(), RasterRegistration(), Groups(), Bundle(),
    };

    private static readonly Option<string?> Licence = new("--licence") { Description = "Licence of the data (e.g. 'ODbL 1.0'), stored with the import" };
    private static readonly Option<string?> Attribution = new("--attribution") { Description = "Attribution to show with the data (e.g. '© OpenStreetMap contributors')" };
    private static readonly Option<string?> DataDate = new("--data-date") { Description = "Reference date of the data, ISO 8601 (2022-02, 2016)" };
    private static readonly Option<string?> Coverage = new("--coverage") { Description = "What part of the region the data cover, in words" };

    private static Provenance? ProvenanceOf(ParseResult p)
    {
        var provenance = new Provenance(p.GetValue(Licence), p.GetValue(Attribution), p.GetValue(DataDate), p.GetValue(Coverage));
        return provenance == new Provenance() ? null : provenance;
    }

    private static Command Aerodromes()
    {
        var file = new Argument<string>("file") { Description = "Runway centrelines, airport points or aerodrome areas (GeoJSON, GeoPackage, Shapefile)" };
        var command = new Command("aerodromes", "Import airports into land_cover as class 'aerodrome' (runway → ICAO runway strip, point → disc).")
            { Region, Licence, Attribution, DataDate, Coverage, file };
        command.SetAction((p, ct) => CliHost.RunAsync(async (s, ct) => Print(await s.GetRequiredService<ImportService>().ImportAerodromesAsync(
            new AerodromeImportRequest(p.GetValue(Region)!, p.GetValue(file)!, Provenance: ProvenanceOf(p)), ct)), ct));
        return command;
    }

    private static Command PopulationGrid()
    {
        var field = new Option<string>("--population-field") { Description = "Attribute with the residents", DefaultValueFactory = _ => "T2021" };
        var year = new Option<int>("--year") { Description = "Year of that attribute", DefaultValueFactory = _ => 2021 };
        var file = new Argument<string>("file") { Description = "Census grid cells (e.g. Eurostat GEOSTAT 1 km)" };
        var command = new Command("popgrid", "Import a census population grid into population_cells (its shares place the commune totals).")
            { Region, field, year, Licence, Attribution, DataDate, Coverage, file };
        command.SetAction((p, ct) => CliHost.RunAsync(async (s, ct) => Print(await s.GetRequiredService<ImportService>().ImportPopulationGridAsync(
            new PopulationGridImportRequest(p.GetValue(Region)!, p.GetValue(file)!, p.GetValue(field)!, p.GetValue(year), Provenance: ProvenanceOf(p)), ct)), ct));
        return command;
    }

    private static Command LandCover()
    {
        var raster = new Option<string>("--from-raster") { Description = "Registered four-band raster (B02, B03, B04, B08) or a GeoTIFF path", Required = true };
        var command = new Command("landcover", "Classify a Sentinel-2 image into land_cover (NDVI and band rules; coarse, replaced by a land-cover file).")
            { Region, raster, Licence, Attribution, DataDate, Coverage };
        command.SetAction((p, ct) => CliHost.RunAsync(async (s, ct) => Print(await s.GetRequiredService<ImportService>().ImportLandCoverFromRasterAsync(
            new LandCoverRasterRequest(p.GetValue(Region)!, p.GetValue(raster)!, Provenance: ProvenanceOf(p)), ct)), ct));
        return command;
    }

    private static Command Layer()
    {
        var layer = new Option<string>("--layer") { Description = $"Target layer: {string.Join(", ", InputLayer.All.Select(l => l.Name))}", Required = true };
        var classField = new Option<string?>("--class-field") { Description = "Attribute holding the feature class" };
        var reject = new Option<bool>("--reject-invalid") { Description = "Refuse files with invalid geometries instead of repairing them" };
        var where = new Option<string[]>("--where") { Description = "Only features with this attribute value, FIELD=VALUE (repeatable)", AllowMultipleArgumentsPerToken = true };
        var preferNewer = new Option<bool>("--prefer-newer") { Description = "Lines: where another source maps the same line, the later --data-date keeps it" };
        var file = new Argument<string>("file") { Description = "GeoJSON, GeoPackage or Shapefile" };
        var command = new Command("layer", "Import a vector file into a typed input layer.")
            { Region, layer, Srid, Table, classField, reject, where, preferNewer, Licence, Attribution, DataDate, Coverage, file };
        command.SetAction((p, ct) => CliHost.RunAsync(async (s, ct) => Print(await s.GetRequiredService<ImportService>().ImportLayerAsync(
            new LayerImportRequest(p.GetValue(Region)!, p.GetValue(layer)!, p.GetValue(file)!, p.GetValue(Srid), p.GetValue(Table), p.GetValue(classField),
                p.GetValue(reject) ? InvalidGeometryPolicy.Reject : InvalidGeometryPolicy.Repair,
                p.GetValue(where) is { Length: > 0 } w ? w.Select(ParseWhere).ToDictionary(kv => kv.Key, kv => kv.Value) : null,
                p.GetValue(preferNewer) ? LayerMerge.PreferNewer : LayerMerge.Add, ProvenanceOf(p)), ct)), ct));
        return command;
    }

    private static Command Communes()
    {
        var code = new Option<string>("--code-field") { Description = "Attribute with the official code", DefaultValueFactory = _ => "LAU2" };
        var name = new Option<string>("--name-field") { Description = "Attribute with the name", DefaultValueFactory = _ => "COMMUNE" };
        var canton = new Option<string?>("--canton-field") { Description = "Attribute with the canton", DefaultValueFactory = _ => "CANTON" };
        var file = new Argument<string>("file");
        var command = new Command("communes", "Import commune boundaries (matched by code; communes missing from the file are removed).") { Region, code, name, canton, Srid, Table, file };
        command.SetAction((p, ct) => CliHost.RunAsync(async (s, ct) => Print(await s.GetRequiredService<ImportService>().ImportCommunesAsync(
            new CommuneImportRequest(p.GetValue(Region)!, p.GetValue(file)!, p.GetValue(code)!, p.GetValue(name)!, p.GetValue(canton), p.GetValue(Srid), p.GetValue(Table)), ct)), ct));
        return command;
    }

    private static Command Osm()
    {
        var communeLevel = new Option<int>("--commune-admin-level") { Description = "admin_level of communes; 0 leaves communes alone", DefaultValueFactory = _ => 8 };
        var cantonLevel = new Option<int>("--canton-admin-level") { Description = "admin_level of cantons; 0 for none", DefaultValueFactory = _ => 6 };
        var file = new Argument<string>("file") { Description = "OSM PBF or XML extract" };
        var command = new Command("osm", "Import an OSM extract into every typed layer (GDAL's OSM driver).") { Region, communeLevel, cantonLevel, file };
        command.SetAction((p, ct) => CliHost.RunAsync(async (s, ct) => Print(await s.GetRequiredService<ImportService>().ImportOsmAsync(
            new OsmImportRequest(p.GetValue(Region)!, p.GetValue(file)!, p.GetValue(communeLevel) is > 0 and var c ? c : null, p.GetValue(cantonLevel) is > 0 and var k ? k : null), ct)), ct));
        return command;
    }

    private static Command Population()
    {
        var mappings = new Option<string?>("--mappings") { Description = "CSV from_name,to_name of commune mergers and renames" };
        var year = new Option<int?>("--year") { Description = "Only this year" };
        var file = new Argument<string>("file") { Description = "STATEC/LUSTAT CSV" };
        var command = new Command("population", "Import a STATEC population table, joined to the communes by code or name.") { Region, mappings, year, file };
        command.SetAction((p, ct) => CliHost.RunAsync(async (s, ct) => Print(await s.GetRequiredService<ImportService>().ImportPopulationAsync(
            new PopulationImportRequest(p.GetValue(Region)!, p.GetValue(file)!, p.GetValue(mappings), p.GetValue(year)), ct)), ct));
        return command;
    }

    private static Command RasterRegistration()
    {
        var region = new Option<string?>("--region") { Description = "Region whose coverage is checked (optional)" };
        var name = new Option<string?>("--name") { Description = "Name (default: file name)" };
        var coverage = new Option<double>("--min-coverage") { Description = "Smallest share of the region the raster must cover", DefaultValueFactory = _ => 0.99 };
        var file = new Argument<string>("file") { Description = "GeoTIFF" };
        var command = new Command("raster", "Register a GeoTIFF (grid, CRS, NoData, content hash).") { region, name, coverage, file };
        command.SetAction((p, ct) => CliHost.RunAsync(async (s, ct) => Print(await s.GetRequiredService<RasterRegistry>().RegisterAsync(
            new RasterRegistrationRequest(p.GetValue(file)!, p.GetValue(name), p.GetValue(region), p.GetValue(coverage)), ct)), ct));
        return command;
    }

    private static Command Groups()
    {
        var file = new Argument<string>("file") { Description = "JSON {\"groups\": [{kind, code, name, source, communes}]} or CSV kind,code,name,commune,source" };
        var command = new Command("groups", "Import districts and cooperation spaces with their member communes (by code or name) and the source of each list.")
            { Region, file };
        command.SetAction((p, ct) => CliHost.RunAsync(async (s, ct) => Print(await s.GetRequiredService<GroupImporter>().ImportAsync(
            p.GetValue(Region)!, p.GetValue(file)!, ct)), ct));
        return command;
    }

    private static Command Bundle()
    {
        var manifest = new Argument<string>("manifest") { Description = "Manifest of regions and files", DefaultValueFactory = _ => "data/bundle.json" };
        var command = new Command("bundle", "Import every region and file a manifest lists (the bundled data: data/bundle.json).") { manifest };
        command.SetAction((p, ct) => CliHost.RunAsync(async (s, ct) =>
            await s.GetRequiredService<BundleImporter>().LoadAsync(p.GetValue(manifest)!, new Progress<ImportReport>(Print), ct), ct));
        return command;
    }

    private static KeyValuePair<string, string> ParseWhere(string text) =>
        text.IndexOf('=', StringComparison.Ordinal) is var i and > 0
            ? new(text[..i], text[(i + 1)..])
            : throw new KlimaPakt.Geo.Core.Errors.GeoInputException($"--where '{text}': expected FIELD=VALUE.");

    internal static void Print(ImportReport report)
    {
        var written = string.Join(", ", report.WrittenByTarget.Where(w => w.Value > 0).Select(w => $"{w.Key} {w.Value:N0}"));
        AnsiConsole.MarkupLineInterpolated($"[green]✓[/] {Path.GetFileName(report.Path)} → [bold]{report.Target}[/]: read {report.FeaturesRead:N0}, wrote {written} in {report.Elapsed.TotalSeconds:F1} s");
        if (report.Repaired.Count > 0)
        {
            AnsiConsole.MarkupLineInterpolated($"  [yellow]repaired {report.Repaired.Count} invalid geometr{(report.Repaired.Count == 1 ? "y" : "ies")}:[/]");
            foreach (var r in report.Repaired.Take(10)) AnsiConsole.MarkupLineInterpolated($"    {r}");
        }
        foreach (var s in report.Skipped.Take(10)) AnsiConsole.MarkupLineInterpolated($"  [grey]note: {s}[/]");
        if (report.Skipped.Count > 10) AnsiConsole.MarkupLineInterpolated($"  [grey]… {report.Skipped.Count - 10} more notes[/]");
    }
}
