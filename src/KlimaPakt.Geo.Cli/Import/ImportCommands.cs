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
        Layer(), Communes(), Osm(), Population(), RasterRegistration(), Bundle(),
    };

    private static Command Layer()
    {
        var layer = new Option<string>("--layer") { Description = $"Target layer: {string.Join(", ", InputLayer.All.Select(l => l.Name))}", Required = true };
        var classField = new Option<string?>("--class-field") { Description = "Attribute holding the feature class" };
        var reject = new Option<bool>("--reject-invalid") { Description = "Refuse files with invalid geometries instead of repairing them" };
        var file = new Argument<string>("file") { Description = "GeoJSON, GeoPackage or Shapefile" };
        var command = new Command("layer", "Import a vector file into a typed input layer.") { Region, layer, Srid, Table, classField, reject, file };
        command.SetAction((p, ct) => CliHost.RunAsync(async (s, ct) => Print(await s.GetRequiredService<ImportService>().ImportLayerAsync(
            new LayerImportRequest(p.GetValue(Region)!, p.GetValue(layer)!, p.GetValue(file)!, p.GetValue(Srid), p.GetValue(Table), p.GetValue(classField),
                p.GetValue(reject) ? InvalidGeometryPolicy.Reject : InvalidGeometryPolicy.Repair), ct)), ct));
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

    private static Command Bundle()
    {
        var manifest = new Argument<string>("manifest") { Description = "Manifest of regions and files", DefaultValueFactory = _ => "data/bundle.json" };
        var command = new Command("bundle", "Import every region and file a manifest lists (the bundled data: data/bundle.json).") { manifest };
        command.SetAction((p, ct) => CliHost.RunAsync(async (s, ct) =>
            await s.GetRequiredService<BundleImporter>().LoadAsync(p.GetValue(manifest)!, new Progress<ImportReport>(Print), ct), ct));
        return command;
    }

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
