using System.Text.Json;
using KlimaPakt.Geo.Core.Errors;
using KlimaPakt.Geo.Data.Entities;
using KlimaPakt.Geo.Data.Runs;
using KlimaPakt.Geo.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace KlimaPakt.Geo.Data.Tests.Runs;

/// <summary>The corridors analysis through the run machinery on the bundled data (coarse grids: the suite runs on 2 cores).</summary>
[Collection(PostGisCollection.Name)]
public sealed class CorridorsRunTests(BundledDatabaseFixture fixture)
{
    private const string Coarse = """{"cellSizeMeters": 100}""";

    private readonly TestDatabase _db = fixture.Db;
    private RunService Runs => _db.Services.GetRequiredService<RunService>();

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement;

    private async Task<AnalysisRun> RunAsync(string region, string parameters, IProgress<RunProgress>? progress = null)
    {
        var run = await Runs.CreateAsync(new RunRequest("corridors", region, null, Json(parameters)));
        return await Runs.ExecuteAsync(run.Id, progress);
    }

    private Task<double> SumAsync(string sql) => _db.ScalarAsync<double>(sql);

    [Fact]
    public async Task RunCorridors_Luxembourg_PerCommuneSumsEqualTotalsAndBlueSkipped()
    {
        var run = await RunAsync("lu", Coarse);

        Assert.Equal(RunStatus.Published, run.Status);
        string id = $"'{run.Id}'";
        // Luxembourg's bundle has no water layer: blue is reported and skipped, the run goes on with green and black.
        Assert.Contains(run.Log, l => l.StartsWith("blue (amphibian): no patch", StringComparison.Ordinal));
        Assert.Equal(100L, await _db.ScalarAsync<long>($"SELECT count(*) FROM results.corridor_communes WHERE run_id = {id} AND trame = 'blue' AND status LIKE 'no patch%'"));
        Assert.Equal(0L, await _db.ScalarAsync<long>($"SELECT count(*) FROM results.corridor_patches WHERE run_id = {id} AND trame = 'blue'"));
        Assert.Equal(300L, await _db.ScalarAsync<long>($"SELECT count(*) FROM results.corridor_communes WHERE run_id = {id}"));
        long patches = await _db.ScalarAsync<long>($"SELECT count(*) FROM results.corridor_patches WHERE run_id = {id} AND trame = 'green'");
        long links = await _db.ScalarAsync<long>($"SELECT count(*) FROM results.corridor_links WHERE run_id = {id} AND trame = 'green'");
        Assert.True(patches >= 20 && links >= 10, $"{patches} green patches, {links} links");
        foreach (var trame in new[] { "green", "black" })
        {
            string of = $"run_id = {id} AND trame = '{trame}'";
            // Every patch and corridor cell lies in exactly one commune; every path step is split between its two cells' communes.
            Assert.Equal(await SumAsync($"SELECT sum(area_ha) FROM results.corridor_patches WHERE {of}"),
                await SumAsync($"SELECT sum(patch_ha) FROM results.corridor_communes WHERE {of}"), 6);
            Assert.Equal(await SumAsync($"SELECT coalesce(sum(area_ha), 0) FROM results.corridor_areas WHERE {of}"),
                await SumAsync($"SELECT sum(corridor_ha) FROM results.corridor_communes WHERE {of}"), 6);
            Assert.Equal(await SumAsync($"SELECT coalesce(sum(path_length_m), 0) / 1000 FROM results.corridor_links WHERE {of}"),
                await SumAsync($"SELECT sum(path_km) FROM results.corridor_communes WHERE {of}"), 6);
            // The figures are the commune rows'.
            Assert.Equal(await SumAsync($"SELECT sum(patch_ha) FROM results.corridor_communes WHERE {of}"),
                await SumAsync($"SELECT sum(value) FROM results.commune_metrics WHERE run_id = {id} AND metric = 'corridors_{trame}_patch_ha'"), 6);
        }
        // Least-cost paths run inside the region and never shorter than the gap between their patches.
        Assert.True(await _db.ScalarAsync<bool>($"SELECT bool_and(path_length_m >= euclidean_m - 1e-6 AND cost_distance > 0) AND count(*) > 0 FROM results.corridor_links WHERE run_id = {id}"));
        // Corridor length shared between communes: green paths cross commune borders somewhere, and the neighbours are named.
        Assert.True(await SumAsync($"SELECT sum(cross_border_km) FROM results.corridor_communes WHERE run_id = {id} AND trame = 'green'") > 0);
        Assert.True(await _db.ScalarAsync<long>($"SELECT count(*) FROM results.corridor_communes WHERE run_id = {id} AND trame = 'green' AND shared_with <> ''") > 0);
        // The outputs say what the inputs are: green from the coarse Sentinel-2 classification, black from a light proxy.
        Assert.True(await _db.ScalarAsync<bool>($"SELECT bool_and(input_note LIKE 'Sentinel-2 classification%coarse%') FROM results.corridor_patches WHERE run_id = {id} AND trame = 'green'"));
        Assert.True(await _db.ScalarAsync<bool>($"SELECT bool_and(light_source = 'proxy') AND count(*) > 0 FROM results.corridor_patches WHERE run_id = {id} AND trame = 'black'"));
        Assert.True(await _db.ScalarAsync<bool>($"SELECT bool_and(light_source IS NULL) FROM results.corridor_patches WHERE run_id = {id} AND trame = 'green'"));
        // Pinch points: every green link solved (effective resistance > 0), its current in classes inside the corridors, no cell
        // carrying more than the link's 1 A; the per-commune pinch-point area is class 4's.
        Assert.True(await _db.ScalarAsync<bool>($"SELECT bool_and(effective_resistance_ohm > 0) AND count(*) > 0 FROM results.corridor_links WHERE run_id = {id} AND trame = 'green'"));
        Assert.True(await _db.ScalarAsync<long>($"SELECT count(*) FROM results.corridor_pinch_points WHERE run_id = {id} AND trame = 'green'") > 0);
        Assert.True(await _db.ScalarAsync<bool>($"SELECT bool_and(peak_current_a <= 1 + 1e-6 AND peak_current_a >= current_min_a AND link_id BETWEEN 1 AND {links}) FROM results.corridor_pinch_points WHERE run_id = {id} AND trame = 'green'"));
        Assert.True(await SumAsync($"SELECT sum(area_ha) FROM results.corridor_pinch_points WHERE run_id = {id} AND trame = 'green'")
            <= await SumAsync($"SELECT sum(area_ha) FROM results.corridor_areas WHERE run_id = {id} AND trame = 'green'") + 1e-6);
        Assert.True(await SumAsync($"SELECT coalesce(sum(area_ha), 0) FROM results.corridor_pinch_points WHERE run_id = {id} AND trame = 'green' AND class = 4") > 0);
        foreach (var trame in new[] { "green", "black" })
            Assert.Equal(await SumAsync($"SELECT coalesce(sum(area_ha), 0) FROM results.corridor_pinch_points WHERE run_id = {id} AND trame = '{trame}' AND class = 4"),
                await SumAsync($"SELECT sum(value) FROM results.commune_metrics WHERE run_id = {id} AND metric = 'corridors_{trame}_pinch_point_ha'"), 6);
        Assert.Contains(run.Log, l => l.StartsWith("green: pinch points: ", StringComparison.Ordinal));
        // Resistance, corridor and pinch-point current rasters registered with the run (blue: resistance only).
        Assert.Equal(7L, await _db.ScalarAsync<long>($"SELECT count(*) FROM rasters WHERE name LIKE 'corridors_{run.Id:N}_%'"));
    }

