using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace KlimaPakt.Geo.Api.Tests.Features.Runs;

[Collection(ApiCollection.Name)]
public sealed class RunsApiTests(ApiFixture fixture)
{
    // Runs are started and cancelled with a consultant's key (SecurityApiTests: what happens without one).
    private readonly HttpClient _client = fixture.Client(fixture.ConsultantKey);

    private async Task<JsonElement> WaitForEndAsync(Uri location)
    {
        for (var i = 0; i < 240; i++)
        {
            var run = await _client.GetFromJsonAsync<JsonElement>(location);
            if (run.GetProperty("status").GetString() is "published" or "failed" or "cancelled") return run;
            await Task.Delay(250);
        }
        throw new TimeoutException($"run {location} did not finish within 60 s");
    }

    [Fact]
    public async Task PostRun_EvForOneCommune_AcceptedThenPublishedAndServed()
    {
        var response = await _client.PostAsJsonAsync("/runs", new { kind = "ev", region = "lu", communes = new[] { "0204" }, parameters = new { newSites = 2 } });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.StartsWith("/runs/", location.OriginalString);
        var run = await WaitForEndAsync(location);
        Assert.Equal("published", run.GetProperty("status").GetString());
        Assert.Equal(500, run.GetProperty("parameters").GetProperty("radiusMeters").GetDouble()); // defaults stored with the run
        Assert.True(run.GetProperty("stageTimingsMs").TryGetProperty("compute", out _));

        // The latest published run is what the Features API serves: Esch-sur-Alzette with its STATEC population.
        var items = await _client.GetFromJsonAsync<JsonElement>("/collections/ev_coverage/items");
        var feature = Assert.Single(items.GetProperty("features").EnumerateArray());
        Assert.Equal("Esch-sur-Alzette", feature.GetProperty("properties").GetProperty("commune").GetString());
        Assert.Equal(36625, feature.GetProperty("properties").GetProperty("population").GetInt32());
        var sites = await _client.GetFromJsonAsync<JsonElement>("/collections/ev_sites/items");
        Assert.Equal(2, sites.GetProperty("features").GetArrayLength());
    }

    [Fact]
    public async Task PostRun_BadParameters_ProblemDetailsAndNoRunCreated()
    {
        var before = await fixture.ScalarAsync<long>("SELECT count(*) FROM analysis_runs");
        var response = await _client.PostAsJsonAsync("/runs", new { kind = "ev", region = "lu", parameters = new { radiusMeters = -1 } });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("RadiusMeters must be > 0", await response.Content.ReadAsStringAsync());
        Assert.Equal(before, await fixture.ScalarAsync<long>("SELECT count(*) FROM analysis_runs"));

        // A wind raster that does not cover the region (the bundled one is California's) is refused before a run exists.
        var wind = await _client.PostAsJsonAsync("/runs", new { kind = "wind", region = "lu", parameters = new { windRaster = "gwa3_altamont_wind_speed_100m" } });
        Assert.Equal(HttpStatusCode.BadRequest, wind.StatusCode);
        Assert.Contains("covers 0.0 % of region 'lu'", await wind.Content.ReadAsStringAsync());
        Assert.Equal(before, await fixture.ScalarAsync<long>("SELECT count(*) FROM analysis_runs"));

        Assert.Equal(HttpStatusCode.NotFound, (await _client.PostAsJsonAsync("/runs", new { kind = "tidal", region = "lu" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync($"/runs/{Guid.NewGuid()}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.DeleteAsync($"/runs/{Guid.NewGuid()}")).StatusCode);
    }

    [Fact]
    public async Task PostRun_RasterGivenAsAServerPath_404AndThePathNotEchoed()
    {
        // The registered raster's own file, named by its path: runs open registered rasters by name only.
        var path = await fixture.ScalarAsync<string>("SELECT path FROM rasters WHERE name = 'gwa3_altamont_wind_speed_100m'");
        foreach (var given in new[] { path, "/etc/shadow", "../../../../etc/passwd" })
        {
            using var response = await _client.PostAsJsonAsync("/runs", new { kind = "wind", region = "lu", parameters = new { windRaster = given } });
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            var body = await response.Content.ReadAsStringAsync();
            Assert.Contains("runs read registered rasters only", body);
            Assert.DoesNotContain(Path.GetDirectoryName(path)!, body);
            Assert.DoesNotContain("/etc/shadow", body); // a server path in the client's text is reduced to its file name
        }
    }

    [Fact]
    public async Task PostRun_EvAt2MetresOverLuxembourg_400WithTheEstimateAndNoRun()
    {
        // The communes' box in LUREF (PostGIS: ST_Extent of lu's communes) is 57,183 m × 81,747 m: at 2 m,
        // 28,592 × 40,874 = 1,168,669,408 cells, over the default 150,000,000.
        var before = await fixture.ScalarAsync<long>("SELECT count(*) FROM analysis_runs");
        using var response = await _client.PostAsJsonAsync("/runs", new { kind = "ev", region = "lu", parameters = new { cellSizeMeters = 2 } });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        var detail = problem.GetProperty("detail").GetString()!;
        Assert.True(detail.Contains("28,592 × 40,874 = 1,168,669,408 cells of 2 m", StringComparison.Ordinal), detail);
        Assert.Equal(before, await fixture.ScalarAsync<long>("SELECT count(*) FROM analysis_runs"));
    }

    [Fact]
    public async Task PostRun_HugeUnknownKind_EchoTruncated()
    {
        using var response = await _client.PostAsJsonAsync("/runs", new { kind = new string('k', 100_000), region = "lu" });
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.True((await response.Content.ReadAsByteArrayAsync()).Length < 2_000);
    }

    [Theory]
    [InlineData("""{"kind": null, "region": "lu"}""", "needs a kind")]
    [InlineData("""{"region": "lu"}""", "needs a kind")]
    [InlineData("""{"kind": "ev", "region": "lu", "parameters": {"radiusMeters": 1e309}}""", "parameters.radiusMeters is 1e309")]
    [InlineData("""{"kind": "wind", "region": "lu", "parameters": {"forcedInclusions": [null]}}""", "parameters.forcedInclusions[0] is null")]
    [InlineData("""{"kind": "wind", "region": "lu", "parameters": {"powerCurve": [[3, 0], null]}}""", "parameters.powerCurve[1] is null")]
    [InlineData("""{"kind": "wind", "region": "lu", "parameters": {"preset": "none\u0000"}}""", "contains a NUL character")]
    [InlineData("""{"kind": "ev", "region": "lu", "parameters": {"heightLaw": "\ud800"}}""", "not valid Unicode text")] // found by BadInputGeneratorTests
    public async Task PostRun_HostileBodies_400ProblemAndNoRunCreated(string body, string expected)
    {
        var before = await fixture.ScalarAsync<long>("SELECT count(*) FROM analysis_runs");
        using var response = await _client.PostAsync("/runs", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(expected, await response.Content.ReadAsStringAsync());
        Assert.Equal(before, await fixture.ScalarAsync<long>("SELECT count(*) FROM analysis_runs"));
    }

    [Theory]
    [InlineData("/tiles/,.json")]
    [InlineData("/tiles/.json")]
    [InlineData("/tiles/,/1/1/1")]
    [InlineData("/communes?q=a%00b")]
    public async Task Get_EmptyLayerNameOrNulInText_400Problem(string url)
    {
        using var response = await _client.GetAsync(url);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task PostRun_UnknownCharset_415Problem()
    {
        using var content = new StringContent("""{"kind": "ev", "region": "lu"}""");
        content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse("application/json; charset=klingon");
        using var response = await _client.PostAsync("/runs", content);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
