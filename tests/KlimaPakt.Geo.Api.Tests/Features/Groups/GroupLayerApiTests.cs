using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KlimaPakt.Geo.Data.Features;
using KlimaPakt.Geo.Data.Reports;
using NetTopologySuite.IO.VectorTiles.Mapbox;
using TileDefinition = NetTopologySuite.IO.VectorTiles.Tiles.Tile;

namespace KlimaPakt.Geo.Api.Tests.Features.Groups;

/// <summary>
/// The group figures layer (OGC API collection and vector tiles) after the fixture's real runs: every served figure
/// against SQL over the members' stored <c>results.commune_metrics</c>, the outline against the members' boundaries.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class GroupLayerApiTests(ApiFixture fixture)
{
    private readonly HttpClient _client = fixture.Client();

    private static string Members(string kind, string code) => kind == "canton"
        ? $"SELECT id FROM communes WHERE canton = '{code}'"
        : $"SELECT m.commune_id FROM commune_group_members m JOIN commune_groups g ON g.id = m.group_id WHERE g.kind = '{kind}' AND g.code = '{code}'";

    /// <summary>Σ of a metric over a group's members in the latest published Luxembourg run that has the metric.</summary>
    private Task<double> SumAsync(string metric, string kind, string code) => fixture.ScalarAsync<double>($"""
        SELECT coalesce(sum(m.value), 0) FROM results.commune_metrics m
        WHERE m.metric = '{metric}' AND m.commune_id IN ({Members(kind, code)})
          AND m.run_id = (SELECT r.id FROM analysis_runs r
                          WHERE r.status = 'Published' AND r.region_id = (SELECT id FROM regions WHERE code = 'lu')
                            AND EXISTS (SELECT 1 FROM results.commune_metrics x WHERE x.run_id = r.id AND x.metric = '{metric}')
                          ORDER BY r.published_at DESC LIMIT 1)
        """);

    [Theory]
    [InlineData("space", "nordstad")]
    [InlineData("canton", "Esch-sur-Alzette")]
    [InlineData("district", "diekirch")]
    public async Task Collection_GroupFeature_SumsOfMembersAndRatiosOfSums(string kind, string code)
    {
        await fixture.RunAnalysesAsync();
        var items = await _client.GetFromJsonAsync<JsonElement>($"/collections/{GroupLayer.Name}/items?kind={kind}&code={Uri.EscapeDataString(code)}");
        var feature = Assert.Single(items.GetProperty("features").EnumerateArray());
        var p = feature.GetProperty("properties");
        double Value(string name) => p.GetProperty(name).GetDouble();

        var population = await fixture.ScalarAsync<double>($"""
            SELECT sum((SELECT population FROM commune_populations p WHERE p.commune_id = c.id ORDER BY year DESC LIMIT 1))
            FROM communes c WHERE c.id IN ({Members(kind, code)})
            """);
        Assert.Equal(population, Value("population"), 6);
        Assert.Equal(await fixture.ScalarAsync<long>($"SELECT count(*) FROM ({Members(kind, code)}) x"), p.GetProperty("communes").GetInt64());
        // Additive figures: the sums of the members' stored figures.
        foreach (var metric in new[] { "ev_covered_population", "ev_chargers", "geothermal_supply_gwh", "heat_demand_gwh" })
            Assert.Equal(await SumAsync(metric, kind, code), Value(metric), 6);
        // Ratios: recomputed from the sums, not averaged.
        Assert.Equal(100 * await SumAsync("ev_covered_population", kind, code) / population, Value("ev_covered_pct"), 6);
        Assert.Equal(100 * await SumAsync("geothermal_supply_gwh", kind, code) / await SumAsync("heat_demand_gwh", kind, code),
            Value("geothermal_coverage_pct"), 6);
        var mean = await fixture.ScalarAsync<double>($"""
            SELECT avg(value) FROM results.commune_metrics WHERE metric = 'ev_covered_pct' AND commune_id IN ({Members(kind, code)})
              AND run_id = '{p.GetProperty("run_ev").GetString()}'
            """);
        Assert.NotEqual(mean, Value("ev_covered_pct"), 6);
        // The figures are those of the group API (one computation).
        var group = await _client.GetFromJsonAsync<JsonElement>($"/regions/lu/groups/{kind}/{Uri.EscapeDataString(code)}");
        foreach (var f in group.GetProperty("figures").EnumerateArray())
            Assert.Equal(f.GetProperty("value").GetDouble(), Value(f.GetProperty("metric").GetString()!), 9);

        // The outline is the union of the members: its area is the sum of theirs (communes do not overlap).
        var dissolved = await fixture.ScalarAsync<double>($"SELECT ST_Area(geom) FROM results.group_figures WHERE kind = '{kind}' AND code = '{code}'");
        var members = await fixture.ScalarAsync<double>($"SELECT sum(ST_Area(geom)) FROM communes WHERE id IN ({Members(kind, code)})");
        Assert.Equal(members, dissolved, members * 1e-6);
        Assert.Equal(members / 1e6, Value("area_km2"), 3);
    }

    [Fact]
    public async Task Tile_Nordstad_HasTheGroupWithItsFigures()
    {
        await fixture.RunAnalysesAsync();
        var centre = await fixture.ScalarAsync<string>(
            $"SELECT ST_X(c) || ' ' || ST_Y(c) FROM (SELECT ST_Transform(ST_PointOnSurface(geom), 4326) AS c FROM results.group_figures WHERE code = 'nordstad') x");
        var lonLat = centre.Split(' ').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        var (x, y) = ReportService.TileOf(lonLat[0], lonLat[1], 10);
        using var response = await _client.GetAsync($"/tiles/{GroupLayer.Name}/10/{x}/{y}.pbf");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var tile = new MapboxTileReader().Read(new MemoryStream(await response.Content.ReadAsByteArrayAsync()), new TileDefinition(x, y, 10));
        var nordstad = Assert.Single(Assert.Single(tile.Layers).Features, f => (string)f.Attributes["code"] == "nordstad");
        Assert.Equal("space", nordstad.Attributes["kind"]);
        Assert.Equal(await SumAsync("ev_covered_population", "space", "nordstad"), Convert.ToDouble(nordstad.Attributes["ev_covered_population"], CultureInfo.InvariantCulture), 6);
        // The catalogue names the layer for the map's switch.
        var catalog = await _client.GetFromJsonAsync<JsonElement>("/catalog");
        Assert.Equal(GroupLayer.Name, catalog.GetProperty("groups_layer").GetString());
    }

    /// <summary>Latest published run of <paramref name="kind"/> in Luxembourg.</summary>
    private Task<Guid> LatestLuRunAsync(string kind) => fixture.ScalarAsync<Guid>($"""
        SELECT id FROM analysis_runs WHERE kind = '{kind}' AND status = 'Published' AND region_id = (SELECT id FROM regions WHERE code = 'lu')
        ORDER BY published_at DESC LIMIT 1
        """);

    [Theory]
    [InlineData("ev", "ev_covered_pct", "ev_covered_population", "geothermal_supply_gwh")]
    [InlineData("geothermal", "geothermal_coverage_pct", "heat_demand_gwh", "ev_chargers")]
    public async Task AnalysisLayer_Nordstad_ThatAnalysisFiguresOnly_AsCollectionAndTile(string kind, string styled, string additive, string other)
    {
        await fixture.RunAnalysesAsync();
        var name = GroupLayer.NameOf(kind);
        var catalog = await _client.GetFromJsonAsync<JsonElement>("/catalog");
        Assert.Equal(name, catalog.GetProperty("group_layers").GetProperty(kind).GetString());
        var info = catalog.GetProperty("tiles").GetProperty(name);
        Assert.Equal(kind, info.GetProperty("run_kind").GetString());
        // Coloured like the analysis's commune layer, by the group's value of the same figure.
        Assert.Equal("graduated", info.GetProperty("style").GetProperty("kind").GetString());
        Assert.Equal(styled, info.GetProperty("style").GetProperty("field").GetString());
        var fields = info.GetProperty("fields").EnumerateArray().Select(f => f.GetProperty("name").GetString()).ToList();
        Assert.Contains(additive, fields);
        Assert.DoesNotContain(other, fields);

        // The collection: one feature per group, the figures of the group API, from the latest run of that kind.
        var items = await _client.GetFromJsonAsync<JsonElement>($"/collections/{name}/items?kind=space&code=nordstad");
        var p = Assert.Single(items.GetProperty("features").EnumerateArray()).GetProperty("properties");
        var run = await LatestLuRunAsync(kind);
        Assert.Equal(run.ToString(), p.GetProperty("run_" + kind).GetString());
        Assert.False(p.TryGetProperty(other, out _));
        Assert.Equal(await SumAsync(additive, "space", "nordstad"), p.GetProperty(additive).GetDouble(), 6);
        var group = await _client.GetFromJsonAsync<JsonElement>("/regions/lu/groups/space/nordstad");
        var figures = group.GetProperty("figures").EnumerateArray().Where(f => f.GetProperty("kind").GetString() == kind).ToList();
        Assert.NotEmpty(figures);
        foreach (var f in figures) Assert.Equal(f.GetProperty("value").GetDouble(), p.GetProperty(f.GetProperty("metric").GetString()!).GetDouble(), 9);
        // Every group with a run of the kind is in it (cantons, districts and cooperation spaces alike), no other.
        var all = await _client.GetFromJsonAsync<JsonElement>($"/collections/{name}/items?limit=1000");
        var expected = await fixture.ScalarAsync<long>($"SELECT count(*) FROM results.group_figures WHERE runs ? '{kind}'");
        Assert.True(expected > 10);
        Assert.Equal(expected, all.GetProperty("features").GetArrayLength());

        // The tile at zoom 10 over Nordstad carries the group with the same figure.
        var centre = await fixture.ScalarAsync<string>(
            $"SELECT ST_X(c) || ' ' || ST_Y(c) FROM (SELECT ST_Transform(ST_PointOnSurface(geom), 4326) AS c FROM results.group_figures WHERE code = 'nordstad') x");
        var lonLat = centre.Split(' ').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        var (x, y) = ReportService.TileOf(lonLat[0], lonLat[1], 10);
        using var response = await _client.GetAsync($"/tiles/{name}/10/{x}/{y}.pbf");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var tile = new MapboxTileReader().Read(new MemoryStream(await response.Content.ReadAsByteArrayAsync()), new TileDefinition(x, y, 10));
        var nordstad = Assert.Single(Assert.Single(tile.Layers, l => l.Name == name).Features, f => (string)f.Attributes["code"] == "nordstad");
        Assert.Equal(p.GetProperty(styled).GetDouble(), Convert.ToDouble(nordstad.Attributes[styled], CultureInfo.InvariantCulture), 6);
        Assert.False(nordstad.Attributes.Exists(other));
    }
}
