using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KlimaPakt.Geo.Data.Entities;
using KlimaPakt.Geo.Data.Security;
using KlimaPakt.Geo.TestSupport;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace KlimaPakt.Geo.Api.Tests.Faults;

/// <summary>
/// Scale-out on nothing but the database: two service instances, each with its background worker, on one database
/// (a hand-made commune, so runs take a moment); runs queued through either instance are claimed from PostgreSQL
/// (FOR UPDATE SKIP LOCKED) and each executes exactly once, whichever instance takes it; both instances answer for every run.
/// </summary>
public sealed class ScaleOutTests : IAsyncLifetime
{
    private TestDatabase _database = null!;
    private string _key = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync("klimapakt_test_scaleout");
        await _database.InsertSquareCommunesAsync();
        _key = (await _database.Services.GetRequiredService<ApiKeyService>().CreateAsync("scale-out consultant", ApiRole.Consultant)).Secret;
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    private HttpClient Client(GeoApiFactory factory)
    {
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Authorization = new("Bearer", _key);
        return client;
    }

    [Fact]
    public async Task TwoInstancesWithWorkers_RunsQueuedThroughBoth_EachExecutedOnceAndServedByBoth()
    {
        await using var a = new GeoApiFactory(_database.ConnectionString);
        await using var b = new GeoApiFactory(_database.ConnectionString);
        var clients = new[] { Client(a), Client(b) };
        var locations = new List<Uri>();
        for (var i = 0; i < 8; i++)
        {
            // Distinct parameters, so each run is its own computation (and its own result hash).
            using var response = await clients[i % 2].PostAsJsonAsync("/runs", new
            {
                kind = "wind",
                region = "lu",
                parameters = new { cellSizeMeters = 50, outputCellSizeMeters = 50 * (i + 1), preset = "luxembourg-legal-minimum" },
            });
            Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
            locations.Add(response.Headers.Location!);
        }
        for (var i = 0; i < locations.Count; i++)
        {
            JsonElement run = default;
            for (var t = 0; t < 600; t++)
            {
                run = await clients[(i + 1) % 2].GetFromJsonAsync<JsonElement>(locations[i]); // asked of the other instance
                if (run.GetProperty("status").GetString() is "published" or "failed" or "cancelled") break;
                await Task.Delay(100);
            }
            Assert.True(run.GetProperty("status").GetString() == "published", run.ToString());
        }
        // Each run started once (executions counts the queued → running updates) and published one set of results.
        Assert.Equal(8L, await _database.ScalarAsync<long>("SELECT count(*) FROM analysis_runs WHERE status = 'Published' AND executions = 1"));
        Assert.Equal(0L, await _database.ScalarAsync<long>("SELECT count(*) FROM analysis_runs WHERE executions <> 1"));
        Assert.Equal(8L, await _database.ScalarAsync<long>("SELECT count(DISTINCT run_id) FROM results.commune_metrics"));
        Assert.Equal(8L, await _database.ScalarAsync<long>(
            "SELECT count(*) FROM (SELECT run_id FROM results.commune_metrics WHERE metric = 'wind_grid_km2' GROUP BY run_id HAVING count(*) = 1) s"));
    }
}
