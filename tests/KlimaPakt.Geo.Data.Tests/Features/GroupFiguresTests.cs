using System.Text.Json;
using KlimaPakt.Geo.Core.Errors;
using KlimaPakt.Geo.Data.Analyses;
using KlimaPakt.Geo.Data.Entities;
using KlimaPakt.Geo.Data.Features;
using KlimaPakt.Geo.Data.Runs;
using KlimaPakt.Geo.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace KlimaPakt.Geo.Data.Tests.Features;

/// <summary>
/// Group aggregates and the indicator table against a real published EV run (all of Luxembourg) and wind run (the five
/// Nordstad communes): every group figure is compared with SQL over <c>results.commune_metrics</c> of those runs.
/// </summary>
[Collection(PostGisCollection.Name)]
public sealed class GroupFiguresTests(BundledDatabaseFixture fixture)
{
    private readonly TestDatabase _db = fixture.Db;
    private RunService Runs => _db.Services.GetRequiredService<RunService>();
    private GroupFigures Groups => _db.Services.GetRequiredService<GroupFigures>();

    private async Task<(Guid Ev, Guid Wind)> PublishAsync()
    {
        var ev = await Runs.CreateAsync(new RunRequest("ev", "lu", null, JsonDocument.Parse("{}").RootElement));
        ev = await Runs.ExecuteAsync(ev.Id);
        var wind = await Runs.CreateAsync(new RunRequest("wind", "lu", ["0601", "0603", "0604", "0605", "0609"],
            JsonDocument.Parse("""{"cellSizeMeters": 100, "outputCellSizeMeters": 200}""").RootElement));
        wind = await Runs.ExecuteAsync(wind.Id);
        Assert.Equal(RunStatus.Published, ev.Status);
        Assert.Equal(RunStatus.Published, wind.Status);
        return (ev.Id, wind.Id);
    }

    /// <summary>The members of a group, as SQL over the stored tables (not through the service).</summary>
    private static string Members(string kind, string code) => kind == "canton"
        ? $"SELECT id FROM communes WHERE canton = '{code}'"
        : $"SELECT m.commune_id FROM commune_group_members m JOIN commune_groups g ON g.id = m.group_id WHERE g.kind = '{kind}' AND g.code = '{code}'";

    private Task<double> SumAsync(Guid run, string metric, string kind, string code) => _db.ScalarAsync<double>(
        $"SELECT coalesce(sum(value), 0) FROM results.commune_metrics WHERE run_id = '{run}' AND metric = '{metric}' AND commune_id IN ({Members(kind, code)})");

