using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace KlimaPakt.Geo.Api.Tests.Features.Geothermal;

[Collection(ApiCollection.Name)]
public sealed class GeothermalApiTests(ApiFixture fixture)
{
    private readonly HttpClient _client = fixture.Client();

    [Fact]
    public async Task Borehole_AllConstants_ReferenceValuesWithInputsAndSources()
    {
        // λ 2 W/m/K, T0 10 °C, r.green.gshp's defaults: 910.209 W, 7.97343 MWh/yr, Rb 0.0677803 m·K/W (GPotParametersTests).
        var answer = await _client.GetFromJsonAsync<JsonElement>("/geothermal/borehole?x=1&y=2&conductivity=2&groundTemperature=10");
        Assert.Equal(910.209, answer.GetProperty("powerWatts").GetDouble(), 3);
        Assert.Equal(7.97343, answer.GetProperty("energyMwhPerYear").GetDouble(), 5);
        Assert.Equal(0.0677803, answer.GetProperty("boreholeResistance").GetDouble(), 7);
        Assert.Equal(8.69904, answer.GetProperty("gFunction").GetDouble(), 5);
        Assert.Equal(JsonValueKind.Null, answer.GetProperty("restricted").ValueKind);
        var inputs = answer.GetProperty("inputs");
        Assert.Equal("given", inputs.GetProperty("conductivity").GetProperty("source").GetString());
        Assert.Equal(100, inputs.GetProperty("length").GetProperty("value").GetDouble());
    }

    [Fact]
    public async Task Borehole_LonLatInLuxembourg_T0FromTheDemAndACommune()
    {
        var answer = await _client.GetFromJsonAsync<JsonElement>("/geothermal/borehole?region=lu&lon=6.13&lat=49.61&length=120");
        Assert.Equal("0304", answer.GetProperty("commune").GetString());
        Assert.Equal(2169, answer.GetProperty("srid").GetInt32());
        Assert.StartsWith("assumed from elevation", answer.GetProperty("inputs").GetProperty("groundTemperature").GetProperty("source").GetString(), StringComparison.Ordinal);
        Assert.Equal("assumed", answer.GetProperty("groundSource").GetString());
        Assert.True(answer.GetProperty("powerWatts").GetDouble() > 0);
    }

    [Theory]
    [InlineData("/geothermal/borehole?region=lu&x=0&y=0", HttpStatusCode.BadRequest, "outside every commune")]
    [InlineData("/geothermal/borehole?region=atlantis&x=0&y=0", HttpStatusCode.NotFound, "Unknown region")]
    [InlineData("/geothermal/borehole?x=1&y=2", HttpStatusCode.BadRequest, "give the conductivity")]
    [InlineData("/geothermal/borehole?x=1&y=2&lon=6&lat=49&conductivity=2&groundTemperature=10", HttpStatusCode.BadRequest, "not both")]
    [InlineData("/geothermal/borehole?x=1&y=2&conductivity=0&groundTemperature=10", HttpStatusCode.BadRequest, "Ground conductivity")]
    [InlineData("/geothermal/borehole?x=1&y=2&conductivity=2&groundTemperature=10&fluidTemperatureMin=12", HttpStatusCode.BadRequest, "Minimum fluid temperature")]
    [InlineData("/geothermal/borehole?x=1&y=2&conductivity=2&groundTemperature=10&seasonDays=400", HttpStatusCode.BadRequest, "Heating season")]
    public async Task Borehole_BadInput_ProblemJson(string url, HttpStatusCode status, string expected)
    {
        var response = await _client.GetAsync(url);
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(expected, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
