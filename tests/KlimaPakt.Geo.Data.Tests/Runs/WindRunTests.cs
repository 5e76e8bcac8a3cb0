using System.Text.Json;
using KlimaPakt.Geo.Core.Errors;
using KlimaPakt.Geo.Data.Analyses;
using KlimaPakt.Geo.Data.Entities;
using KlimaPakt.Geo.Data.Runs;
using KlimaPakt.Geo.Raster;
using KlimaPakt.Geo.Raster.Gdal;
using KlimaPakt.Geo.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace KlimaPakt.Geo.Data.Tests.Runs;

/// <summary>The wind analysis end to end on the bundled data: Liechtenstein (full OSM layers) and one Luxembourg commune (DEM).</summary>
[Collection(PostGisCollection.Name)]
public sealed class WindRunTests(BundledDatabaseFixture fixture)
{
    private readonly TestDatabase _db = fixture.Db;
    private RunService Runs => _db.Services.GetRequiredService<RunService>();

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement;

    private async Task<AnalysisRun> RunAsync(string region, string parameters, IReadOnlyList<string>? communes = null, IProgress<RunProgress>? progress = null)
    {
        var run = await Runs.CreateAsync(new RunRequest("wind", region, communes, Json(parameters)));
        return await Runs.ExecuteAsync(run.Id, progress);
    }

