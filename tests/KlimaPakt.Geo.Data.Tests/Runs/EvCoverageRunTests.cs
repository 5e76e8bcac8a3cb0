using System.Text.Json;
using KlimaPakt.Geo.Core.Errors;
using KlimaPakt.Geo.Data.Entities;
using KlimaPakt.Geo.Data.Runs;
using KlimaPakt.Geo.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace KlimaPakt.Geo.Data.Tests.Runs;

/// <summary>The run machinery end to end with the EV coverage analysis on the bundled Luxembourg data.</summary>
[Collection(PostGisCollection.Name)]
public sealed class EvCoverageRunTests(BundledDatabaseFixture fixture)
{
    private readonly TestDatabase _db = fixture.Db;
    private RunService Runs => _db.Services.GetRequiredService<RunService>();

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement;

    private async Task<AnalysisRun> RunAsync(string parameters = "{}", IReadOnlyList<string>? communes = null, IProgress<RunProgress>? progress = null,
        CancellationToken ct = default)
    {
        var run = await Runs.CreateAsync(new RunRequest("ev", "lu", communes, Json(parameters)), ct);
        return await Runs.ExecuteAsync(run.Id, progress, ct);
    }

    [Fact]
    public async Task RunEv_Luxembourg_EveryCommuneGetsFiguresAndPopulationIsConserved()
    {
        var run = await RunAsync();
        Assert.Equal(RunStatus.Published, run.Status);
        Assert.Null(run.Error);
        Assert.Contains("compute", run.StageTimingsMs.Keys);
        Assert.Equal(64, run.ResultSha256!.Length);
        Assert.Contains("ev_chargers", run.InputHashes.Keys);
        var id = run.Id;
        Assert.Equal(100L, await _db.ScalarAsync<long>($"SELECT count(*) FROM results.ev_commune_coverage WHERE run_id = '{id}'"));
        // Each commune's distributed population equals its STATEC figure; the country sums to 660,809.
        Assert.Equal(0.0, await _db.ScalarAsync<double>($"""
            SELECT max(abs(e.population - p.population)) FROM results.ev_commune_coverage e
            JOIN commune_populations p ON p.commune_id = e.commune_id AND p.year = 2023 WHERE e.run_id = '{id}'
            """), 6);
        Assert.Equal(660_809, await _db.ScalarAsync<double>($"SELECT sum(population) FROM results.ev_commune_coverage WHERE run_id = '{id}'"), 6);
        Assert.True(await _db.ScalarAsync<bool>($"SELECT bool_and(covered_population <= population + 1e-6 AND covered_pct BETWEEN 0 AND 100) FROM results.ev_commune_coverage WHERE run_id = '{id}'"));
        // 283 records, one pair of duplicates (two nodes 3.6 m apart), of which one lies outside every commune: 281 in communes.
        Assert.Equal(281L, await _db.ScalarAsync<long>($"SELECT sum(chargers) FROM results.ev_commune_coverage WHERE run_id = '{id}'"));
        Assert.Equal(282L, await _db.ScalarAsync<long>($"SELECT count(*) FROM results.ev_service_areas WHERE run_id = '{id}'"));
        // Gaps ranked by uncovered population, 20 sites with non-increasing gains and rising coverage.
        Assert.True(await _db.ScalarAsync<bool>($"""
            SELECT bool_and(ok) FROM (SELECT uncovered_population <= lag(uncovered_population, 1, 'Infinity') OVER (ORDER BY rank) AS ok
            FROM results.ev_gaps WHERE run_id = '{id}') g
            """));
        Assert.Equal(20L, await _db.ScalarAsync<long>($"SELECT count(*) FROM results.ev_sites WHERE run_id = '{id}'"));
        Assert.True(await _db.ScalarAsync<bool>($"""
            SELECT bool_and(ok) FROM (SELECT marginal_population <= lag(marginal_population, 1, 'Infinity') OVER (ORDER BY rank)
                AND covered_pct_after >= lag(covered_pct_after, 1, 0) OVER (ORDER BY rank) AS ok FROM results.ev_sites WHERE run_id = '{id}') s
            """));
        // Per-commune sums equal the region totals: covered share from the commune rows + the sites' gains = the last site's coverage.
        var coveredBeforePct = await _db.ScalarAsync<double>($"SELECT 100 * sum(covered_population) / sum(population) FROM results.ev_commune_coverage WHERE run_id = '{id}'");
        var gainedPct = await _db.ScalarAsync<double>($"SELECT 100 * sum(marginal_population) / 660809 FROM results.ev_sites WHERE run_id = '{id}'");
        var lastPct = await _db.ScalarAsync<double>($"SELECT covered_pct_after FROM results.ev_sites WHERE run_id = '{id}' ORDER BY rank DESC LIMIT 1");
        Assert.Equal(lastPct, coveredBeforePct + gainedPct, 6);
        // Seven figures per commune without a BEV fleet (kW per BEV and the fleet share need one); the additive ones sum to the totals.
        Assert.Equal(7L * 100, await _db.ScalarAsync<long>($"SELECT count(*) FROM results.commune_metrics WHERE run_id = '{id}'"));
        Assert.Equal(281.0, await _db.ScalarAsync<double>($"SELECT sum(value) FROM results.commune_metrics WHERE run_id = '{id}' AND metric = 'ev_chargers'"), 6);
        Assert.Equal(await _db.ScalarAsync<double>($"SELECT sum(power_kw) FROM results.ev_commune_coverage WHERE run_id = '{id}'"),
            await _db.ScalarAsync<double>($"SELECT sum(value) FROM results.commune_metrics WHERE run_id = '{id}' AND metric = 'ev_power_kw'"), 6);
    }

