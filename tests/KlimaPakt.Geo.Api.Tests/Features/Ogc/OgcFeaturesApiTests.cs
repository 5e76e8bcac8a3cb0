using System.Net;
using System.Text.Json;

namespace KlimaPakt.Geo.Api.Tests.Features.Ogc;

[Collection(ApiCollection.Name)]
public sealed class OgcFeaturesApiTests(ApiFixture fixture)
{
    [Fact]
    public async Task Landing_AskedForJson_LinksServiceDescConformanceAndData()
    {
        using var body = JsonDocument.Parse(await fixture.Client().GetStringAsync("/?f=json"));
        var rels = body.RootElement.GetProperty("links").EnumerateArray().Select(l => l.GetProperty("rel").GetString()).ToList();
        Assert.Superset(new HashSet<string?> { "self", "service-desc", "conformance", "data" }, rels.ToHashSet());
    }

    [Fact]
    public async Task Conformance_ListsCoreAndGeoJson()
    {
        using var body = JsonDocument.Parse(await fixture.Client().GetStringAsync("/conformance"));
        var classes = body.RootElement.GetProperty("conformsTo").EnumerateArray().Select(c => c.GetString()).ToList();
        Assert.Contains("http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core", classes);
        Assert.Contains("http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson", classes);
    }

    [Fact]
    public async Task Collections_HaveEveryLayerWithExtentAndItemsLink()
    {
        using var body = JsonDocument.Parse(await fixture.Client().GetStringAsync("/collections"));
        var collections = body.RootElement.GetProperty("collections").EnumerateArray().ToDictionary(c => c.GetProperty("id").GetString()!);
        Assert.All(KlimaPakt.Geo.Core.Layers.InputLayer.All, l => Assert.Contains(l.Name, collections.Keys));
        var buildings = collections["buildings"];
        var bbox = buildings.GetProperty("extent").GetProperty("spatial").GetProperty("bbox")[0].EnumerateArray().Select(v => v.GetDouble()).ToArray();
        // Luxembourg City's LuST buildings (from 6.041 E, up to 49.641 N) and Liechtenstein's (to about 9.6 E, from 47.05 N).
        Assert.True(bbox[0] > 6.0 && bbox[0] < 6.1 && bbox[2] > 9.4 && bbox[2] < 9.7 && bbox[1] > 47.0 && bbox[1] < 47.3 && bbox[3] > 49.6 && bbox[3] < 49.7,
            string.Join(",", bbox));
        Assert.Contains(buildings.GetProperty("links").EnumerateArray(), l => l.GetProperty("rel").GetString() == "items");
    }

    [Fact]
    public async Task Items_Paging_FollowsNextLinksThroughEveryBuilding()
    {
        var expected = await fixture.IdsAsync("SELECT id FROM buildings ORDER BY id");
        Assert.InRange(expected.Count, 13_552 + 3_680, 13_552 + 3_760); // Luxembourg City's 13,552 (LuST) + Liechtenstein's 3,723 (GDAL)
        var client = fixture.Client();
        var ids = new List<long>();
        string? url = "/collections/buildings/items?limit=5000"; // clamped to 1000, not rejected
        var pages = 0;
        while (url is not null)
        {
            using var body = JsonDocument.Parse(await client.GetStringAsync(url));
            var features = body.RootElement.GetProperty("features").EnumerateArray().ToList();
            Assert.Equal(features.Count, body.RootElement.GetProperty("numberReturned").GetInt32());
            Assert.True(features.Count <= 1000);
            ids.AddRange(features.Select(f => f.GetProperty("id").GetInt64()));
            url = body.RootElement.GetProperty("links").EnumerateArray()
                .Where(l => l.GetProperty("rel").GetString() == "next").Select(l => l.GetProperty("href").GetString()).FirstOrDefault();
            pages++;
        }
        Assert.Equal((expected.Count + 999) / 1000, pages);
        Assert.Equal(expected, ids);
    }

