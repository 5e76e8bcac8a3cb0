using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO.VectorTiles.Mapbox;
using TileDefinition = NetTopologySuite.IO.VectorTiles.Tiles.Tile;

namespace KlimaPakt.Geo.Api.Tests.Features.Tiles;

[Collection(ApiCollection.Name)]
public sealed class TilesApiTests(ApiFixture fixture)
{
    private const string LuxembourgCity = "12/2117/1396";

    [Fact]
    public async Task Tile_LuxembourgCity_HasCommunesWithIdsAndGeometryOfTheDatabase()
    {
        using var response = await fixture.Client().GetAsync($"/tiles/communes/{LuxembourgCity}.mvt");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/vnd.mapbox-vector-tile", response.Content.Headers.ContentType?.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync();

        var layer = Assert.Single(MvtInspector.Layers(bytes));
        Assert.Equal(("communes", 2u, 4096u), (layer.Name, layer.Version, layer.Extent));
        var expected = await fixture.IdsAsync("""
            SELECT id FROM communes
            WHERE ST_Intersects(ST_Transform(geom, 3857), ST_TileEnvelope(12, 2117, 1396, margin => 64.0 / 4096)) ORDER BY id
            """);
        Assert.Equal(expected, layer.FeatureIds.Select(i => (long)i).Order().ToList());
        Assert.Equal(layer.FeatureIds.Count, layer.FeatureIds.Distinct().Count());

        var tile = new MapboxTileReader().Read(new MemoryStream(bytes), new TileDefinition(2117, 1396, 12));
        var features = Assert.Single(tile.Layers).Features;
        var city = features.Single(f => (string)f.Attributes["name"] == "Luxembourg");
        // Geometry vs the database: the commune clipped to the buffered tile, in lon/lat, within a few tile units.
        var id = await fixture.ScalarAsync<long>("SELECT id FROM communes WHERE name = 'Luxembourg'");
        var area = await fixture.ScalarAsync<double>($"""
            SELECT ST_Area(ST_Transform(ST_Intersection(ST_Transform(geom, 3857), ST_TileEnvelope(12, 2117, 1396, margin => 64.0 / 4096)), 4326))
            FROM communes WHERE id = {id}
            """);
        Assert.InRange(city.Geometry.Area / area, 0.98, 1.02);
        Assert.True(city.Geometry is Polygon or MultiPolygon);
        Assert.True(Convert.ToInt32(city.Attributes["population"], System.Globalization.CultureInfo.InvariantCulture) > 100_000);
    }

    [Fact]
    public async Task Tile_LowZoom_UsesGeneralisedGeometryAndStaysSmall()
    {
        using var response = await fixture.Client().GetAsync("/tiles/communes/6/33/21");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        var layer = Assert.Single(MvtInspector.Layers(bytes));
        var expected = await fixture.IdsAsync("""
            SELECT id FROM communes
            WHERE ST_Intersects(ST_Transform(geom, 3857), ST_TileEnvelope(6, 33, 21, margin => 64.0 / 4096)) ORDER BY id
            """);
        Assert.True(expected.Count >= 100);
        Assert.Equal(expected, layer.FeatureIds.Select(i => (long)i).Order().ToList());
        Assert.True(bytes.Length < 60_000, $"z6 tile of all communes is {bytes.Length} bytes");
    }

    [Fact]
    public async Task Tile_Composite_HasOneLayerPerName()
    {
        var bytes = await fixture.Client().GetByteArrayAsync($"/tiles/communes,ev_chargers,places/{LuxembourgCity}");
        var layers = MvtInspector.Layers(bytes);
        Assert.Equal(["communes", "ev_chargers", "places"], layers.Select(l => l.Name));
        var chargers = await fixture.IdsAsync("""
            SELECT e.id FROM ev_chargers e
            WHERE ST_Intersects(ST_Transform(e.geom, 3857), ST_TileEnvelope(12, 2117, 1396, margin => 64.0 / 4096)) ORDER BY e.id
            """);
        Assert.NotEmpty(chargers);
        Assert.Equal(chargers, layers[1].FeatureIds.Select(i => (long)i).Order().ToList());
    }