    [Fact]
    public async Task RunCorridors_RadianceRasterThenStreetLamps_TheLightSaysWhereItComesFrom()
    {
        // A HAND-MADE radiance raster over Liechtenstein (EPSG:2056): 0.3 nW/cm²/sr everywhere, i.e. light 0.3 / 20 = 0.015,
        // dark (≤ 0.05) on every cell: the black trame is one reservoir covering the whole country.
        var path = Path.Combine(Path.GetTempPath(), $"radiance_li_{Guid.NewGuid():N}.tif");
        var raster = new KlimaPakt.Geo.Raster.Raster<float>(KlimaPakt.Geo.Raster.GridSpec.Covering(2056, 2_750_000, 1_210_000, 2_770_000, 1_240_000, 500), zeroed: false);
        Array.Fill(raster.Cells, 0.3f);
        KlimaPakt.Geo.Raster.Gdal.GeoTiff.Write(path, raster);
        var lamps = Path.Combine(Path.GetTempPath(), $"test_street_lamps_hand_made_{Guid.NewGuid():N}.geojson");
        try
        {
            var name = Path.GetFileNameWithoutExtension(path);
            await _db.Services.GetRequiredService<KlimaPakt.Geo.Data.Import.RasterRegistry>().RegisterAsync(new(path, name, "li"));
            var parameters = $$"""{"trame": "black", "cellSizeMeters": 100, "nightRadianceRaster": "{{name}}"}""";
            var lit = await RunAsync("li", parameters);
            Assert.Equal(RunStatus.Published, lit.Status);
            Assert.True(lit.InputHashes.ContainsKey("night_radiance"));
            string of = $"run_id = '{lit.Id}'";
            Assert.True(await _db.ScalarAsync<bool>($"SELECT bool_and(light_source = 'radiance' AND input_note LIKE 'light: night-time radiance raster%') FROM results.corridor_patches WHERE {of}"));
            Assert.Equal(1L, await _db.ScalarAsync<long>($"SELECT count(*) FROM results.corridor_patches WHERE {of}"));
            Assert.Equal(await SumAsync($"SELECT sum(patch_ha) FROM results.corridor_communes WHERE {of}"),
                await SumAsync($"SELECT sum(area_ha) FROM results.corridor_patches WHERE {of}"), 6);
            Assert.InRange(await SumAsync($"SELECT sum(area_ha) FROM results.corridor_patches WHERE {of}") /
                await SumAsync("SELECT sum(ST_Area(c.geom)) / 1e4 FROM communes c JOIN regions r ON r.id = c.region_id WHERE r.code = 'li'"), 0.99, 1.01);

            // Three HAND-MADE lamps in Vaduz: mapped lamps take precedence over the raster; cells near them are lit.
            await File.WriteAllTextAsync(lamps, """
                {"type": "FeatureCollection", "features": [
                  {"type": "Feature", "properties": {"highway": "street_lamp"}, "geometry": {"type": "Point", "coordinates": [9.5209, 47.1410]}},
                  {"type": "Feature", "properties": {"highway": "street_lamp"}, "geometry": {"type": "Point", "coordinates": [9.5215, 47.1418]}},
                  {"type": "Feature", "properties": {"highway": "street_lamp", "lamp_type": "electric"}, "geometry": {"type": "Point", "coordinates": [9.5200, 47.1402]}}
                ]}
                """);
            await _db.Imports.ImportLayerAsync(new KlimaPakt.Geo.Data.Import.LayerImportRequest("li", "street_lamps", lamps));
            var lamped = await RunAsync("li", parameters);
            Assert.Equal(RunStatus.Published, lamped.Status);
            Assert.Contains(lamped.Log, l => l.Contains("street lamps 3", StringComparison.Ordinal));
            Assert.True(await _db.ScalarAsync<bool>($"SELECT bool_and(light_source = 'street_lamps' AND input_note LIKE 'light: 3 mapped street lamps%') FROM results.corridor_patches WHERE run_id = '{lamped.Id}'"));
            // The lamps' surroundings are no longer dark: the reservoir is smaller than the country (by at most a few km²).
            double before = await SumAsync($"SELECT sum(area_ha) FROM results.corridor_patches WHERE {of}");
            double after = await SumAsync($"SELECT sum(area_ha) FROM results.corridor_patches WHERE run_id = '{lamped.Id}'");
            Assert.InRange(before - after, 10, 500);
            Assert.NotEqual(lit.ResultSha256, lamped.ResultSha256);
        }
        finally
        {
            await _db.ExecuteAsync("DELETE FROM import_sources WHERE target = 'street_lamps'");
            await _db.ExecuteAsync($"DELETE FROM rasters WHERE path = '{path}'");
            File.Delete(path);
            File.Delete(lamps);
        }
    }

