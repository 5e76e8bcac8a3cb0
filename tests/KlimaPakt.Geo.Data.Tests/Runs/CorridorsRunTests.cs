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
        // Resistance and corridor rasters registered with the run (blue: resistance only).
        Assert.Equal(5L, await _db.ScalarAsync<long>($"SELECT count(*) FROM rasters WHERE name LIKE 'corridors_{run.Id:N}_%'"));
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

        Assert.Equal(RunStatus.Published, first.Status);
        Assert.Equal(first.ResultSha256, second.ResultSha256);
        Assert.Equal(first.InputHashes, second.InputHashes);
        Assert.NotEqual(first.ResultSha256, other.ResultSha256);
    }

    [Fact]
    public async Task Cancel_DuringCorridors_LeavesNothingPublished()
    {
        var runs = Runs;
        var run = await runs.CreateAsync(new RunRequest("corridors", "lu", null, Json(Coarse)));
        var final = await runs.ExecuteAsync(run.Id, new CancelOnStage(runs, run.Id, "green: corridors"));

        Assert.Equal(RunStatus.Cancelled, final.Status);
        Assert.Null(final.PublishedAt);
        foreach (var table in new[] { "corridor_patches", "corridor_links", "corridor_areas", "corridor_conflicts", "corridor_communes", "commune_metrics" })
            Assert.Equal(0L, await _db.ScalarAsync<long>($"SELECT count(*) FROM results.{table} WHERE run_id = '{run.Id}'"));
        Assert.Equal(0L, await _db.ScalarAsync<long>($"SELECT count(*) FROM rasters WHERE name LIKE 'corridors_{run.Id:N}_%'"));
    }

    [Fact]
    public async Task RunCorridors_NoTrameHasAPatch_FailsNamingTheTrameAndThreshold()
    {
        var run = await RunAsync("lu", """{"cellSizeMeters": 200, "trame": "blue"}""");

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Contains("No trame has a habitat patch", run.Error);
        Assert.Contains("blue", run.Error);
        Assert.Contains("0.5 ha", run.Error);
        Assert.Equal(0L, await _db.ScalarAsync<long>($"SELECT count(*) FROM results.corridor_communes WHERE run_id = '{run.Id}'"));
    }

    [Theory]
    [InlineData("""{"trame": "purple"}""", "Trame must be green, blue, black or all")]
    [InlineData("""{"resistance": {"lava": 3}}""", "unknown land-cover class 'lava'")]
    [InlineData("""{"resistance": {"forest": 0}}""", "resistance of 'forest' must be > 0")]
    [InlineData("""{"minPatchAreaHectares": -1}""", "MinPatchAreaHectares must be ≥ 0")]
    [InlineData("""{"trame": "blue", "species": "bat"}""", "is a black profile")]
    public async Task Create_BadParameters_ClearErrorAndNoRunCreated(string parameters, string expected)
    {
        var before = await _db.ScalarAsync<long>("SELECT count(*) FROM analysis_runs");
        var error = await Assert.ThrowsAnyAsync<GeoInputException>(() => Runs.CreateAsync(new RunRequest("corridors", "lu", null, Json(parameters))));
        Assert.Contains(expected, error.Message + " " + string.Join(" ", error.Details));
        Assert.Equal(before, await _db.ScalarAsync<long>("SELECT count(*) FROM analysis_runs"));
    }
}
