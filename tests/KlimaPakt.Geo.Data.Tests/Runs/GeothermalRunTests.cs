using System.Text.Json;
using KlimaPakt.Geo.Core.Errors;
using KlimaPakt.Geo.Core.Geothermal;
using KlimaPakt.Geo.Data.Analyses;
using KlimaPakt.Geo.Data.Entities;
using KlimaPakt.Geo.Data.Runs;
using KlimaPakt.Geo.Raster.Gdal;
using KlimaPakt.Geo.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace KlimaPakt.Geo.Data.Tests.Runs;

/// <summary>The geothermal cadastre end to end on the bundled Luxembourg data (plus three hand-made waste-heat sources).</summary>
[Collection(PostGisCollection.Name)]
public sealed class GeothermalRunTests(BundledDatabaseFixture fixture)
{
    private readonly TestDatabase _db = fixture.Db;
    private RunService Runs => _db.Services.GetRequiredService<RunService>();

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement;

    private async Task<AnalysisRun> RunAsync(string parameters, IReadOnlyList<string>? communes = null, IProgress<RunProgress>? progress = null)
    {
        var run = await Runs.CreateAsync(new RunRequest("geothermal", "lu", communes, Json(parameters)));
        return await Runs.ExecuteAsync(run.Id, progress);
    }