    [Fact]
    public async Task RunCorridors_Liechtenstein_EveryTrameHasPatchesFromTheFullOsmLayers()
    {
        var run = await RunAsync("li", """{"cellSizeMeters": 50}""");

        Assert.Equal(RunStatus.Published, run.Status);
        foreach (var trame in new[] { "green", "blue", "black" })
            Assert.True(await _db.ScalarAsync<long>($"SELECT count(*) FROM results.corridor_patches WHERE run_id = '{run.Id}' AND trame = '{trame}'") > 0, trame);
        Assert.True(await _db.ScalarAsync<long>($"SELECT count(*) FROM results.corridor_links WHERE run_id = '{run.Id}' AND trame = 'blue'") > 0);
    }

    [Fact]
    public async Task Rerun_SameInputsAndParameters_IdenticalResultHash()
    {
        var first = await RunAsync("lu", """{"cellSizeMeters": 200, "trame": "green"}""");
        var second = await RunAsync("lu", """{"cellSizeMeters": 200, "trame": "green"}""");
        var other = await RunAsync("lu", """{"cellSizeMeters": 200, "trame": "green", "minPatchAreaHectares": 200}""");
        var withoutPinchPoints = await RunAsync("lu", """{"cellSizeMeters": 200, "trame": "green", "pinchPoints": false}""");

        Assert.Equal(RunStatus.Published, first.Status);
        Assert.Equal(first.ResultSha256, second.ResultSha256);
        Assert.Equal(first.InputHashes, second.InputHashes);
        Assert.NotEqual(first.ResultSha256, other.ResultSha256);
        // Without pinch points: no circuit rows, no effective resistance, and a different hash.
        Assert.Equal(RunStatus.Published, withoutPinchPoints.Status);
        Assert.NotEqual(first.ResultSha256, withoutPinchPoints.ResultSha256);
        Assert.Equal(0L, await _db.ScalarAsync<long>($"SELECT count(*) FROM results.corridor_pinch_points WHERE run_id = '{withoutPinchPoints.Id}'"));
        Assert.True(await _db.ScalarAsync<bool>($"SELECT bool_and(effective_resistance_ohm IS NULL) AND count(*) > 0 FROM results.corridor_links WHERE run_id = '{withoutPinchPoints.Id}'"));
    }

