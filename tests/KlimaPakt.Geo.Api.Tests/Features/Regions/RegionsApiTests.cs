using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace KlimaPakt.Geo.Api.Tests.Features.Regions;

[Collection(ApiCollection.Name)]
public sealed partial class RegionsApiTests(ApiFixture fixture)
{
    [Fact]
    public async Task Communes_Luxembourg_AreRfc7946GeoJsonWithPopulation()
    {
        using var response = await fixture.Client().GetAsync("/regions/lu/communes");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/geo+json", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        using var body = JsonDocument.Parse(text);
        var root = body.RootElement;
        Assert.Equal("FeatureCollection", root.GetProperty("type").GetString());
        Assert.False(root.TryGetProperty("crs", out _));
        var features = root.GetProperty("features").EnumerateArray().ToList();
        Assert.Equal(100, features.Count);
        Assert.Equal(660_809, features.Sum(f => f.GetProperty("properties").GetProperty("population").GetInt32()));
        Assert.All(features, f => Assert.Equal(2023, f.GetProperty("properties").GetProperty("population_year").GetInt32()));
        // WGS 84 lon/lat around Luxembourg, at most 7 decimals.
        Assert.DoesNotMatch(EightDecimals(), text);
        foreach (var feature in features)
            foreach (var polygon in feature.GetProperty("geometry").GetProperty("coordinates").EnumerateArray())
            {
                var shell = polygon[0].EnumerateArray().Select(c => (X: c[0].GetDouble(), Y: c[1].GetDouble())).ToList();
                Assert.All(shell, c => Assert.True(c.X is > 5.7 and < 6.6 && c.Y is > 49.4 and < 50.2, $"{c} outside Luxembourg"));
                Assert.True(SignedArea(shell) > 0, "exterior rings must be counter-clockwise (RFC 7946 right-hand rule)");
            }
    }

    [Fact]
    public async Task Communes_UnknownRegion_Is404ProblemJson()
    {
        using var response = await fixture.Client().GetAsync("/regions/xx/communes");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Regions_List_HasBothRegionsWithTheirCrs()
    {
        using var body = JsonDocument.Parse(await fixture.Client().GetStringAsync("/regions"));
        var regions = body.RootElement.EnumerateArray().ToDictionary(r => r.GetProperty("code").GetString()!, r => r);
        Assert.Equal(2169, regions["lu"].GetProperty("srid").GetInt32());
        Assert.Equal(100, regions["lu"].GetProperty("communes").GetInt32());
        Assert.Equal(2056, regions["li"].GetProperty("srid").GetInt32());
        Assert.Equal(11, regions["li"].GetProperty("communes").GetInt32());
    }

    [Fact]
    public async Task Commune_Figures_HavePopulationBboxAndLatestRunMetrics()
    {
        var code = await fixture.ScalarAsync<string>("SELECT c.code FROM communes c JOIN regions r ON r.id = c.region_id WHERE r.code = 'lu' AND c.name = 'Luxembourg'");
        var population = await fixture.ScalarAsync<int>($"SELECT p.population FROM commune_populations p JOIN communes c ON c.id = p.commune_id WHERE c.code = '{code}' AND p.year = 2023");
        using var body = JsonDocument.Parse(await fixture.Client().GetStringAsync($"/regions/lu/communes/{code}"));
        Assert.Equal("Luxembourg", body.RootElement.GetProperty("name").GetString());
        Assert.Equal(population, body.RootElement.GetProperty("population").GetInt32());
        var bbox = body.RootElement.GetProperty("bbox").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        Assert.True(bbox[0] < 6.13 && bbox[2] > 6.13 && bbox[1] < 49.61 && bbox[3] > 49.61);

        using var missing = await fixture.Client().GetAsync("/regions/lu/communes/nope");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Search_ByName_FindsTheCommune()
    {
        using var body = JsonDocument.Parse(await fixture.Client().GetStringAsync("/communes?q=esch"));
        var names = body.RootElement.EnumerateArray().Select(c => c.GetProperty("name").GetString()).ToList();
        Assert.Contains(names, n => n!.StartsWith("Esch-sur-Alzette", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Import_GeoJsonUpload_GoesThroughTheImportService()
    {
        const string geojson = """
            {"type":"FeatureCollection","features":[
              {"type":"Feature","properties":{"name":"Test line A","railway":"rail"},"geometry":{"type":"LineString","coordinates":[[6.10,49.60],[6.14,49.62]]}},
              {"type":"Feature","properties":{"name":"Test line B","railway":"rail"},"geometry":{"type":"LineString","coordinates":[[6.05,49.55],[6.07,49.58]]}}]}
            """;
        using var content = new MultipartFormDataContent();
        var file = new StringContent(geojson, Encoding.UTF8);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/geo+json");
        content.Add(file, "file", "test_railways.geojson");
        using var response = await fixture.Client(fixture.AdminKey).PostAsync("/regions/lu/layers/railways/imports", content);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(2, await fixture.ScalarAsync<int>("SELECT count(*) FROM railways r JOIN regions g ON g.id = r.region_id AND g.code = 'lu' JOIN import_sources s ON s.id = r.source_id AND s.source_name = 'test_railways.geojson'"));

        using var bad = new MultipartFormDataContent { { new StringContent("{not json", Encoding.UTF8), "file", "broken.geojson" } };
        using var rejected = await fixture.Client(fixture.AdminKey).PostAsync("/regions/lu/layers/railways/imports", bad);
        Assert.Equal(HttpStatusCode.BadRequest, rejected.StatusCode);
        Assert.Equal("application/problem+json", rejected.Content.Headers.ContentType?.MediaType);
        // The error names the file, not the server's temporary folder it was saved to.
        var error = await rejected.Content.ReadAsStringAsync();
        Assert.Contains("broken.geojson", error);
        Assert.DoesNotContain("klimapakt-import-", error);
        Assert.DoesNotContain(Path.GetTempPath().TrimEnd('/'), error);
        Assert.Equal(2, await fixture.ScalarAsync<int>("SELECT count(*) FROM railways r JOIN regions g ON g.id = r.region_id AND g.code = 'lu' JOIN import_sources s ON s.id = r.source_id AND s.source_name = 'test_railways.geojson'"));
    }

    private static double SignedArea(List<(double X, double Y)> ring)
    {
        double sum = 0;
        for (var i = 0; i < ring.Count - 1; i++) sum += ring[i].X * ring[i + 1].Y - ring[i + 1].X * ring[i].Y;
        return sum / 2;
    }

    [GeneratedRegex(@"\d+\.\d{8,}")]
    private static partial Regex EightDecimals();
}
