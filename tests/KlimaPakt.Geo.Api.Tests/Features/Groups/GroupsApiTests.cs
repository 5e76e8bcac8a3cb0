using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace KlimaPakt.Geo.Api.Tests.Features.Groups;

[Collection(ApiCollection.Name)]
public sealed class GroupsApiTests(ApiFixture fixture)
{
    private readonly HttpClient _client = fixture.Client();

    private const string Nordstad = """
        SELECT m.commune_id FROM commune_group_members m JOIN commune_groups g ON g.id = m.group_id WHERE g.code = 'nordstad'
        """;

    [Fact]
    public async Task Group_Nordstad_SumsAndRecomputedRatiosOfTheLatestRuns()
    {
        await fixture.RunAnalysesAsync();
        var groups = await _client.GetFromJsonAsync<JsonElement>("/regions/lu/groups");
        Assert.Contains(groups.EnumerateArray(), g => g.GetProperty("kind").GetString() == "space" && g.GetProperty("code").GetString() == "nordstad");
        Assert.Equal(12, groups.EnumerateArray().Count(g => g.GetProperty("kind").GetString() == "canton"));

        var group = await _client.GetFromJsonAsync<JsonElement>("/regions/lu/groups/space/nordstad");
        Assert.Equal(5, group.GetProperty("group").GetProperty("communes").GetArrayLength());
        var figures = group.GetProperty("figures").EnumerateArray().ToDictionary(f => f.GetProperty("metric").GetString()!);
        // Expected from the stored per-commune rows of the run each figure names.
        async Task<double> SumAsync(string metric) => await fixture.ScalarAsync<double>(
            $"SELECT sum(value) FROM results.commune_metrics WHERE run_id = '{figures[metric].GetProperty("runId").GetGuid()}' AND metric = '{metric}' AND commune_id IN ({Nordstad})");
        Assert.Equal(await SumAsync("ev_covered_population"), figures["ev_covered_population"].GetProperty("value").GetDouble(), 6);
        Assert.Equal(100 * await SumAsync("ev_covered_population") / group.GetProperty("population").GetDouble(),
            figures["ev_covered_pct"].GetProperty("value").GetDouble(), 6);
        Assert.Equal("ratio", figures["ev_covered_pct"].GetProperty("aggregation").GetString());
        // Geothermal: the share of demand the ground covers is Σ supply / Σ demand, not a mean of the communes' shares.
        Assert.Equal(100 * await SumAsync("geothermal_supply_gwh") / await SumAsync("heat_demand_gwh"),
            figures["geothermal_coverage_pct"].GetProperty("value").GetDouble(), 6);
    }

    [Fact]
    public async Task Indicators_CsvAndJson_OneRowPerCanton()
    {
        await fixture.RunAnalysesAsync();
        var json = await _client.GetFromJsonAsync<JsonElement>("/indicators?region=lu&by=canton");
        Assert.Equal(12, json.GetProperty("rows").GetArrayLength());
        Assert.True(json.GetProperty("runs").TryGetProperty("ev", out _));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/indicators?region=lu&by=district");
        request.Headers.Accept.ParseAdd("text/csv");
        var response = await _client.SendAsync(request);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var lines = (await response.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length); // header + the 3 districts
        Assert.StartsWith("unit,code,name,communes,population,area_km2,", lines[0], StringComparison.Ordinal);
        Assert.Equal("text/csv", (await _client.GetAsync("/indicators?region=lu&f=csv")).Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("/indicators?region=lu&by=parish", HttpStatusCode.BadRequest)]
    [InlineData("/indicators?by=canton", HttpStatusCode.BadRequest)]
    [InlineData("/indicators?region=lu&f=xml", HttpStatusCode.BadRequest)]
    [InlineData("/indicators?region=atlantis", HttpStatusCode.NotFound)]
    [InlineData("/regions/lu/groups/space/atlantis", HttpStatusCode.NotFound)]
    public async Task BadInput_ProblemJson(string url, HttpStatusCode expected)
    {
        var response = await _client.GetAsync(url);
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