    [Theory]
    [InlineData("/tiles/ev_chargers/12/0/0", HttpStatusCode.NoContent)]
    [InlineData("/tiles/nope/12/2117/1396", HttpStatusCode.NotFound)]
    [InlineData("/tiles/communes,nope/12/2117/1396", HttpStatusCode.NotFound)]
    [InlineData("/tiles/communes/12/4096/1396", HttpStatusCode.BadRequest)]
    [InlineData("/tiles/communes/12/2117/-1", HttpStatusCode.BadRequest)]
    [InlineData("/tiles/communes/-1/0/0", HttpStatusCode.BadRequest)]
    [InlineData("/tiles/communes/25/0/0", HttpStatusCode.BadRequest)]
    [InlineData("/tiles/buildings/5/16/11", HttpStatusCode.BadRequest)]
    [InlineData("/tiles/communes/12/x/1396", HttpStatusCode.BadRequest)]
    [InlineData("/tiles/communes/12/2117/1396?run=not-a-guid", HttpStatusCode.BadRequest)]
    public async Task Tile_StatusCodes(string url, HttpStatusCode expected)
    {
        using var response = await fixture.Client().GetAsync(url);
        Assert.Equal(expected, response.StatusCode);
        if ((int)expected >= 400) Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Tile_IfNoneMatch_Answers304()
    {
        var client = fixture.Client();
        using var first = await client.GetAsync("/tiles/places/10/529/349");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var etag = first.Headers.ETag;
        Assert.NotNull(etag);
        Assert.False(etag.IsWeak);
        Assert.Contains("max-age", first.Headers.CacheControl?.ToString());
        using var request = new HttpRequestMessage(HttpMethod.Get, "/tiles/places/10/529/349");
        request.Headers.IfNoneMatch.Add(etag);
        using var second = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
    }

    [Theory]
    [InlineData("br")]
    [InlineData("gzip")]
    public async Task Tile_AcceptEncoding_IsCompressed(string encoding)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/tiles/communes/8/132/86");
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue(encoding));
        using var response = await fixture.Client().SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([encoding], response.Content.Headers.ContentEncoding);
        Assert.Contains("Accept-Encoding", response.Headers.Vary);
    }

    [Fact]
    public async Task Tile_Head_AnswersHeadersWithoutBody()
    {
        using var response = await fixture.Client().SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/tiles/communes/{LuxembourgCity}"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/vnd.mapbox-vector-tile", response.Content.Headers.ContentType?.MediaType);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Tile_Cors_IsOpenForReads()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/tiles/communes/{LuxembourgCity}");
        request.Headers.Add("Origin", "https://planner.example");
        using var response = await fixture.Client().SendAsync(request);
        Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
    }

    [Fact]
    public async Task Tile_SecondRequest_IsServedFromTheOutputCache_Including204()
    {
        var client = fixture.Client();
        foreach (var url in new[] { "/tiles/power_sites/9/264/174", "/tiles/power_sites/9/0/0" })
        {
            using var first = await client.GetAsync(url + "?utm=1");
            using var second = await client.GetAsync(url + "?utm=2"); // non-whitelisted keys do not split the cache
            Assert.Equal(first.StatusCode, second.StatusCode);
            Assert.True(second.Headers.Age is not null, $"{url} was not served from the cache");
        }
    }

    [Fact]
    public async Task Publish_NewRun_EvictsItsLayersOnly()
    {
        var client = fixture.Client();
        var tileUrl = $"/tiles/{ApiFixture.ZonesLayer}/{LuxembourgCity}";
        var runA = await PublishRunAsync(0.25, notify: true);
        Assert.Equal([0.25], await ScoresAsync(client, tileUrl));
        using (await client.GetAsync($"/tiles/communes/{LuxembourgCity}")) { }

        var runB = await PublishRunAsync(0.75, notify: false);
        Assert.Equal([0.25], await ScoresAsync(client, tileUrl)); // cached until the publish is announced
        await fixture.Factory.Services.GetRequiredService<KlimaPakt.Geo.Data.Publishing.IRunPublishedNotifier>()
            .RunPublishedAsync(runB, ApiFixture.ZonesKind);

        Assert.Equal([0.75], await ScoresAsync(client, tileUrl));
        using var items = JsonDocument.Parse(await client.GetStringAsync($"/collections/{ApiFixture.ZonesLayer}/items"));
        Assert.Equal(0.75, items.RootElement.GetProperty("features")[0].GetProperty("properties").GetProperty("score").GetDouble());
        Assert.Equal([0.25], await ScoresAsync(client, tileUrl + $"?run={runA}"));
        using var communes = await client.GetAsync($"/tiles/communes/{LuxembourgCity}");
        Assert.NotNull(communes.Headers.Age); // an unchanged layer stays cached

        using var tileJson = JsonDocument.Parse(await client.GetStringAsync($"/tiles/{ApiFixture.ZonesLayer}.json"));
        Assert.EndsWith($"?run={runB}", tileJson.RootElement.GetProperty("tiles")[0].GetString());

        // The commune's figures of the published run.
        var code = await fixture.ScalarAsync<string>("SELECT code FROM communes WHERE name = 'Luxembourg'");
        using var figures = JsonDocument.Parse(await client.GetStringAsync($"/regions/lu/communes/{code}"));
        // (Other analyses' runs of the assembly may have figures for the commune too: only the test kind's are this run's.)
        var metric = Assert.Single(figures.RootElement.GetProperty("metrics").EnumerateArray(), m => m.GetProperty("kind").GetString() == ApiFixture.ZonesKind);
        Assert.Equal(("test", "score_pct", 75.0), (metric.GetProperty("kind").GetString(), metric.GetProperty("metric").GetString(), metric.GetProperty("value").GetDouble()));
    }

    [Fact]
    public async Task TileJson_Communes_Is300WithAbsoluteUrlsAndFields()
    {
        using var body = JsonDocument.Parse(await fixture.Client().GetStringAsync("/tiles/communes"));
        var root = body.RootElement;
        Assert.Equal("3.0.0", root.GetProperty("tilejson").GetString());
        Assert.StartsWith("http://localhost/tiles/communes/{z}/{x}/{y}", root.GetProperty("tiles")[0].GetString());
        var layer = root.GetProperty("vector_layers")[0];
        Assert.Equal("communes", layer.GetProperty("id").GetString());
        Assert.True(layer.GetProperty("fields").TryGetProperty("population", out _));
        var bounds = root.GetProperty("bounds").EnumerateArray().Select(b => b.GetDouble()).ToArray();
        Assert.True(bounds[0] < 5.8 && bounds[2] > 6.5 && bounds[1] < 47.1 && bounds[3] > 50.1, string.Join(",", bounds)); // Liechtenstein to Luxembourg
        Assert.Contains("OpenStreetMap", root.GetProperty("attribution").GetString());
        Assert.Equal(3, root.GetProperty("center").GetArrayLength());
    }

    [Fact]
    public async Task Catalog_ListsCommunesInputsAndResults()
    {
        using var body = JsonDocument.Parse(await fixture.Client().GetStringAsync("/catalog"));
        var names = body.RootElement.GetProperty("tiles").EnumerateObject().Select(p => p.Name).ToHashSet();
        Assert.Superset(new HashSet<string> { "communes", "buildings", "roads", "ev_chargers", "places", "power_sites", ApiFixture.ZonesLayer }, names);
        Assert.All(KlimaPakt.Geo.Core.Layers.InputLayer.All, l => Assert.Contains(l.Name, names));
    }

    private async Task<Guid> PublishRunAsync(double score, bool notify)
    {
        var id = Guid.NewGuid();
        await fixture.ExecuteAsync($"""
            INSERT INTO analysis_runs (id, kind, region_id, parameters, input_hashes, status, progress_percent, stage_timings_ms, log, created_at, published_at)
            SELECT '{id}', '{ApiFixture.ZonesKind}', r.id, '{"{}"}'::jsonb, ''::hstore, 'Published', 100, '{"{}"}'::jsonb, ARRAY[]::text[], now(), clock_timestamp()
            FROM regions r WHERE r.code = 'lu';
            INSERT INTO results.test_zones (run_id, region_id, score, geom)
            SELECT '{id}', c.region_id, {score.ToString(System.Globalization.CultureInfo.InvariantCulture)}, ST_Buffer(ST_PointOnSurface(c.geom), 500)
            FROM communes c WHERE c.name = 'Luxembourg';
            INSERT INTO results.commune_metrics (run_id, commune_id, metric, value)
            SELECT '{id}', c.id, 'score_pct', {(score * 100).ToString(System.Globalization.CultureInfo.InvariantCulture)}
            FROM communes c WHERE c.name = 'Luxembourg';
            """);
        if (notify)
            await fixture.Factory.Services.GetRequiredService<KlimaPakt.Geo.Data.Publishing.IRunPublishedNotifier>().RunPublishedAsync(id, ApiFixture.ZonesKind);
        return id;
    }

    private static async Task<List<double>> ScoresAsync(HttpClient client, string url)
    {
        var bytes = await client.GetByteArrayAsync(url);
        var tile = new MapboxTileReader().Read(new MemoryStream(bytes), new TileDefinition(2117, 1396, 12));
        return tile.Layers.SelectMany(l => l.Features).Select(f => Convert.ToDouble(f.Attributes["score"], System.Globalization.CultureInfo.InvariantCulture)).ToList();
    }
}