    [Fact]
    public async Task Items_Bbox_MatchesPostGis()
    {
        const string bbox = "9.50,47.12,9.53,47.15"; // Vaduz
        var expected = await fixture.IdsAsync("""
            SELECT id FROM buildings WHERE ST_Intersects(ST_Transform(geom, 4326), ST_MakeEnvelope(9.50, 47.12, 9.53, 47.15, 4326)) ORDER BY id
            """);
        Assert.NotEmpty(expected);
        using var body = JsonDocument.Parse(await fixture.Client().GetStringAsync($"/collections/buildings/items?bbox={bbox}&limit=1000"));
        Assert.Equal(expected, body.RootElement.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("id").GetInt64()).ToList());
    }

    [Fact]
    public async Task Items_PropertyAndCommuneFilters_MatchPostGis()
    {
        var expected = await fixture.IdsAsync("SELECT id FROM places WHERE class = 'village' ORDER BY id");
        using (var body = JsonDocument.Parse(await fixture.Client().GetStringAsync("/collections/places/items?class=village&limit=1000")))
            Assert.Equal(expected, body.RootElement.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("id").GetInt64()).ToList());

        var code = await fixture.ScalarAsync<string>("SELECT code FROM communes WHERE name = 'Luxembourg'");
        var chargers = await fixture.IdsAsync($"""
            SELECT e.id FROM ev_chargers e JOIN communes c ON c.region_id = e.region_id AND ST_Intersects(c.geom, e.geom)
            WHERE c.code = '{code}' ORDER BY e.id
            """);
        Assert.NotEmpty(chargers);
        using var inCity = JsonDocument.Parse(await fixture.Client().GetStringAsync($"/collections/ev_chargers/items?commune={code}&region=lu&limit=1000"));
        Assert.Equal(chargers, inCity.RootElement.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("id").GetInt64()).ToList());
    }

    [Theory]
    [InlineData("/collections/buildings/items?foo=1", HttpStatusCode.BadRequest)]
    [InlineData("/collections/buildings/items?bbox=1,2,3", HttpStatusCode.BadRequest)]
    [InlineData("/collections/buildings/items?bbox=9.6,47,9.5,47.2", HttpStatusCode.BadRequest)]
    [InlineData("/collections/buildings/items?limit=0", HttpStatusCode.BadRequest)]
    [InlineData("/collections/buildings/items?limit=abc", HttpStatusCode.BadRequest)]
    [InlineData("/collections/buildings/items?offset=-5", HttpStatusCode.BadRequest)]
    [InlineData("/collections/buildings/items?f=xml", HttpStatusCode.BadRequest)]
    [InlineData("/collections/nope/items", HttpStatusCode.NotFound)]
    [InlineData("/collections/nope", HttpStatusCode.NotFound)]
    [InlineData("/collections/buildings/items/999999999", HttpStatusCode.NotFound)]
    [InlineData("/collections/buildings/items/abc", HttpStatusCode.NotFound)]
    public async Task Items_InvalidRequests_AreProblemJson(string url, HttpStatusCode expected)
    {
        using var response = await fixture.Client().GetAsync(url);
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Item_ById_IsGeoJsonFeatureWithETag()
    {
        var id = await fixture.ScalarAsync<long>("SELECT min(id) FROM ev_chargers");
        var client = fixture.Client();
        using var response = await client.GetAsync($"/collections/ev_chargers/items/{id}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/geo+json", response.Content.Headers.ContentType?.MediaType);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Feature", body.RootElement.GetProperty("type").GetString());
        Assert.Equal(id, body.RootElement.GetProperty("id").GetInt64());
        Assert.Equal("Point", body.RootElement.GetProperty("geometry").GetProperty("type").GetString());
        Assert.NotNull(response.Headers.ETag);

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/collections/ev_chargers/items/{id}");
        request.Headers.IfNoneMatch.Add(response.Headers.ETag);
        using var again = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);
    }
}
