using System.Net;
using System.Net.Http.Json;
using KlimaPakt.Geo.Data.Runs;
using Microsoft.Extensions.DependencyInjection;

namespace KlimaPakt.Geo.Api.Tests.Features.Exports;

[Collection(ApiCollection.Name)]
public sealed class ExportsApiTests(ApiFixture fixture)
{
    private readonly HttpClient _client = fixture.Client();

    [Fact]
    public async Task ExportGpkg_PublishedRun_ASQLiteGeoPackage()
    {
        await fixture.RunAnalysesAsync();
        var id = await fixture.ScalarAsync<Guid>("SELECT id FROM analysis_runs WHERE kind = 'ev' AND status = 'Published' ORDER BY published_at DESC LIMIT 1");
        var response = await _client.GetAsync($"/runs/{id}/export.gpkg");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/geopackage+sqlite3", response.Content.Headers.ContentType?.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        // A GeoPackage is an SQLite 3 file ("SQLite format 3\0") with application_id 'GPKG' at offset 68.
        Assert.Equal("SQLite format 3\0", System.Text.Encoding.ASCII.GetString(bytes, 0, 16));
        Assert.Equal("GPKG", System.Text.Encoding.ASCII.GetString(bytes, 68, 4));
    }

    [Fact]
    public async Task ExportGpkg_QueuedOrUnknownRun_409Or404ProblemJson()
    {
        var runs = fixture.Factory.Services.GetRequiredService<RunService>();
        var queued = await runs.CreateAsync(new RunRequest("ev", "lu", ["0204"], System.Text.Json.JsonDocument.Parse("{}").RootElement));
        var response = await _client.GetAsync($"/runs/{queued.Id}/export.gpkg");
        await fixture.ExecuteAsync($"DELETE FROM analysis_runs WHERE id = '{queued.Id}'");
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync($"/runs/{Guid.NewGuid()}/export.gpkg")).StatusCode);
    }

    [Fact]
    public async Task Compare_RunWithItselfZeros_DifferentKinds400()
    {
        await fixture.RunAnalysesAsync();
        var ev = await fixture.ScalarAsync<Guid>("SELECT id FROM analysis_runs WHERE kind = 'ev' AND status = 'Published' ORDER BY published_at DESC LIMIT 1");
        var geothermal = await fixture.ScalarAsync<Guid>("SELECT id FROM analysis_runs WHERE kind = 'geothermal' AND status = 'Published' ORDER BY published_at DESC LIMIT 1");
        var self = await _client.GetFromJsonAsync<System.Text.Json.JsonElement>($"/runs/{ev}/compare/{ev}");
        var differences = self.GetProperty("communes").EnumerateArray().SelectMany(c => c.GetProperty("figures").EnumerateArray())
            .Select(f => f.GetProperty("difference").GetDouble()).ToList();
        Assert.Equal(await fixture.ScalarAsync<long>($"SELECT count(*) FROM results.commune_metrics WHERE run_id = '{ev}'"), differences.Count);
        Assert.All(differences, d => Assert.Equal(0.0, d));
        var response = await _client.GetAsync($"/runs/{ev}/compare/{geothermal}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