    [Fact]
    public async Task Rerun_SameInputsAndParameters_IdenticalResultHash()
    {
        var first = await RunAsync("""{"radiusMeters": 800, "newSites": 5}""");
        var second = await RunAsync("""{"radiusMeters": 800, "newSites": 5}""");
        var other = await RunAsync("""{"radiusMeters": 900, "newSites": 5}""");
        Assert.Equal(first.ResultSha256, second.ResultSha256);
        Assert.Equal(first.InputHashes, second.InputHashes);
        Assert.NotEqual(first.ResultSha256, other.ResultSha256);
    }

    [Fact]
    public async Task Cancel_DuringCompute_LeavesNothingPublished()
    {
        var runs = Runs;
        var run = await runs.CreateAsync(new RunRequest("ev", "lu"));
        var progress = new CancelOnStage(runs, run.Id, "compute");
        var final = await runs.ExecuteAsync(run.Id, progress);
        Assert.Equal(RunStatus.Cancelled, final.Status);
        Assert.Null(final.PublishedAt);
        foreach (var table in new[] { "ev_commune_coverage", "ev_gaps", "ev_sites", "ev_service_areas", "commune_metrics" })
            Assert.Equal(0L, await _db.ScalarAsync<long>($"SELECT count(*) FROM results.{table} WHERE run_id = '{run.Id}'"));
        Assert.Equal("Cancelled", await _db.ScalarAsync<string>($"SELECT status FROM analysis_runs WHERE id = '{run.Id}'"));
    }

    [Theory]
    [InlineData("""{"radiusMeters": -5}""", "RadiusMeters must be > 0")]
    [InlineData("""{"radiusMeters": 0}""", "RadiusMeters must be > 0")]
    [InlineData("""{"newSites": -1}""", "NewSites must be between 0 and 10000")]
    [InlineData("""{"radius": 500}""", "radius")]
    [InlineData("""[1, 2]""", "JSON object")]
    public async Task Create_BadParameters_ClearErrorAndNoRunCreated(string parameters, string expected)
    {
        var before = await _db.ScalarAsync<long>("SELECT count(*) FROM analysis_runs");
        var error = await Assert.ThrowsAnyAsync<GeoInputException>(() => Runs.CreateAsync(new RunRequest("ev", "lu", null, Json(parameters))));
        Assert.Contains(expected, error.Message + string.Join(" ", error.Details));
        Assert.Equal(before, await _db.ScalarAsync<long>("SELECT count(*) FROM analysis_runs"));
    }

    [Fact]
    public async Task Create_UnknownKindRegionOrCommune_Refused()
    {
        await Assert.ThrowsAsync<NotFoundException>(() => Runs.CreateAsync(new RunRequest("tidal", "lu")));
        await Assert.ThrowsAsync<NotFoundException>(() => Runs.CreateAsync(new RunRequest("ev", "atlantis")));
        var error = await Assert.ThrowsAsync<GeoInputException>(() => Runs.CreateAsync(new RunRequest("ev", "lu", ["0204", "9999"])));
        Assert.Contains("9999", error.Message);
    }

    [Fact]
    public async Task RunEv_TooManySitesForTheCandidates_FailsWithClearErrorAndPublishesNothing()
    {
        var run = await RunAsync("""{"newSites": 5000, "cellSizeMeters": 1000, "radiusMeters": 600}""", ["0204"]);
        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Contains("candidate cells", run.Error);
        Assert.Equal(0L, await _db.ScalarAsync<long>($"SELECT count(*) FROM results.ev_commune_coverage WHERE run_id = '{run.Id}'"));
    }

