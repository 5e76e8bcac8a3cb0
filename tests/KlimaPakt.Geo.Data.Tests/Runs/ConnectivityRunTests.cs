using System.Text.Json;
using KlimaPakt.Geo.Core.Errors;
using KlimaPakt.Geo.Data.Entities;
using KlimaPakt.Geo.Data.Runs;
using KlimaPakt.Geo.Raster.Gdal;
using KlimaPakt.Geo.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace KlimaPakt.Geo.Data.Tests.Runs;

/// <summary>The connectivity run (moving-window circuits) through the run machinery on the bundled data, at coarse grids.</summary>
[Collection(PostGisCollection.Name)]
public sealed class ConnectivityRunTests(BundledDatabaseFixture fixture)
{
    // 400 m cells, a 2 km radius (5 cells), every cell its own window: a few seconds on 2 cores.
    private const string Coarse = """{"cellSizeMeters": 400, "radiusMeters": 2000, "blockSize": 1}""";

    private readonly TestDatabase _db = fixture.Db;
    private RunService Runs => _db.Services.GetRequiredService<RunService>();

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement;

    private async Task<AnalysisRun> RunAsync(string region, string parameters, IProgress<RunProgress>? progress = null)
    {
        var run = await Runs.CreateAsync(new RunRequest("connectivity", region, null, Json(parameters)));
        return await Runs.ExecuteAsync(run.Id, progress);
    }

    [Fact]
    public async Task RunConnectivity_Luxembourg_ClassAreasPerCommuneSumToTheLayerAndRastersAgree()
    {
        var run = await RunAsync("lu", Coarse);
        Assert.True(run.Status == RunStatus.Published, run.Error);
        string id = $"'{run.Id}'";
        Assert.Equal(100L, await _db.ScalarAsync<long>($"SELECT count(*) FROM results.connectivity_communes WHERE run_id = {id}"));
        // Every class of normalised current occurs on Luxembourg's coarse land cover, and the classes tile the communes.
        Assert.Equal(4L, await _db.ScalarAsync<long>($"SELECT count(DISTINCT class) FROM results.connectivity_current WHERE run_id = {id}"));
        double layer = await _db.ScalarAsync<double>($"SELECT sum(area_ha) FROM results.connectivity_current WHERE run_id = {id}");
        double communes = await _db.ScalarAsync<double>($"SELECT sum(impeded_ha + diffuse_ha + intensified_ha + channelised_ha) FROM results.connectivity_communes WHERE run_id = {id}");
        Assert.Equal(layer, communes, 6);
        Assert.Equal(communes, await _db.ScalarAsync<double>($"SELECT sum(grid_ha) FROM results.connectivity_communes WHERE run_id = {id}"), 6);
        // The grid covers Luxembourg's 2,586 km² to within the 400 m cells along its border.
        Assert.InRange(communes / 100, 2450, 2700);
        foreach (var (metric, sql) in new[] { ("connectivity_impeded_ha", "impeded_ha"), ("connectivity_funnelled_ha", "intensified_ha + channelised_ha") })
            Assert.Equal(await _db.ScalarAsync<double>($"SELECT sum({sql}) FROM results.connectivity_communes WHERE run_id = {id}"),
                await _db.ScalarAsync<double>($"SELECT sum(value) FROM results.commune_metrics WHERE run_id = {id} AND metric = '{metric}'"), 6);
        // Class bounds as the parameters say; the outputs name their coarse input.
        Assert.True(await _db.ScalarAsync<bool>($"""
            SELECT bool_and(CASE class WHEN 1 THEN normalised_min = 0 AND normalised_max = 0.7 WHEN 2 THEN normalised_min = 0.7 AND normalised_max = 1.3
                                       WHEN 3 THEN normalised_min = 1.3 AND normalised_max = 2 ELSE normalised_min = 2 AND normalised_max IS NULL END
                            AND input_note LIKE 'Sentinel-2 classification%coarse%' AND trame = 'green' AND species = 'forest-mammal')
            FROM results.connectivity_current WHERE run_id = {id}
            """));

        // The registered rasters: normalised = cumulative / flow potential cell by cell, and its classes' area is the layer's.
        string Path(string name) => _db.ScalarAsync<string>($"SELECT path FROM rasters WHERE name = 'connectivity_{run.Id:N}_{name}'").GetAwaiter().GetResult();
        var cumulative = GeoTiff.ReadBand(Path("cumulative_current"));
        var flow = GeoTiff.ReadBand(Path("flow_potential"));
        var normalised = GeoTiff.ReadBand(Path("normalised_current"));
        Assert.NotNull(GeoTiff.ReadBand(Path("resistance")));
        long valid = 0;
        for (int i = 0; i < normalised.Cells.Length; i++)
        {
            float q = normalised.Cells[i];
            if (float.IsNaN(q)) { Assert.True(float.IsNaN(cumulative.Cells[i])); continue; }
            valid++;
            Assert.Equal(cumulative.Cells[i] / flow.Cells[i], q, 1e-4f * Math.Max(1f, q));
        }
        Assert.Equal(communes * 1e4, valid * normalised.Grid.CellAreaSquareUnits, 6);
    }