    [Fact]
    public async Task RunWind_Liechtenstein_PublishesEveryOutputAndCommuneSumsEqualTotals()
    {
        var run = await RunAsync("li", """{"cellSizeMeters": 25, "outputCellSizeMeters": 50, "preset": "holtinger-max", "minimumAreaHectares": 2}""");
        Assert.Equal(RunStatus.Published, run.Status);
        Assert.Null(run.Error);
        foreach (var stage in new[] { "load inputs", "rasterise", "eligibility", "score", "siting", "yield", "polygonise", "publish" })
            Assert.Contains(stage, run.StageTimingsMs.Keys);
        Assert.Contains("buildings", run.InputHashes.Keys);
        Assert.Contains(run.Log, l => l.Contains("MODELLED", StringComparison.Ordinal));
        var id = run.Id;
        Assert.Equal(11L, await _db.ScalarAsync<long>($"SELECT count(*) FROM results.wind_communes WHERE run_id = '{id}'"));
        Assert.Equal(11L * 6, await _db.ScalarAsync<long>($"SELECT count(*) FROM results.commune_metrics WHERE run_id = '{id}'"));
        // The share's group aggregation is the ratio of its two stored sums: for one commune that is its share again.
        Assert.True(await _db.ScalarAsync<bool>($"""
            SELECT bool_and(abs(p.value - 100 * e.value / g.value) < 1e-9) FROM results.commune_metrics p
            JOIN results.commune_metrics e ON e.run_id = p.run_id AND e.commune_id = p.commune_id AND e.metric = 'wind_eligible_km2'
            JOIN results.commune_metrics g ON g.run_id = p.run_id AND g.commune_id = p.commune_id AND g.metric = 'wind_grid_km2'
            WHERE p.run_id = '{id}' AND p.metric = 'wind_eligible_pct'
            """));
        // Per-commune sums equal the region totals.
        var turbines = await _db.ScalarAsync<long>($"SELECT count(*) FROM results.wind_turbines WHERE run_id = '{id}'");
        Assert.Equal(turbines, await _db.ScalarAsync<long>($"SELECT sum(turbines) FROM results.wind_communes WHERE run_id = '{id}'"));
        Assert.Equal(await _db.ScalarAsync<double>($"SELECT coalesce(sum(net_mwh), 0) / 1000 FROM results.wind_turbines WHERE run_id = '{id}'"),
            await _db.ScalarAsync<double>($"SELECT sum(net_gwh) FROM results.wind_communes WHERE run_id = '{id}'"), 6);
        Assert.Equal(turbines * 4.2, await _db.ScalarAsync<double>($"SELECT sum(capacity_mw) FROM results.wind_communes WHERE run_id = '{id}'"), 6);
        // Eligible area + sequential exclusions = the region's cells (minus patches below the minimum area).
        var grid = await _db.ScalarAsync<double>($"SELECT sum(grid_km2) FROM results.wind_communes WHERE run_id = '{id}'");
        var eligible = await _db.ScalarAsync<double>($"SELECT sum(eligible_km2) FROM results.wind_communes WHERE run_id = '{id}'");
        var excluded = await _db.ScalarAsync<double>($"SELECT sum(sequential_km2) FROM results.wind_exclusions WHERE run_id = '{id}'");
        Assert.InRange(eligible + excluded, grid - 0.5, grid + 1e-6);
        Assert.InRange(grid, 155, 165); // Liechtenstein: 160 km²
        // The polygons describe the same land at 50 m (majority rule): within 10 %.
        var polygons = await _db.ScalarAsync<double>($"SELECT coalesce(sum(area_km2), 0) FROM results.wind_eligible_areas WHERE run_id = '{id}'");
        Assert.InRange(polygons, eligible * 0.9 - 0.05, eligible * 1.1 + 0.05);
        // Exclusions report: the 11 Holtinger rules, buildings and settlements actually removing land.
        Assert.Equal(11L, await _db.ScalarAsync<long>($"SELECT count(*) FROM results.wind_exclusions WHERE run_id = '{id}'"));
        Assert.True(await _db.ScalarAsync<double>($"SELECT alone_km2 FROM results.wind_exclusions WHERE run_id = '{id}' AND layer = 'buildings'") > 50);
        Assert.Equal(4L, await _db.ScalarAsync<long>($"SELECT features FROM results.wind_exclusions WHERE run_id = '{id}' AND layer = 'natura2000'"));
        Assert.Equal(750.0, await _db.ScalarAsync<double>($"SELECT effective_buffer_m FROM results.wind_exclusions WHERE run_id = '{id}' AND layer = 'buildings'"));
        Assert.True(await _db.ScalarAsync<bool>($"SELECT bool_and(wind_source = 'modelled') FROM results.wind_communes WHERE run_id = '{id}'"));
        // Five equal-interval classes of 0.2, and each class's pieces for tiles cover exactly its polygons.
        Assert.True(await _db.ScalarAsync<long>($"SELECT count(*) FROM results.wind_potential WHERE run_id = '{id}'") > 0);
        Assert.True(await _db.ScalarAsync<bool>($"SELECT bool_and(abs(score_max - score_min - 0.2) < 1e-12) FROM results.wind_potential WHERE run_id = '{id}'"));
        Assert.True(await _db.ScalarAsync<bool>($"""
            SELECT bool_and(abs(ST_Area(w.geom) - p.area) < 1e-3 * ST_Area(w.geom) AND p.max_points <= 256) FROM results.wind_potential w
            JOIN (SELECT parent_id, sum(ST_Area(geom)) AS area, max(ST_NPoints(geom)) AS max_points FROM results.wind_potential_tiles GROUP BY parent_id) p ON p.parent_id = w.id
            WHERE w.run_id = '{id}'
            """));
        // Eligibility and score GeoTIFFs, registered under the run.
        Assert.Equal(2L, await _db.ScalarAsync<long>($"SELECT count(*) FROM rasters WHERE name IN ('wind_{id:N}_eligibility', 'wind_{id:N}_score')"));
        var scorePath = await _db.ScalarAsync<string>($"SELECT path FROM rasters WHERE name = 'wind_{id:N}_score'");
        var score = GeoTiff.ReadBand(scorePath);
        Assert.Equal((495, 990), (score.Grid.Width, score.Grid.Height));
        Assert.Equal(eligible, score.Cells.Count(float.IsFinite) * 625 / 1e6, 6);
        // Every turbine with a consistent yield (the run places some: a check over no turbine would prove nothing).
        Assert.True(turbines > 0);
        Assert.True(await _db.ScalarAsync<bool>($"""
            SELECT bool_and(t.net_mwh <= t.gross_mwh AND t.capacity_factor BETWEEN 0 AND 1 AND abs(t.full_load_hours - t.net_mwh / 4.2) < 1e-6)
            FROM results.wind_turbines t WHERE t.run_id = '{id}'
            """));
    }