    [Fact]
    public async Task RunGeothermal_Luxembourg_PublishesEveryOutputAndCommuneSumsEqualTotals()
    {
        await _db.ImportHandMadeHeatSourcesAsync();
        var run = await RunAsync("""{"cellSizeMeters": 50}""");
        Assert.Equal(RunStatus.Published, run.Status);
        Assert.Null(run.Error);
        foreach (var stage in new[] { "load inputs", "rasterise", "g.pot", "restrictions", "supply", "demand", "district heating", "waste heat", "polygonise", "publish" })
            Assert.Contains(stage, run.StageTimingsMs.Keys);
        foreach (var input in new[] { "communes", "population", "population_cells", "buildings", "protected_areas", "heat_sources", "dem" })
            Assert.Contains(input, run.InputHashes.Keys);
        Assert.Contains(run.Log, l => l.Contains("T0 assumed from elevation (lu_elevation_30arcsec)", StringComparison.Ordinal));
        var id = run.Id;
        Assert.Equal(100L, await _db.ScalarAsync<long>($"SELECT count(*) FROM results.geothermal_communes WHERE run_id = '{id}'"));
        Assert.Equal(100L * 7, await _db.ScalarAsync<long>($"SELECT count(*) FROM results.commune_metrics WHERE run_id = '{id}'"));
        Assert.True(await _db.ScalarAsync<bool>($"SELECT bool_and(ground_source = 'assumed') FROM results.geothermal_communes WHERE run_id = '{id}'"));
        Assert.True(await _db.ScalarAsync<bool>($"SELECT bool_and(ground_source = 'assumed') FROM results.geothermal_potential WHERE run_id = '{id}'"));

        // Two aggregations of the same cells: per commune (supply grid zones) and per potential class (hectares).
        async Task<double> Sum(string sql) => await _db.ScalarAsync<double>(sql);
        var supply = await Sum($"SELECT sum(supply_gwh) FROM results.geothermal_communes WHERE run_id = '{id}'");
        Assert.True(supply > 0);
        Assert.Equal(supply, await Sum($"SELECT sum(supply_gwh) FROM results.geothermal_potential WHERE run_id = '{id}'"), supply * 1e-9);
        var demand = await Sum($"SELECT sum(demand_gwh) FROM results.geothermal_communes WHERE run_id = '{id}'");
        Assert.True(demand > 0);
        Assert.Equal(demand, await Sum($"SELECT sum(demand_gwh) FROM results.heat_demand WHERE run_id = '{id}'"), demand * 1e-9);
        var dh = await Sum($"SELECT sum(dh_demand_gwh) FROM results.geothermal_communes WHERE run_id = '{id}'");
        Assert.True(dh > 0);
        Assert.Equal(dh, await Sum($"SELECT sum(demand_gwh) FROM results.district_heating_areas WHERE run_id = '{id}'"), dh * 1e-6);
        // Residents: STATEC's 2023 commune totals, conserved by the distribution onto hectares.
        Assert.Equal(await Sum("""
            SELECT sum(population) FROM (SELECT DISTINCT ON (commune_id) population FROM commune_populations p JOIN communes c ON c.id = p.commune_id
            JOIN regions r ON r.id = c.region_id WHERE r.code = 'lu' ORDER BY commune_id, year DESC) q
            """), await Sum($"SELECT sum(residents) FROM results.geothermal_communes WHERE run_id = '{id}'"), 3);
        // The coverage ratio is supply over demand, per commune.
        Assert.True(await _db.ScalarAsync<bool>($"SELECT bool_and(abs(coverage_pct - 100 * supply_gwh / demand_gwh) < 1e-9) FROM results.geothermal_communes WHERE run_id = '{id}' AND demand_gwh > 0"));

        // Energy of one borehole: G.POT with λ 2 is proportional to T0 − Tlim: 7.97343 MWh/yr × (T0 + 2) / 12. The DEM's
        // 141–547 m give T0 = 10.5 − 0.0065 × (z − 376) = 12.03 … 9.39 °C, so E = 9.33 … 7.58 MWh/yr.
        Assert.InRange(await Sum($"SELECT min(energy_min_mwh) FROM results.geothermal_potential WHERE run_id = '{id}'"), 7.55, 7.8);
        Assert.InRange(await Sum($"SELECT max(energy_max_mwh) FROM results.geothermal_potential WHERE run_id = '{id}'"), 9.1, 9.34);
        // Restrictions: the four rules; only the buildings have data in the Luxembourg bundle (Luxembourg City).
        Assert.Equal(4L, await _db.ScalarAsync<long>($"SELECT count(*) FROM results.geothermal_restrictions WHERE run_id = '{id}'"));
        Assert.Equal(13_552L, await _db.ScalarAsync<long>($"SELECT features FROM results.geothermal_restrictions WHERE run_id = '{id}' AND layer = 'buildings'"));
        Assert.True(await Sum($"SELECT alone_km2 FROM results.geothermal_restrictions WHERE run_id = '{id}' AND layer = 'buildings'") > 1);
        Assert.Equal(0L, await _db.ScalarAsync<long>($"SELECT features FROM results.geothermal_restrictions WHERE run_id = '{id}' AND layer = 'drinking_water'"));
        // Demand per building where the buildings cover the commune: at least Luxembourg City.
        Assert.StartsWith("buildings", await _db.ScalarAsync<string>($"SELECT demand_method FROM results.geothermal_communes WHERE run_id = '{id}' AND name = 'Luxembourg'"),
            StringComparison.Ordinal);

        // District-heating areas: connected hectares ≥ 10 MWh/ha with ≥ 30 GWh/yr, naming the communes they touch.
        Assert.True(await _db.ScalarAsync<bool>($"SELECT bool_and(demand_gwh >= 30 AND area_ha >= 1 AND communes <> '') FROM results.district_heating_areas WHERE run_id = '{id}'"));
        Assert.True(await _db.ScalarAsync<bool>($"SELECT bool_and(intercommunal = (communes LIKE '%,%')) FROM results.district_heating_areas WHERE run_id = '{id}'"));
        // Waste heat: A (Kirchberg) serves the area it lies in, covering 20 GWh over that area's demand; C has no figure.
        Assert.Equal(2L, await _db.ScalarAsync<long>($"SELECT count(*) FROM results.waste_heat_matches WHERE run_id = '{id}'"));
        Assert.True(await _db.ScalarAsync<bool>($"""
            SELECT abs(m.covered_pct - 100 * 20 / a.demand_gwh) < 1e-9 AND m.distance_m = 0 AND abs(m.heat_gwh - 20) < 1e-12
            FROM results.waste_heat_matches m JOIN results.district_heating_areas a ON a.run_id = m.run_id AND a.area_id = m.area_id
            WHERE m.run_id = '{id}' AND m.source_name = 'Test source A'
            """));
        Assert.Equal(17.52, await Sum($"SELECT heat_gwh FROM results.waste_heat_matches WHERE run_id = '{id}' AND source_name = 'Test source B'"), 9);

        // GeoTIFFs registered under the run; the demand raster sums to the demand.
        Assert.Equal(4L, await _db.ScalarAsync<long>($"SELECT count(*) FROM rasters WHERE name LIKE 'geothermal_{id:N}_%'"));
        var demandRaster = GeoTiff.ReadBand(await _db.ScalarAsync<string>($"SELECT path FROM rasters WHERE name = 'geothermal_{id:N}_heat_demand'"));
        Assert.Equal(100.0, demandRaster.Grid.CellSizeX);
        Assert.Equal(demand, demandRaster.Cells.Where(float.IsFinite).Sum(c => (double)c) / 1000, demand * 1e-5);
    }