    [Fact]
    public async Task Cancel_DuringCorridors_LeavesNothingPublished()
    {
        var runs = Runs;
        var run = await runs.CreateAsync(new RunRequest("corridors", "lu", null, Json(Coarse)));
        var final = await runs.ExecuteAsync(run.Id, new CancelOnStage(runs, run.Id, "green: corridors"));

        Assert.Equal(RunStatus.Cancelled, final.Status);
        Assert.Null(final.PublishedAt);
        foreach (var table in new[] { "corridor_patches", "corridor_links", "corridor_areas", "corridor_pinch_points", "corridor_conflicts", "corridor_communes", "commune_metrics" })
            Assert.Equal(0L, await _db.ScalarAsync<long>($"SELECT count(*) FROM results.{table} WHERE run_id = '{run.Id}'"));
        Assert.Equal(0L, await _db.ScalarAsync<long>($"SELECT count(*) FROM rasters WHERE name LIKE 'corridors_{run.Id:N}_%'"));
    }

    [Fact]
    public async Task RunCorridors_NoTrameHasAPatch_FailsNamingTheTrameAndThreshold()
    {
        // Forest exists, but no area of 100,000 ha (more than Luxembourg's 2,590 km²): known only once rasterised.
        var run = await RunAsync("lu", """{"cellSizeMeters": 200, "trame": "green", "minPatchAreaHectares": 100000}""");

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Contains("No trame has a habitat patch", run.Error);
        Assert.Contains("green", run.Error);
        Assert.Contains("100000 ha", run.Error);
        Assert.Equal(0L, await _db.ScalarAsync<long>($"SELECT count(*) FROM results.corridor_communes WHERE run_id = '{run.Id}'"));
    }

    [Fact]
    public async Task Create_BlueAloneWithoutAnyWaterData_RefusedBeforeARunExists()
    {
        // Luxembourg's bundle has no water body, water course or water land cover (its Sentinel-2 classification found none).
        var before = await _db.ScalarAsync<long>("SELECT count(*) FROM analysis_runs");
        var error = await Assert.ThrowsAsync<GeoInputException>(() => Runs.CreateAsync(new RunRequest("corridors", "lu", null, Json("""{"trame": "blue"}"""))));
        Assert.Contains("The blue trame (amphibian) would find no habitat patch in region 'lu'", error.Message);
        Assert.Contains("no water bodies, water courses", error.Message);
        Assert.Contains("0.5 ha", error.Message);
        Assert.Equal(before, await _db.ScalarAsync<long>("SELECT count(*) FROM analysis_runs"));
        // Liechtenstein has water: the same request is accepted.
        var li = await Runs.CreateAsync(new RunRequest("corridors", "li", null, Json("""{"trame": "blue"}""")));
        await Runs.CancelAsync(li.Id);
    }

    [Theory]
    [InlineData("""{"trame": "purple"}""", "Trame must be green, blue, black or all")]
    [InlineData("""{"resistance": {"lava": 3}}""", "unknown land-cover class 'lava'")]
    [InlineData("""{"resistance": {"forest": 0}}""", "resistance of 'forest' must be > 0")]
    [InlineData("""{"minPatchAreaHectares": -1}""", "MinPatchAreaHectares must be ≥ 0")]
    [InlineData("""{"trame": "blue", "species": "bat"}""", "is a black profile")]
    [InlineData("""{"maxPinchPointCells": 0}""", "MaxPinchPointCells must be at least 1")]
    [InlineData("""{"pinchPointWidthCost": -5}""", "PinchPointWidthCost must be > 0")]
    public async Task Create_BadParameters_ClearErrorAndNoRunCreated(string parameters, string expected)
    {
        var before = await _db.ScalarAsync<long>("SELECT count(*) FROM analysis_runs");
        var error = await Assert.ThrowsAnyAsync<GeoInputException>(() => Runs.CreateAsync(new RunRequest("corridors", "lu", null, Json(parameters))));
        Assert.Contains(expected, error.Message + " " + string.Join(" ", error.Details));
        Assert.Equal(before, await _db.ScalarAsync<long>("SELECT count(*) FROM analysis_runs"));
    }
}