    [Fact]
    public async Task Rerun_SameInputsAndParameters_IdenticalResultHash()
    {
        const string parameters = """{"cellSizeMeters": 50, "outputCellSizeMeters": 100, "preset": "luxembourg-legal-minimum"}""";
        var first = await RunAsync("li", parameters);
        var second = await RunAsync("li", parameters);
        var other = await RunAsync("li", parameters.Replace("luxembourg-legal-minimum", "holtinger-max", StringComparison.Ordinal));
        Assert.Equal(RunStatus.Published, first.Status);
        Assert.Equal(first.ResultSha256, second.ResultSha256);
        Assert.Equal(first.InputHashes, second.InputHashes);
        Assert.NotEqual(first.ResultSha256, other.ResultSha256);
    }

    [Fact]
    public async Task RunWind_ForcedInclusionInVillage_EligibleAgainstOptionalRulesOnly()
    {
        // A 500 m × 500 m square on the village of Eschen (LV95, cell-aligned at 50 m): 100 cells = 0.25 km².
        const string square = "POLYGON((2757450 1230700, 2757950 1230700, 2757950 1231200, 2757450 1231200, 2757450 1230700))";
        const string common = """ "cellSizeMeters": 50, "outputCellSizeMeters": 100, "preset": "luxembourg-legal-minimum", "minimumAreaHectares": 0 """;
        const string optional = """[{"layer": "settlements", "bufferMeters": 300, "strict": false}, {"layer": "buildings", "bufferMeters": 300, "strict": false}]""";
        var without = await RunAsync("li", $$"""{{{common}}, "rules": {{optional}}}""");
        var forced = await RunAsync("li", $$"""{{{common}}, "rules": {{optional}}, "forcedInclusions": ["{{square}}"]}""");
        var strict = await RunAsync("li", $$"""{{{common}}, "forcedInclusions": ["{{square}}"]}""");
        async Task<double> Eligible(AnalysisRun run) => await _db.ScalarAsync<double>($"SELECT sum(eligible_km2) FROM results.wind_communes WHERE run_id = '{run.Id}'");
        Assert.Equal(RunStatus.Published, forced.Status);
        Assert.Equal(0.25, await Eligible(forced) - await Eligible(without), 6);
        Assert.Equal(await Eligible(without), await Eligible(strict), 6);
        Assert.Contains(forced.Log, l => l.Contains("forced inclusions 0.250 km²", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunWind_LuxembourgCommuneWithDem_SlopeRuleAndElevationModelledWind()
    {
        var run = await RunAsync("lu", """{"cellSizeMeters": 50, "outputCellSizeMeters": 100, "preset": "luxembourg-legal-minimum", "turbine": "nrel-5mw"}""", ["0204"]);
        Assert.Equal(RunStatus.Published, run.Status);
        Assert.Contains("dem", run.InputHashes.Keys);
        // What the run rests on, per input, in its log: the bundled railways with their source and count; no power lines.
        Assert.Contains(run.Log, l => l.StartsWith("input railways: 969 from osm_lu_2022_railways.geojson", StringComparison.Ordinal));
        Assert.Contains("input power_lines: no data for region 'lu'", run.Log);
        Assert.Equal(1L, await _db.ScalarAsync<long>($"SELECT count(*) FROM results.wind_communes WHERE run_id = '{run.Id}'"));
        // The modelled field varies with elevation: turbines do not all see the same wind.
        Assert.True(await _db.ScalarAsync<long>($"SELECT count(DISTINCT round(reference_wind_ms::numeric, 3)) FROM results.wind_turbines WHERE run_id = '{run.Id}'") > 1);
        Assert.True(await _db.ScalarAsync<bool>($"SELECT bool_and(turbine = 'nrel-5mw' AND hub_height_m = 90) FROM results.wind_turbines WHERE run_id = '{run.Id}'"));
    }

    [Fact]
    public async Task RunWind_LuxembourgBundledInputs_RailwaysAirportsAndForestExcludeLand()
    {
        // The whole country at 100 m, Holtinger medium plus a forest rule: the bundled 2022 railways, the Findel strip and
        // airfields, and the Sentinel-2 forest each remove land on their own.
        var run = await RunAsync("lu", """{"cellSizeMeters": 100, "outputCellSizeMeters": 200, "rules": [{"layer": "forest", "bufferMeters": 0}]}""");
        Assert.Equal(RunStatus.Published, run.Status);
        async Task<double> Alone(string layer) =>
            await _db.ScalarAsync<double>($"SELECT alone_km2 FROM results.wind_exclusions WHERE run_id = '{run.Id}' AND layer = '{layer}'");
        Assert.InRange(await Alone("railways"), 50, 400);    // 460 km of track × 2 × 300 m, less overlaps
        Assert.InRange(await Alone("airports"), 100, 600);   // 5.1 km around Findel and two airfields, clipped to the border
        Assert.InRange(await Alone("forest"), 500, 1500);    // the classification's 1,081 km² of forest inside the communes
        Assert.Equal(969L, await _db.ScalarAsync<long>($"SELECT features FROM results.wind_exclusions WHERE run_id = '{run.Id}' AND layer = 'railways'"));
    }

    [Fact]
    public async Task RunWind_WindRasterFile_UsedAndLabelledRaster()
    {
        // A constant 7 m/s at 100 m over Liechtenstein (EPSG:2056), written with the raster core.
        var path = Path.Combine(Path.GetTempPath(), $"wind_li_{Guid.NewGuid():N}.tif");
        var grid = GridSpec.Covering(2056, 2_750_000, 1_210_000, 2_770_000, 1_240_000, 500);
        var raster = new Raster<float>(grid, zeroed: false);
        Array.Fill(raster.Cells, 7f);
        GeoTiff.Write(path, raster);
        try
        {
            // Runs read registered rasters only: given by its path, it is refused; registered, it is used by name.
            var refused = await Assert.ThrowsAsync<NotFoundException>(() => Runs.CreateAsync(new RunRequest("wind", "li", [],
                Json($$"""{"windRaster": {{JsonSerializer.Serialize(path)}}}"""))));
            Assert.Contains("registered rasters only", refused.Message);
            var name = Path.GetFileNameWithoutExtension(path);
            await _db.Services.GetRequiredService<KlimaPakt.Geo.Data.Import.RasterRegistry>().RegisterAsync(new(path, name, "li"));
            // Covers the whole region (an empty commune list, as the CLI passes without --commune, means the whole region).
            var run = await RunAsync("li", $$"""{"cellSizeMeters": 50, "outputCellSizeMeters": 100, "preset": "luxembourg-legal-minimum", "windRaster": "{{name}}"}""", []);
            Assert.Equal(RunStatus.Published, run.Status);
            // Resolved once when the run was created: its path and content hash stored with the run.
            Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(path))), run.InputHashes["wind_raster"]);
            Assert.Equal(Path.GetFullPath(path), run.InputPaths["wind_raster"]);
            Assert.True(await _db.ScalarAsync<long>($"SELECT count(*) FROM results.wind_turbines WHERE run_id = '{run.Id}'") > 0);
            Assert.True(await _db.ScalarAsync<bool>($"SELECT bool_and(wind_source = 'raster' AND abs(reference_wind_ms - 7) < 1e-4 AND abs(hub_wind_ms - 7 * power(1.59, 1.0 / 7)) < 1e-3) FROM results.wind_turbines WHERE run_id = '{run.Id}'"));
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public async Task Cancel_DuringScore_LeavesNothingPublished()
    {
        var run = await Runs.CreateAsync(new RunRequest("wind", "li", null, Json("""{"cellSizeMeters": 50, "outputCellSizeMeters": 100}""")));
        var final = await Runs.ExecuteAsync(run.Id, new CancelOnStage(Runs, run.Id, "score"));
        Assert.Equal(RunStatus.Cancelled, final.Status);
        foreach (var table in new[] { "wind_communes", "wind_eligible_areas", "wind_potential", "wind_turbines", "wind_exclusions", "commune_metrics" })
            Assert.Equal(0L, await _db.ScalarAsync<long>($"SELECT count(*) FROM results.{table} WHERE run_id = '{run.Id}'"));
    }

    [Theory]
    [InlineData("""{"rules": [{"layer": "settlements", "bufferMeters": -100}]}""", "BufferMeters must be ≥ 0")]
    [InlineData("""{"preset": "holtinger-extreme"}""", "Unknown preset")]
    [InlineData("""{"rules": [{"layer": "volcanoes", "bufferMeters": 100}]}""", "Unknown exclusion layer")]
    [InlineData("""{"criteria": [{"name": "wind", "weight": 0.7, "zeroAt": 4, "oneAt": 8}, {"name": "grid", "weight": 0.2, "zeroAt": 9000, "oneAt": 0}]}""", "sum to 1")]
    [InlineData("""{"windRaster": "no_such_raster"}""", "Unknown wind raster")]
    [InlineData("""{"bufferMetres": 3}""", "bufferMetres")]
    [InlineData("""{"heightLaw": "cubic"}""", "heightLaw")]
    public async Task Create_BadParameters_ClearErrorAndNoRunCreated(string parameters, string expected)
    {
        var before = await _db.ScalarAsync<long>("SELECT count(*) FROM analysis_runs");
        var error = await Assert.ThrowsAnyAsync<GeoInputException>(() => Runs.CreateAsync(new RunRequest("wind", "lu", null, Json(parameters))));
        Assert.Contains(expected, error.Message + string.Join(" ", error.Details));
        Assert.Equal(before, await _db.ScalarAsync<long>("SELECT count(*) FROM analysis_runs"));
    }

    [Fact]
    public async Task WindRasterNotCoveringTheRegion_RefusedAndNoRunCreated()
    {
        // The bundled Global Wind Atlas raster covers Altamont Pass (California), not Luxembourg.
        var before = await _db.ScalarAsync<long>("SELECT count(*) FROM analysis_runs");
        var error = await Assert.ThrowsAsync<GeoInputException>(() => Runs.CreateAsync(new RunRequest("wind", "lu", [], Json("""{"windRaster": "gwa3_altamont_wind_speed_100m"}"""))));
        Assert.Contains("covers 0.0 % of region 'lu', less than the 99", error.Message);
        Assert.Equal(before, await _db.ScalarAsync<long>("SELECT count(*) FROM analysis_runs"));
        // A subset of communes is checked the same way (CLI and API alike): nothing is created.
        before = await _db.ScalarAsync<long>("SELECT count(*) FROM analysis_runs");
        var refused = await Assert.ThrowsAsync<GeoInputException>(() => Runs.CreateAsync(new RunRequest("wind", "lu", ["0204"],
            Json("""{"windRaster": "gwa3_altamont_wind_speed_100m", "cellSizeMeters": 100, "outputCellSizeMeters": 100}"""))));
        Assert.Contains("less than the 99", refused.Message);
        Assert.Equal(before, await _db.ScalarAsync<long>("SELECT count(*) FROM analysis_runs"));
    }
}