    [Fact]
    public async Task Rerun_SameInputsAndParameters_IdenticalResultHash()
    {
        const string parameters = """{"cellSizeMeters": 100}""";
        var first = await RunAsync(parameters, ["0304", "0305"]);
        var second = await RunAsync(parameters, ["0304", "0305"]);
        var other = await RunAsync("""{"cellSizeMeters": 100, "boreholeLengthMeters": 150}""", ["0304", "0305"]);
        Assert.Equal(RunStatus.Published, first.Status);
        Assert.Equal(first.ResultSha256, second.ResultSha256);
        Assert.Equal(first.InputHashes, second.InputHashes);
        Assert.NotEqual(first.ResultSha256, other.ResultSha256);
    }

    [Fact]
    public async Task Cancel_DuringRestrictions_LeavesNothingPublished()
    {
        var runs = Runs;
        var run = await runs.CreateAsync(new RunRequest("geothermal", "lu", ["0304"], Json("""{"cellSizeMeters": 50}""")));
        var final = await runs.ExecuteAsync(run.Id, new CancelOnStage(runs, run.Id, "restrictions"));
        Assert.Equal(RunStatus.Cancelled, final.Status);
        Assert.Null(final.PublishedAt);
        foreach (var table in new[] { "geothermal_communes", "geothermal_potential", "geothermal_restrictions", "heat_demand", "district_heating_areas", "commune_metrics" })
            Assert.Equal(0L, await _db.ScalarAsync<long>($"SELECT count(*) FROM results.{table} WHERE run_id = '{run.Id}'"));
        Assert.Equal(0L, await _db.ScalarAsync<long>($"SELECT count(*) FROM rasters WHERE name LIKE 'geothermal_{run.Id:N}_%'"));
    }

    [Theory]
    [InlineData("""{"conductivityWattsPerMeterKelvin": 0}""", "Ground conductivity must be in (0, 10]")]
    [InlineData("""{"conductivityWattsPerMeterKelvin": -1.5}""", "Ground conductivity must be in (0, 10]")]
    [InlineData("""{"fluidTemperatureMinCelsius": 13}""", "Minimum fluid temperature (13 °C) must be below the ground temperature, which from elevation is at most 12.94 °C")]
    [InlineData("""{"groundTemperatureFromElevation": false, "fluidTemperatureMinCelsius": 10}""", "Minimum fluid temperature (10 °C) must be below the ground temperature (10 °C)")]
    [InlineData("""{"seasonDays": 0}""", "Heating season must be in (0, 365]")]
    [InlineData("""{"seasonDays": 400}""", "Heating season must be in (0, 365]")]
    [InlineData("""{"boreholeSpacingMeters": 0}""", "Borehole spacing must be in (0, 100]")]
    [InlineData("""{"conductivityRaster": "gwa3_altamont_wind_speed_10m"}""", "cover")]
    [InlineData("""{"restrictions": [{"layer": "airports"}]}""", "Unknown restriction layer 'airports'")]
    public async Task Create_BadParameters_ClearErrorAndNoRunCreated(string parameters, string expected)
    {
        var before = await _db.ScalarAsync<long>("SELECT count(*) FROM analysis_runs");
        var error = await Assert.ThrowsAnyAsync<GeoInputException>(() => Runs.CreateAsync(new RunRequest("geothermal", "lu", null, Json(parameters))));
        Assert.Contains(expected, error.Message + string.Join(" ", error.Details), StringComparison.Ordinal);
        Assert.Equal(before, await _db.ScalarAsync<long>("SELECT count(*) FROM analysis_runs"));
    }

