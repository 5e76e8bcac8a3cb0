using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using KlimaPakt.Geo.Data.Entities;
using KlimaPakt.Geo.Data.Exports;
using KlimaPakt.Geo.Data.Runs;
using KlimaPakt.Geo.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace KlimaPakt.Geo.Data.Tests.Runs;

/// <summary>A published EV run exported and read back with GDAL's ogrinfo: the GeoPackage's feature counts are the run's rows in PostGIS.</summary>
[Collection(PostGisCollection.Name)]
public sealed partial class RunExportTests(BundledDatabaseFixture fixture)
{
    private readonly TestDatabase _db = fixture.Db;
    private RunService Runs => _db.Services.GetRequiredService<RunService>();
    private RunExporter Exporter => _db.Services.GetRequiredService<RunExporter>();

    [GeneratedRegex(@"^Layer name: (\S+)$[\s\S]*?^Feature Count: (\d+)$", RegexOptions.Multiline)]
    private static partial Regex LayerCount();

    private static string OgrInfo(string path) => Gdal("ogrinfo", "-ro", "-so", "-al", path);

    private static string Gdal(string tool, params string[] args)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
        return output;
    }

    [Fact]
    public async Task Export_PublishedEvRun_GeoPackageCountsEqualPostGisRows()
    {
        var run = await Runs.CreateAsync(new RunRequest("ev", "lu", ["0204", "0205"], JsonDocument.Parse("""{"newSites": 3}""").RootElement));
        run = await Runs.ExecuteAsync(run.Id);
        Assert.Equal(RunStatus.Published, run.Status);
        var folder = Directory.CreateTempSubdirectory("klimapakt-export-test-").FullName;
        var export = await Exporter.ExportAsync(run.Id, folder);

        // Counts read by GDAL from the file, against counts read from PostGIS here (not the exporter's own).
        var counts = LayerCount().Matches(OgrInfo(export.GeoPackage)).ToDictionary(m => m.Groups[1].Value, m => long.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));
        foreach (var table in new[] { "ev_commune_coverage", "ev_gaps", "ev_sites", "ev_service_areas" })
            Assert.Equal(await _db.ScalarAsync<long>($"SELECT count(*) FROM results.{table} WHERE run_id = '{run.Id}'"), counts[table]);
        Assert.Equal(3L, counts["ev_sites"]);
        Assert.Equal(await _db.ScalarAsync<long>($"SELECT count(*) FROM results.commune_metrics WHERE run_id = '{run.Id}'"), counts["commune_metrics"]);
        Assert.Equal(5, counts.Count);
        // The per-commune CSV: a header and the run's two communes.
        var csv = await File.ReadAllLinesAsync(export.CommuneCsv);
        Assert.Equal(3, csv.Length);
        Assert.StartsWith("commune_code,commune,ev_covered_population,", csv[0], StringComparison.Ordinal);
        Assert.StartsWith("0204,Esch-sur-Alzette,", csv[1], StringComparison.Ordinal);
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task Export_QueuedRun_RefusedAsNotPublished()
    {
        var run = await Runs.CreateAsync(new RunRequest("ev", "lu", ["0204"], JsonDocument.Parse("{}").RootElement));
        var e = await Assert.ThrowsAsync<RunNotPublishedException>(() => Exporter.ExportAsync(run.Id, Path.GetTempPath()));
        Assert.Equal(409, e.StatusCode);
        await _db.ScalarAsync<long>($"WITH d AS (DELETE FROM analysis_runs WHERE id = '{run.Id}' RETURNING 1) SELECT count(*) FROM d");
        await Assert.ThrowsAsync<KlimaPakt.Geo.Core.Errors.NotFoundException>(() => Exporter.ExportAsync(Guid.NewGuid(), Path.GetTempPath()));
    }

    [Fact]
    public async Task Export_WindRun_RastersAsCloudOptimisedGeoTiffs()
    {
        var run = await Runs.CreateAsync(new RunRequest("wind", "lu", ["0601"], JsonDocument.Parse("""{"cellSizeMeters": 100, "outputCellSizeMeters": 200}""").RootElement));
        run = await Runs.ExecuteAsync(run.Id);
        Assert.Equal(RunStatus.Published, run.Status);
        var folder = Directory.CreateTempSubdirectory("klimapakt-export-test-").FullName;
        var export = await Exporter.ExportAsync(run.Id, folder);
        // One COG per raster the run registered; gdalinfo reports the COG layout GDAL's COG driver writes.
        Assert.Equal(await _db.ScalarAsync<long>($"SELECT count(*) FROM rasters WHERE name LIKE 'wind_{run.Id:N}_%'"), export.Rasters.Count);
        Assert.NotEmpty(export.Rasters);
        foreach (var cog in export.Rasters) Assert.Contains("LAYOUT=COG", Gdal("gdalinfo", cog), StringComparison.Ordinal);
        var counts = LayerCount().Matches(OgrInfo(export.GeoPackage)).ToDictionary(m => m.Groups[1].Value, m => long.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(await _db.ScalarAsync<long>($"SELECT count(*) FROM results.wind_communes WHERE run_id = '{run.Id}'"), counts["wind_communes"]);
        Directory.Delete(folder, recursive: true);
    }
}
