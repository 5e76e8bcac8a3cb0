using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using KlimaPakt.Geo.Data.Entities;
using KlimaPakt.Geo.Data.Security;
using KlimaPakt.Geo.TestSupport;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace KlimaPakt.Geo.Api.Tests.Features.Batches;

/// <summary>
/// A database of its own — region <c>lu</c> with two square communes and a cooperation space of both — and a service
/// without a worker, so a study's runs stay queued for the test to look at; at most 6 queued runs per key.
/// </summary>
public sealed class BatchDatabaseFixture : IAsyncLifetime
{
    public TestDatabase Database { get; private set; } = null!;
    public GeoApiFactory Factory { get; private set; } = null!;
    public string ConsultantKey { get; private set; } = null!;
    public string OtherConsultantKey { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync("klimapakt_test_batches_api");
        await Database.InsertSquareCommunesAsync(2);
        await Database.ExecuteAsync("""
            INSERT INTO commune_groups (region_id, kind, code, name, source)
            SELECT id, 'space', 'squares', 'The squares', 'test data' FROM regions WHERE code = 'lu';
            INSERT INTO commune_group_members (group_id, commune_id) SELECT g.id, c.id FROM commune_groups g, communes c;
            """);
        var keys = Database.Services.GetRequiredService<ApiKeyService>();
        ConsultantKey = (await keys.CreateAsync("batch consultant", ApiRole.Consultant)).Secret;
        OtherConsultantKey = (await keys.CreateAsync("batch other", ApiRole.Consultant)).Secret;
        Factory = new GeoApiFactory(Database.ConnectionString, settings: new Dictionary<string, string>
        {
            ["Runs:WorkerEnabled"] = "false",
            ["Runs:MaxQueuedRunsPerKey"] = "6",
        });
    }

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        await Database.DisposeAsync();
    }

    public HttpClient Client(string? key = null)
    {
        var client = Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        if (key is not null) client.DefaultRequestHeaders.Authorization = new("Bearer", key);
        return client;
    }
}

