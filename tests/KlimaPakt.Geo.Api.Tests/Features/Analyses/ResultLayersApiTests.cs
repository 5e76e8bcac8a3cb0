using System.Net;
using System.Text.Json;
using KlimaPakt.Geo.Data.Analyses;
using Microsoft.Extensions.DependencyInjection;
using NetTopologySuite.IO.VectorTiles.Mapbox;
using TileDefinition = NetTopologySuite.IO.VectorTiles.Tiles.Tile;

namespace KlimaPakt.Geo.Api.Tests.Features.Analyses;

/// <summary>
/// Every published layer of every analysis, against real runs (EV over Luxembourg, wind over Liechtenstein, executed
/// by the fixture): as GeoJSON and as a vector tile where its first feature lies — non-empty, with exactly the fields
/// its description publishes — and with its style in <c>/catalog</c>.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ResultLayersApiTests(ApiFixture fixture)
{
    public static TheoryData<string> Layers()
    {
        var data = new TheoryData<string>();
        foreach (var layer in AnalysisServices.Descriptions.SelectMany(d => d.Layers)) data.Add(layer.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(Layers))]
    public async Task ResultLayer_OfARealRun_GeoJsonAndTileCarryTheDescribedFields(string name)
    {
        await fixture.RunAnalysesAsync();
        var layer = AnalysisServices.Descriptions.SelectMany(d => d.Layers).Single(l => l.Name == name);
        var client = fixture.Client();
        using var items = JsonDocument.Parse(await client.GetStringAsync($"/collections/{name}/items?limit=10"));
        var features = items.RootElement.GetProperty("features").EnumerateArray().ToList();
        Assert.NotEmpty(features);
        // GeoJSON adds the run and the region code to a run's features.
        foreach (var f in features)
            Assert.Equal(layer.Fields.Select(x => x.Name).Append("region").Append("run_id").Order(), f.GetProperty("properties").EnumerateObject().Select(p => p.Name).Order());

        // The tile at z11 that holds the first feature's first vertex has the layer with features and only described attributes
        // (a report row may have no geometry: a rule with no data in the region).
        var (lon, lat) = FirstVertex(features.First(f => f.GetProperty("geometry").ValueKind == JsonValueKind.Object).GetProperty("geometry"));
        const int z = 11;
        int x = (int)Math.Floor((lon + 180) / 360 * (1 << z));
        int y = (int)Math.Floor((1 - Math.Log(Math.Tan(lat * Math.PI / 180) + 1 / Math.Cos(lat * Math.PI / 180)) / Math.PI) / 2 * (1 << z));
        using var response = await client.GetAsync($"/tiles/{name}/{z}/{x}/{y}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var tile = new MapboxTileReader().Read(new MemoryStream(await response.Content.ReadAsByteArrayAsync()), new TileDefinition(x, y, z));
        var tileLayer = Assert.Single(tile.Layers);
        Assert.Equal(name, tileLayer.Name);
        Assert.NotEmpty(tileLayer.Features);
        var described = layer.Fields.Select(f => f.Name).ToHashSet();
        Assert.All(tileLayer.Features, f => Assert.Subset(described, f.Attributes.GetNames().ToHashSet()));
    }

    [Fact]
    public async Task Catalog_ResultLayers_StyleFromTheirDescriptionAndClassesFromTheData()
    {
        await fixture.RunAnalysesAsync();
        using var catalog = JsonDocument.Parse(await fixture.Client().GetStringAsync("/catalog"));
        var tiles = catalog.RootElement.GetProperty("tiles");
        // The wind potential map: one class per score class the run produced (the fixture's run: 5 classes of 0.2).
        var potential = tiles.GetProperty("wind_potential").GetProperty("style");
        Assert.Equal("classes", potential.GetProperty("kind").GetString());
        var classes = potential.GetProperty("classes").EnumerateArray().ToList();
        var expected = await fixture.ScalarAsync<long>("""
            SELECT count(DISTINCT class) FROM results.wind_potential
            WHERE run_id = (SELECT id FROM analysis_runs WHERE kind = 'wind' AND status = 'Published' ORDER BY published_at DESC LIMIT 1)
            """);
        Assert.True(expected > 0);
        Assert.Equal(expected, classes.Count);
        Assert.All(classes, c => Assert.Matches("^#[0-9a-f]{6}$", c.GetProperty("colour").GetString()));
        Assert.Equal(classes.Count, classes.Select(c => c.GetProperty("colour").GetString()).Distinct().Count());
        // EV coverage is graduated in percent: the unit comes from the column's description.
        var coverage = tiles.GetProperty("ev_coverage").GetProperty("style");
        Assert.Equal("%", coverage.GetProperty("unit").GetString());
        Assert.Contains("(%)", coverage.GetProperty("legend").GetString());
        // Single-colour layers all get distinct colours.
        var singles = tiles.EnumerateObject().Select(t => t.Value.GetProperty("style")).Where(s => s.GetProperty("kind").GetString() == "single")
            .Select(s => s.GetProperty("colour").GetString()).ToList();
        Assert.True(singles.Count >= 10);
        Assert.Equal(singles.Count, singles.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        // Figures come with their unit and how they aggregate over groups of communes.
        var ev = catalog.RootElement.GetProperty("analyses").EnumerateArray().Single(a => a.GetProperty("kind").GetString() == "ev");
        var pct = ev.GetProperty("figures").EnumerateArray().Single(f => f.GetProperty("metric").GetString() == "ev_covered_pct");
        Assert.Equal(("%", "ratio", "ev_covered_population", "population"), (pct.GetProperty("unit").GetString(), pct.GetProperty("aggregation").GetString(),
            pct.GetProperty("numerator").GetString(), pct.GetProperty("denominator").GetString()));
    }

    [Fact]
    public async Task Catalog_ConnectivityClasses_NamedWithTheirBoundsAndAnOpenTopClass()
    {
        await fixture.RunAnalysesAsync(); // connectivity over Liechtenstein, default class breaks 0.7, 1.3, 2.0
        using var catalog = JsonDocument.Parse(await fixture.Client().GetStringAsync("/catalog"));
        var classes = catalog.RootElement.GetProperty("tiles").GetProperty("connectivity_current").GetProperty("style").GetProperty("classes")
            .EnumerateArray().ToDictionary(c => (int)c.GetProperty("value").GetDouble(), c => c.GetProperty("label").GetString());
        // The labels by hand from the default breaks (class 1 starts at 0).
        var expected = new Dictionary<int, string>
        {
            [1] = "1 impeded: 0–0.7",
            [2] = "2 diffuse: 0.7–1.3",
            [3] = "3 intensified: 1.3–2",
            [4] = "4 channelised: ≥ 2",
        };
        Assert.True(classes.Count >= 3, $"Liechtenstein's run has {classes.Count} classes");
        Assert.All(classes, c => Assert.Equal(expected[c.Key], c.Value));
    }

    [Fact]
    public async Task ResultLayers_RunsInTwoRegions_EachRegionServesItsLatestRun()
    {
        await fixture.RunAnalysesAsync(); // wind over Liechtenstein
        var runs = fixture.Factory.Services.GetRequiredService<KlimaPakt.Geo.Data.Runs.RunService>();
        var lu = await runs.CreateHeldAsync(new("wind", "lu", ["0204"], JsonDocument.Parse("""{"cellSizeMeters": 100, "outputCellSizeMeters": 200}""").RootElement));
        Assert.Equal(KlimaPakt.Geo.Data.Entities.RunStatus.Published, (await runs.ExecuteAsync(lu.Id)).Status);
        // The later Luxembourg run does not hide Liechtenstein's, nor the reverse: GeoJSON, tiles and commune figures.
        var client = fixture.Client();
        using var items = JsonDocument.Parse(await client.GetStringAsync("/collections/wind_communes/items?limit=100"));
        var regions = items.RootElement.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("properties").GetProperty("region").GetString()).ToList();
        Assert.Equal(1, regions.Count(r => r == "lu"));
        Assert.Equal(11, regions.Count(r => r == "li"));
        using var vaduz = await client.GetAsync("/tiles/wind_communes/11/1078/719");
        Assert.Equal(HttpStatusCode.OK, vaduz.StatusCode);
        using var figures = JsonDocument.Parse(await client.GetStringAsync("/regions/lu/communes/0204"));
        Assert.Contains(figures.RootElement.GetProperty("metrics").EnumerateArray(), m => m.GetProperty("kind").GetString() == "wind");
        using var vaduzFigures = JsonDocument.Parse(await client.GetStringAsync("/regions/li/communes/7001"));
        Assert.Contains(vaduzFigures.RootElement.GetProperty("metrics").EnumerateArray(), m => m.GetProperty("kind").GetString() == "wind");
    }

    private static (double Lon, double Lat) FirstVertex(JsonElement geometry)
    {
        var c = geometry.GetProperty("coordinates");
        while (c[0].ValueKind == JsonValueKind.Array) c = c[0];
        return (c[0].GetDouble(), c[1].GetDouble());
    }
}
