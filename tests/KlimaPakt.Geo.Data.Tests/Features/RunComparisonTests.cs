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
    public async Task Compare_WindPresets_AreasGainedAndLostFromTheDissolvedLayers_SelfHasNone()
    {
        const string coarse = "\"cellSizeMeters\": 100, \"outputCellSizeMeters\": 200";
        string[] communes = ["0601", "0603", "0609"];
        var strict = await RunAsync("wind", "{" + coarse + "}", communes);
        var legal = await RunAsync("wind", "{" + coarse + ", \"preset\": \"luxembourg-legal-minimum\"}", communes);

        // A run with itself: no area gained or lost, an empty difference layer, a summary that says so.
        var self = await Comparison.CompareAsync(strict, strict);
        Assert.NotNull(self.Areas);
        Assert.Equal("wind_potential", self.Areas.Layer);
        Assert.Equal((0.0, 0.0), (self.Areas.GainedKm2, self.Areas.LostKm2));
        Assert.Empty(self.Areas.Communes);
        Assert.Equal(self.Areas.AreaAKm2, self.Areas.AreaBKm2);
        Assert.Contains("nothing changes", self.Summary, StringComparison.Ordinal);
        using (var empty = JsonDocument.Parse(await Comparison.DifferenceGeoJsonAsync(strict, strict)))
            Assert.Equal(0, empty.RootElement.GetProperty("features").GetArrayLength());

        // The legal minimum excludes less: B − A of the dissolved areas is gained − lost, and equals the change of the
        // layer's summed polygon areas inside the three communes (its polygons do not overlap within a run; the 200 m
        // cells along the border reach past it), from SQL over the stored rows.
        var diff = await Comparison.CompareAsync(strict, legal);
        var areas = diff.Areas!;
        string Area(Guid run) => $"""
            SELECT coalesce(sum(ST_Area(ST_Intersection(w.geom, s.g))), 0) / 1e6
            FROM results.wind_potential w, (SELECT ST_Union(geom) AS g FROM communes WHERE code IN ('0601', '0603', '0609')) s
            WHERE w.run_id = '{run}'
            """;
        double a = await _db.ScalarAsync<double>(Area(strict)), b = await _db.ScalarAsync<double>(Area(legal));
        Assert.Equal(a, areas.AreaAKm2, 3);
        Assert.Equal(b, areas.AreaBKm2, 3);
        Assert.Equal(b - a, areas.GainedKm2 - areas.LostKm2, 3);
        Assert.True(areas.GainedKm2 > 0, $"the legal minimum gains area ({areas.GainedKm2} km²)");
        // The communes' shares add up to the totals.
        Assert.Equal(areas.GainedKm2, areas.Communes.Sum(c => c.GainedKm2), 3);
        Assert.Equal(areas.LostKm2, areas.Communes.Sum(c => c.LostKm2), 3);
        Assert.All(areas.Communes, c => Assert.Contains(c.Code, communes));
        Assert.Contains($"{areas.GainedKm2.ToString("F2", System.Globalization.CultureInfo.InvariantCulture)} km² gained", diff.Summary, StringComparison.Ordinal);
        Assert.Contains("Wind energy: ", diff.Summary, StringComparison.Ordinal);

        // The difference layer: a gained feature (and a lost one when there is loss) with their areas, in CRS84.
        using var layer = JsonDocument.Parse(await Comparison.DifferenceGeoJsonAsync(strict, legal));
        var features = layer.RootElement.GetProperty("features").EnumerateArray().ToList();
        var gained = features.Single(f => f.GetProperty("properties").GetProperty("change").GetString() == "gained");
        Assert.Equal(areas.GainedKm2, gained.GetProperty("properties").GetProperty("area_km2").GetDouble(), 5);
        Assert.Equal(areas.LostKm2 > 0 ? 2 : 1, features.Count);
        var lon = gained.GetProperty("geometry").GetProperty("coordinates")[0][0][0][0].GetDouble();
        Assert.InRange(lon, 5.7, 6.6);
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