    [Fact]
    public async Task RunEv_SubsetOfCommunes_OnlyThoseCommunes()
    {
        var run = await RunAsync("""{"newSites": 3}""", ["0204", "0301"]);
        Assert.Equal(RunStatus.Published, run.Status);
        Assert.Equal(2L, await _db.ScalarAsync<long>($"SELECT count(*) FROM results.ev_commune_coverage WHERE run_id = '{run.Id}'"));
    }

    [Fact]
    public async Task RunEv_CommuneWithoutPopulation_FailsNamingTheCommune()
    {
        // Vaduz's figure is taken away for this test (and put back): a run must name the commune it cannot place.
        const string vaduz = "commune_id = (SELECT c.id FROM communes c JOIN regions r ON r.id = c.region_id WHERE r.code = 'li' AND c.code = '7001')";
        var saved = await _db.ScalarAsync<string>($"SELECT string_agg(format('(%s,%s,%s,%L)', commune_id, year, population, source_id), ',') FROM commune_populations WHERE {vaduz}");
        await _db.ExecuteAsync($"DELETE FROM commune_populations WHERE {vaduz}");
        try
        {
            var run = await Runs.ExecuteAsync((await Runs.CreateAsync(new RunRequest("ev", "li"))).Id);
            Assert.Equal(RunStatus.Failed, run.Status);
            Assert.Contains("no population figure", run.Error);
            Assert.Contains("Vaduz", run.Error);
            Assert.DoesNotContain("Schaan", run.Error);
        }
        finally
        {
            await _db.ExecuteAsync($"INSERT INTO commune_populations (commune_id, year, population, source_id) VALUES {saved}");
        }
    }

    [Fact]
    public async Task RunEv_LiechtensteinWithoutChargers_StartsAtZeroAndConservesEachGemeinde()
    {
        // The 2013 OSM extract has no charging station: nobody is covered before new sites; each Gemeinde's residents
        // (Amt für Statistik, 31 Dec 2019) are placed on its buildings, summing to the national 38,749.
        var run = await Runs.ExecuteAsync((await Runs.CreateAsync(new RunRequest("ev", "li", null, Json("""{"newSites": 5}""")))).Id);
        Assert.Equal(RunStatus.Published, run.Status);
        var id = run.Id;
        Assert.Equal(11L, await _db.ScalarAsync<long>($"SELECT count(*) FROM results.ev_commune_coverage WHERE run_id = '{id}'"));
        Assert.Equal(38749.0, await _db.ScalarAsync<double>($"SELECT round(sum(population)::numeric, 6)::float8 FROM results.ev_commune_coverage WHERE run_id = '{id}'"));
        Assert.Equal(5696.0, await _db.ScalarAsync<double>($"SELECT round(population::numeric, 6)::float8 FROM results.ev_commune_coverage WHERE run_id = '{id}' AND code = '7001'"));
        Assert.Equal(0.0, await _db.ScalarAsync<double>($"SELECT max(covered_pct) FROM results.ev_commune_coverage WHERE run_id = '{id}'"));
        var after = await _db.ScalarAsync<double>($"SELECT max(covered_pct_after) FROM results.ev_sites WHERE run_id = '{id}'");
        Assert.InRange(after, 1.0, 100.0);
    }

    [Fact]
    public async Task FailInterrupted_RunOfAStoppedProcess_MarkedFailed_QueuedRunsKept()
    {
        // A second "process": its own RunService (its own lease) on the same database.
        var queued = await Runs.CreateAsync(new RunRequest("ev", "lu", ["0204"]));
        Guid heldId;
        await using (var other = new ServiceCollection().AddGeoData(_db.ConnectionString).BuildServiceProvider())
        {
            var theirs = other.GetRequiredService<RunService>();
            heldId = (await theirs.CreateHeldAsync(new RunRequest("ev", "lu", ["0204"]))).Id;
            // While that process lives, its run is its own.
            await Runs.FailInterruptedAsync();
            Assert.Equal(RunStatus.Queued, (await Runs.GetAsync(heldId))!.Status);
        } // the process stops: its session, and with it its lock, is gone
        Assert.True(await Runs.FailInterruptedAsync() >= 1);
        var after = await Runs.GetAsync(heldId);
        Assert.Equal(RunStatus.Failed, after!.Status);
        Assert.Contains("interrupted", after.Error);
        await Assert.ThrowsAsync<GeoInputException>(() => Runs.ExecuteAsync(heldId));
        // A run still waiting in the queue waits on for any worker.
        Assert.Equal(RunStatus.Queued, (await Runs.GetAsync(queued.Id))!.Status);
        await Runs.CancelAsync(queued.Id);
    }
}