    [Fact]
    public async Task Borehole_EveryParameterConstant_DependsOnNoData()
    {
        // λ 2, T0 10 °C and r.green.gshp's defaults: Q = 910.209 W, E = 7.97343 MWh/yr (GPotParametersTests' reference).
        var answer = await _db.Services.GetRequiredService<BoreholeQuery>().AnswerAsync(new BoreholeRequest
        { X = 1, Y = 2, ConductivityWattsPerMeterKelvin = 2, GroundTemperatureCelsius = 10 });
        Assert.Equal(910.209, answer.PowerWatts, 3);
        Assert.Equal(7.97343, answer.EnergyMwhPerYear, 5);
        Assert.Equal(0.0677803, answer.BoreholeResistance, 7);
        Assert.Null(answer.Restricted);
        Assert.Equal("given", answer.Inputs["conductivity"].Source);
        Assert.Equal("default", answer.Inputs["length"].Source);
    }

    [Fact]
    public async Task Borehole_InsideALuxembourgCityBuilding_RestrictedAndT0FromTheDem()
    {
        var point = await _db.ScalarAsync<string>("""
            SELECT ST_X(p) || ' ' || ST_Y(p) FROM (SELECT ST_PointOnSurface(geom) p FROM buildings b JOIN regions r ON r.id = b.region_id
            WHERE r.code = 'lu' ORDER BY ST_Area(geom) DESC LIMIT 1) q
            """);
        var xy = point.Split(' ').Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var query = _db.Services.GetRequiredService<BoreholeQuery>();
        var answer = await query.AnswerAsync(new BoreholeRequest { Region = "lu", X = xy[0], Y = xy[1], LengthMeters = 150 });
        Assert.True(answer.Restricted);
        Assert.Contains(answer.Restrictions, r => r.StartsWith("buildings (strict", StringComparison.Ordinal));
        Assert.StartsWith("assumed from elevation", answer.Inputs["groundTemperature"].Source, StringComparison.Ordinal);
        Assert.Equal("given", answer.Inputs["length"].Source);
        // The answer is the G.POT formula at the inputs it reports.
        var p = new GPotParameters { BoreholeLengthMeters = 150, GroundTemperatureCelsius = answer.Inputs["groundTemperature"].Value };
        Assert.Equal(p.PowerWatts(2.0), answer.PowerWatts, 9);
        Assert.Equal(GeothermalCalculator.AssumedLabel, answer.GroundSource);

        var outside = await Assert.ThrowsAsync<GeoInputException>(() => query.AnswerAsync(new BoreholeRequest { Region = "lu", X = 0, Y = 0 }));
        Assert.Contains("outside every commune", outside.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<NotFoundException>(() => query.AnswerAsync(new BoreholeRequest { Region = "atlantis", X = 0, Y = 0 }));
        await Assert.ThrowsAsync<GeoInputException>(() => query.AnswerAsync(new BoreholeRequest { Region = "lu", X = 70_000, Y = 80_000, SeasonDays = 400 }));
    }
}