    [Fact]
    public async Task GroupFigures_EqualSumsOfMembersAndRatiosOfSums()
    {
        var (ev, wind) = await PublishAsync();
        foreach (var (kind, code) in new[] { ("space", "nordstad"), ("canton", "Diekirch"), ("district", "luxembourg"), ("space", "naturpark-our") })
        {
            var group = await Groups.GetAsync("lu", kind, code, default);
            var population = await _db.ScalarAsync<double>($"""
                SELECT sum((SELECT population FROM commune_populations p WHERE p.commune_id = c.id ORDER BY year DESC LIMIT 1))
                FROM communes c WHERE c.id IN ({Members(kind, code)})
                """);
            Assert.Equal(population, group.Population, 6);
            // Every EV figure the run stored is there, from the EV run.
            foreach (var figure in EvCoverageAnalysis.Definition.Figures.Where(f => f.Metric is not ("ev_bevs" or "ev_kw_per_bev")))
            {
                var value = Assert.Single(group.Figures, f => f.Metric == figure.Metric);
                Assert.Equal(ev, value.RunId);
                var expected = figure.Aggregation == FigureAggregation.Sum
                    ? await SumAsync(ev, figure.Metric, kind, code)
                    : figure.Scale * await SumAsync(ev, figure.Numerator!, kind, code) / population; // every EV ratio here is per resident
                Assert.Equal(expected, value.Value, 9);
            }
            // The recomputed share is not the average of the communes' shares (the thing it must never be).
            var mean = await _db.ScalarAsync<double>($"SELECT avg(value) FROM results.commune_metrics WHERE run_id = '{ev}' AND metric = 'ev_covered_pct' AND commune_id IN ({Members(kind, code)})");
            Assert.NotEqual(mean, group.Figures.Single(f => f.Metric == "ev_covered_pct").Value, 6);
        }

        // Wind ran on the five Nordstad communes: the space has every wind figure, its share is Σ eligible / Σ grid.
        var nordstad = await Groups.GetAsync("lu", "space", "nordstad", default);
        foreach (var metric in new[] { "wind_eligible_km2", "wind_grid_km2", "wind_turbines", "wind_capacity_mw", "wind_net_gwh" })
            Assert.Equal(await SumAsync(wind, metric, "space", "nordstad"), nordstad.Figures.Single(f => f.Metric == metric).Value, 9);
        var share = nordstad.Figures.Single(f => f.Metric == "wind_eligible_pct");
        Assert.Equal(wind, share.RunId);
        Assert.Equal(5, share.Communes);
        Assert.Equal(100 * await SumAsync(wind, "wind_eligible_km2", "space", "nordstad") / await SumAsync(wind, "wind_grid_km2", "space", "nordstad"), share.Value, 9);
        // The five are all in the canton of Diekirch (the CANTON attribute of the communes file); the canton of Clervaux has
        // none of them: no wind figure at all there.
        Assert.Equal(5, (await Groups.GetAsync("lu", "canton", "Diekirch", default)).Figures.Single(f => f.Metric == "wind_net_gwh").Communes);
        Assert.DoesNotContain((await Groups.GetAsync("lu", "canton", "Clervaux", default)).Figures, f => f.Kind == "wind");

        // The indicator table: commune rows are the stored commune_metrics rows; canton rows are the group figures.
        var communes = await Groups.IndicatorsAsync("lu", "commune", default);
        Assert.Equal(100, communes.Rows.Count);
        Assert.Equal(ev, communes.Runs["ev"]);
        Assert.Equal(wind, communes.Runs["wind"]);
        var stored = await _db.ScalarAsync<long>($"SELECT count(*) FROM results.commune_metrics WHERE run_id IN ('{ev}', '{wind}')");
        Assert.Equal(stored, communes.Rows.Sum(r => r.Values.Count(v => v.Key.StartsWith("ev_", StringComparison.Ordinal) || v.Key.StartsWith("wind_", StringComparison.Ordinal) ? v.Value is not null : false)));
        var esch = communes.Rows.Single(r => r.Code == "0204");
        Assert.Equal(await _db.ScalarAsync<double>($"SELECT value FROM results.commune_metrics m JOIN communes c ON c.id = m.commune_id WHERE run_id = '{ev}' AND metric = 'ev_covered_pct' AND c.code = '0204'"),
            esch.Values["ev_covered_pct"]);
        Assert.Null(esch.Values["wind_net_gwh"]);
        var cantons = await Groups.IndicatorsAsync("lu", "canton", default);
        Assert.Equal(12, cantons.Rows.Count);
        Assert.Equal(100, cantons.Rows.Sum(r => r.Communes));
        // The cantons' residents add up to the country's (STATEC 2023: 660,809).
        Assert.Equal(660_809, cantons.Rows.Sum(r => r.Values["population"]!.Value), 6);
        var diekirch = cantons.Rows.Single(r => r.Code == "Diekirch");
        Assert.Equal((await Groups.GetAsync("lu", "canton", "Diekirch", default)).Figures.Single(f => f.Metric == "ev_chargers_per_1000").Value,
            diekirch.Values["ev_chargers_per_1000"]);
        // CSV: a header with every column and the run ids, one line per canton.
        var csv = cantons.ToCsv().Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(13, csv.Length);
        Assert.StartsWith("unit,code,name,communes,population,area_km2,ev_covered_population,", csv[0], StringComparison.Ordinal);
        Assert.EndsWith("run_ev,run_wind", csv[0], StringComparison.Ordinal);
        Assert.EndsWith($",{ev},{wind}", csv[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_UnknownGroupOrUnit_IsAClearError()
    {
        await Assert.ThrowsAsync<NotFoundException>(() => Groups.GetAsync("lu", "space", "atlantis", default));
        await Assert.ThrowsAsync<NotFoundException>(() => Groups.GetAsync("zz", "space", "nordstad", default));
        var e = await Assert.ThrowsAsync<GeoInputException>(() => Groups.IndicatorsAsync("lu", "parish", default));
        Assert.Contains("canton", e.Message, StringComparison.Ordinal);
    }
}