public sealed class BatchesApiTests(BatchDatabaseFixture fixture) : IClassFixture<BatchDatabaseFixture>
{
    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private async Task<(long Runs, long Studies)> CountsAsync() =>
        (await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM analysis_runs"), await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM studies"));

    /// <summary>EV × 2 variants × (one commune by name, one cooperation space): 4 runs.</summary>
    private const string Study = """
        {"name": "Squares EV", "region": "lu", "communes": ["square"], "groups": ["space/squares"],
         "analyses": [{"kind": "ev", "parameters": {"newSites": 1},
                       "variants": [{"name": "r300", "parameters": {"radiusMeters": 300}}, {"name": "r500", "parameters": {"radiusMeters": 500}}]}]}
        """;

    [Fact]
    public async Task PostBatch_NoKey_401AndNothingCreated()
    {
        var before = await CountsAsync();
        var response = await fixture.Client().PostAsync("/batches", Json(Study));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task PostBatch_BadStudy_ProblemDetailsNamingEachProblemAndNothingCreated()
    {
        var before = await CountsAsync();
        var response = await fixture.Client(fixture.ConsultantKey).PostAsync("/batches", Json("""
            {"name": "bad", "region": "lu", "communes": ["Atlantis"], "groups": ["space/nowhere"],
             "analyses": [{"kind": "solar"}, {"kind": "ev", "variants": [{"name": "wide", "parameters": {"radiusMetres": 900}}]}]}
            """));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("no run was created", problem.GetProperty("detail").GetString());
        var details = string.Join("\n", problem.GetProperty("details").EnumerateArray().Select(d => d.GetString()));
        Assert.Contains("'Atlantis' is not a commune of region 'lu'", details);
        Assert.Contains("'space/nowhere' is not a group of region 'lu'", details);
        Assert.Contains("unknown analysis 'solar'", details);
        Assert.Contains("ev variant 'wide'", details);
        Assert.Contains("radiusMetres", details);
        Assert.Equal(before, await CountsAsync());

        // A property no study has, and a body that is not a study.
        response = await fixture.Client(fixture.ConsultantKey).PostAsync("/batches", Json("""{"name": "x", "region": "lu", "targets": ["0001"]}"""));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("'targets' is not a property of a study", await response.Content.ReadAsStringAsync());
        response = await fixture.Client(fixture.ConsultantKey).PostAsync("/batches", Json("[1, 2]"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task PostBatch_Study_QueuedResumedCancelledAndQueuedAgain()
    {
        var client = fixture.Client(fixture.ConsultantKey);
        var response = await client.PostAsync("/batches", Json(Study));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var study = await response.Content.ReadFromJsonAsync<JsonElement>();
        var id = study.GetProperty("id").GetGuid();
        Assert.Equal($"/batches/{id}", response.Headers.Location!.OriginalString);
        Assert.False(study.GetProperty("resumed").GetBoolean());
        Assert.Equal(4, study.GetProperty("queued").GetInt32());
        var keys = study.GetProperty("runs").EnumerateArray().Select(r => r.GetProperty("key").GetString()).ToList();
        Assert.Equal(["ev:0001:r300", "ev:space/squares:r300", "ev:0001:r500", "ev:space/squares:r500"], keys);

        // GET: each run's status; the runs are the RunService's, stored with the study's variant parameters.
        var got = await client.GetFromJsonAsync<JsonElement>($"/batches/{id}");
        Assert.Equal(4, got.GetProperty("counts").GetProperty("queued").GetInt32());
        var group = got.GetProperty("runs").EnumerateArray().Single(r => r.GetProperty("key").GetString() == "ev:space/squares:r300");
        Assert.Equal("queued", group.GetProperty("status").GetString());
        var run = await client.GetFromJsonAsync<JsonElement>($"/runs/{group.GetProperty("runId").GetGuid()}");
        Assert.Equal(["0001", "0002"], run.GetProperty("communes").EnumerateArray().Select(c => c.GetString()).Order());
        Assert.Equal(300, run.GetProperty("parameters").GetProperty("radiusMeters").GetDouble());
        Assert.Equal(1, run.GetProperty("parameters").GetProperty("newSites").GetInt32());

        // The same study again (reformatted): the same study, nothing queued twice.
        response = await client.PostAsync("/batches", Json(JsonSerializer.Serialize(JsonDocument.Parse(Study))));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var again = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(id, again.GetProperty("id").GetGuid());
        Assert.True(again.GetProperty("resumed").GetBoolean());
        Assert.Equal(0, again.GetProperty("queued").GetInt32());
        Assert.Equal(4L, await fixture.Database.ScalarAsync<long>($"SELECT count(*) FROM analysis_runs WHERE study_id = '{id}'"));

        // Another consultant may not cancel it; its own key may.
        Assert.Equal(HttpStatusCode.Forbidden, (await fixture.Client(fixture.OtherConsultantKey).DeleteAsync($"/batches/{id}")).StatusCode);
        response = await client.DeleteAsync($"/batches/{id}");
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(4, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("counts").GetProperty("cancelled").GetInt32());

        // Submitted again, the cancelled runs are queued again as second attempts.
        response = await client.PostAsync("/batches", Json(Study));
        var resumed = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(4, resumed.GetProperty("queued").GetInt32());
        Assert.All(resumed.GetProperty("runs").EnumerateArray(), r =>
        {
            Assert.Equal("queued", r.GetProperty("status").GetString());
            Assert.Equal(2, r.GetProperty("attempts").GetInt32());
        });
        Assert.Equal(HttpStatusCode.Accepted, (await client.DeleteAsync($"/batches/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/batches/{Guid.NewGuid()}")).StatusCode);
    }

    [Theory]
    [InlineData("""{"name": 5, "region": "lu"}""")]
    [InlineData("""{"name": "x", "region": "lu", "communes": [null], "groups": [null, "space"], "analyses": [null]}""")]
    [InlineData("""{"name": "x", "region": "lu", "communes": ["0001"], "analyses": "ev"}""")]
    [InlineData("""{"name": "x", "region": "lu", "communes": ["0001"], "analyses": [{"kind": "ev", "variants": [null, {"name": ""}]}]}""")]
    [InlineData("""{"name": "x", "region": "lu", "communes": ["0001"], "analyses": [{"kind": "ev", "parameters": "wide", "variants": [{"name": "a", "parameters": {"newSites": 1}}]}]}""")]
    [InlineData("""{"name": "x", "region": "lu", "communes": ["0001"], "analyses": [{"kind": "ev", "parameters": {"radiusMeters": 1e309}}]}""")]
    [InlineData("""{"name": "x", "region": "lu", "communes": ["0001"], "analyses": [{"kind": "ev", "variants": [{"name": "a"}, {"name": "A"}]}]}""")]
    [InlineData("""{"name": "x", "region": null, "communes": ["0001"], "analyses": [{"kind": "ev"}]}""")]
    public async Task PostBatch_MalformedStudy_400ProblemAndNothingCreated(string body)
    {
        var before = await CountsAsync();
        var response = await fixture.Client(fixture.ConsultantKey).PostAsync("/batches", Json(body));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("KlimaPakt.Geo", await response.Content.ReadAsStringAsync()); // no .NET type names
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task PostBatch_MoreRunsThanTheKeyMayQueue_429AndNothingCreated()
    {
        var before = await CountsAsync();
        // 4 variants × 2 targets = 8 runs; the key may have 6 queued: refused whole, not 6 of 8.
        var response = await fixture.Client(fixture.OtherConsultantKey).PostAsync("/batches", Json("""
            {"name": "Too many", "region": "lu", "communes": ["0001", "0002"],
             "analyses": [{"kind": "ev", "variants": [{"name": "a", "parameters": {"newSites": 1}}, {"name": "b", "parameters": {"newSites": 2}},
                                                      {"name": "c", "parameters": {"newSites": 3}}, {"name": "d", "parameters": {"newSites": 4}}]}]}
            """));
        Assert.Equal((HttpStatusCode)429, response.StatusCode);
        Assert.Contains("these 8 would take 8 more", await response.Content.ReadAsStringAsync());
        Assert.Equal(before, await CountsAsync());
    }
}
