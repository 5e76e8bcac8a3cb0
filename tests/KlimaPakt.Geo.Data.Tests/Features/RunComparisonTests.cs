using System.Text.Json;
using KlimaPakt.Geo.Core.Errors;
using KlimaPakt.Geo.Data.Entities;
using KlimaPakt.Geo.Data.Features;
using KlimaPakt.Geo.Data.Runs;
using KlimaPakt.Geo.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace KlimaPakt.Geo.Data.Tests.Features;

/// <summary>Scenario comparison of real EV runs (two service distances) and a wind run, against the stored commune rows.</summary>
[Collection(PostGisCollection.Name)]
public sealed class RunComparisonTests(BundledDatabaseFixture fixture)
{
    private readonly TestDatabase _db = fixture.Db;
    private RunService Runs => _db.Services.GetRequiredService<RunService>();
    private RunComparison Comparison => _db.Services.GetRequiredService<RunComparison>();

    private async Task<Guid> RunAsync(string kind, string parameters, string[] communes)
    {
        var run = await Runs.CreateAsync(new RunRequest(kind, "lu", communes, JsonDocument.Parse(parameters).RootElement));
        run = await Runs.ExecuteAsync(run.Id);
        Assert.Equal(RunStatus.Published, run.Status);
        return run.Id;
    }

    [Fact]
    public async Task Compare_RunWithItself_AllZeros_OtherRadius_DifferencesOfStoredRows()
    {
        var a = await RunAsync("ev", """{"radiusMeters": 500, "newSites": 2}""", ["0204", "0205", "0211"]);
        var self = await Comparison.CompareAsync(a, a);
        Assert.Equal(3, self.Communes.Count);
        // Every figure of the run appears once per commune, with B − A = 0.
        Assert.Equal(await _db.ScalarAsync<long>($"SELECT count(*) FROM results.commune_metrics WHERE run_id = '{a}'"), self.Communes.Sum(c => c.Figures.Count(f => f.A is not null)));
        Assert.All(self.Communes.SelectMany(c => c.Figures), f => Assert.Equal(0.0, f.Difference));
        Assert.All(self.Totals, t => Assert.Equal(0.0, t.Difference));

        var b = await RunAsync("ev", """{"radiusMeters": 1500, "newSites": 2}""", ["0204", "0205", "0211"]);
        var diff = await Comparison.CompareAsync(a, b);
        var esch = diff.Communes.Single(c => c.Code == "0204").Figures.Single(f => f.Metric == "ev_covered_population");
        var stored = $"SELECT m.value FROM results.commune_metrics m JOIN communes c ON c.id = m.commune_id WHERE c.code = '0204' AND m.metric = 'ev_covered_population' AND m.run_id = ";
        Assert.Equal(await _db.ScalarAsync<double>(stored + $"'{b}'") - await _db.ScalarAsync<double>(stored + $"'{a}'"), esch.Difference!.Value, 9);
        // A wider service distance covers at least as many residents.
        Assert.True(esch.Difference >= 0);
        var total = diff.Totals.Single(t => t.Metric == "ev_covered_population");
        Assert.Equal(await _db.ScalarAsync<double>($"SELECT sum(value) FROM results.commune_metrics WHERE run_id = '{b}' AND metric = 'ev_covered_population'"), total.B!.Value, 6);
        // CSV: one line per commune and figure after the header.
        Assert.Equal(1 + diff.Communes.Sum(c => c.Figures.Count), diff.ToCsv().Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task Compare_DifferentKindsOrUnknownRun_ClearErrors()
    {
        var ev = await RunAsync("ev", "{}", ["0609"]);
        var wind = await RunAsync("wind", """{"cellSizeMeters": 100, "outputCellSizeMeters": 200}""", ["0609"]);
        var e = await Assert.ThrowsAsync<GeoInputException>(() => Comparison.CompareAsync(ev, wind));
        Assert.Equal(400, e.StatusCode);
        Assert.Contains("one kind", e.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<NotFoundException>(() => Comparison.CompareAsync(ev, Guid.NewGuid()));
    }
}