    [Fact]
    public async Task Rerun_SameInputsAndParameters_IdenticalResultHash()
    {
        var first = await RunAsync("lu", Coarse);
        var second = await RunAsync("lu", Coarse);
        var other = await RunAsync("lu", """{"cellSizeMeters": 400, "radiusMeters": 2000, "blockSize": 1, "classBreaks": [0.5, 1.5, 2.5]}""");
        Assert.Equal(RunStatus.Published, first.Status);
        Assert.Equal(first.ResultSha256, second.ResultSha256);
        Assert.NotEqual(first.ResultSha256, other.ResultSha256);
    }

    [Fact]
    public async Task Cancel_DuringTheMovingWindow_LeavesNothingPublished()
    {
        var runs = Runs;
        var run = await runs.CreateAsync(new RunRequest("connectivity", "lu", null, Json(Coarse)));
        var final = await runs.ExecuteAsync(run.Id, new CancelOnStage(runs, run.Id, "moving window"));
        Assert.Equal(RunStatus.Cancelled, final.Status);
        Assert.Null(final.PublishedAt);
        foreach (var table in new[] { "connectivity_current", "connectivity_communes", "commune_metrics" })
            Assert.Equal(0L, await _db.ScalarAsync<long>($"SELECT count(*) FROM results.{table} WHERE run_id = '{run.Id}'"));
        Assert.Equal(0L, await _db.ScalarAsync<long>($"SELECT count(*) FROM rasters WHERE name LIKE 'connectivity_{run.Id:N}_%'"));
    }

    [Theory]
    [InlineData("""{"radiusMeters": 0}""", "RadiusMeters must be > 0")]
    [InlineData("""{"blockSize": 4}""", "BlockSize must be an odd number")]
    [InlineData("""{"trame": "all"}""", "Trame must be green, blue or black")]
    [InlineData("""{"trame": "green", "species": "bat"}""", "is a black profile")]
    [InlineData("""{"classBreaks": [1.3, 0.7, 2]}""", "ClassBreaks must be three ascending")]
    [InlineData("""{"cellSizeMeters": 400, "radiusMeters": 100000}""", "RadiusMeters must be 2 to 200 cells")]
    public async Task Create_BadParameters_RefusedBeforeARunExists(string parameters, string message)
    {
        long before = await _db.ScalarAsync<long>("SELECT count(*) FROM analysis_runs WHERE kind = 'connectivity'");
        var e = await Assert.ThrowsAnyAsync<GeoInputException>(() => Runs.CreateAsync(new RunRequest("connectivity", "lu", null, Json(parameters))));
        Assert.Contains(e.Details, d => d.Contains(message, StringComparison.Ordinal));
        Assert.Equal(before, await _db.ScalarAsync<long>("SELECT count(*) FROM analysis_runs WHERE kind = 'connectivity'"));
    }
}
