using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KlimaPakt.Geo.Data.Entities;
using KlimaPakt.Geo.Data.Security;
using KlimaPakt.Geo.TestSupport;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace KlimaPakt.Geo.Api.Tests.Features.Security;

/// <summary>
/// A small database of its own — region <c>lu</c> with one square commune of 10 km × 10 km — and services with their
/// own settings: no worker (runs stay queued), tight budgets, tight rates, closed reads.
/// </summary>
public sealed class SmallDatabaseFixture : IAsyncLifetime
{
    public TestDatabase Database { get; private set; } = null!;
    public string ConsultantKey { get; private set; } = null!;
    public string OtherConsultantKey { get; private set; } = null!;
    public string ViewerKey { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync("klimapakt_test_limits");
        await Database.InsertSquareCommunesAsync();
        var keys = Database.Services.GetRequiredService<ApiKeyService>();
        ConsultantKey = (await keys.CreateAsync("limits consultant", ApiRole.Consultant)).Secret;
        OtherConsultantKey = (await keys.CreateAsync("limits other", ApiRole.Consultant)).Secret;
        ViewerKey = (await keys.CreateAsync("limits viewer", ApiRole.Viewer)).Secret;
    }

    public async Task DisposeAsync() => await Database.DisposeAsync();

    public GeoApiFactory Factory(params (string Name, string Value)[] settings) =>
        new(Database.ConnectionString, settings: new Dictionary<string, string>(settings.Select(s => KeyValuePair.Create(s.Name, s.Value)))
        {
            ["Runs:WorkerEnabled"] = "false",
        });
}

public sealed class LimitsApiTests(SmallDatabaseFixture fixture) : IClassFixture<SmallDatabaseFixture>
{
    private static HttpClient Client(GeoApiFactory factory, string? key = null)
    {
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        if (key is not null) client.DefaultRequestHeaders.Authorization = new("Bearer", key);
        return client;
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private Task<long> QueuedAsync() => fixture.Database.ScalarAsync<long>("SELECT count(*) FROM analysis_runs WHERE status = 'Queued'");

    [Fact]
    public async Task PostRun_QueueCaps_51stOfOneKey429_ThenTotalCap429()
    {
        await fixture.Database.ScalarAsync<long>("WITH c AS (UPDATE analysis_runs SET status = 'Cancelled' WHERE status = 'Queued' RETURNING 1) SELECT count(*) FROM c");
        // Default cap per key (50); a total cap of 51 for the second half.
        await using var factory = fixture.Factory(("Runs:MaxQueuedRuns", "51"));
        using var consultant = Client(factory, fixture.ConsultantKey);
        var run = new { kind = "ev", region = "lu", parameters = new { cellSizeMeters = 500 } };
        for (var i = 0; i < 50; i++)
        {
            using var accepted = await consultant.PostAsJsonAsync("/runs", run);
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        }
        using var refused = await consultant.PostAsJsonAsync("/runs", run);
        var problem = await ProblemAsync(refused, HttpStatusCode.TooManyRequests);
        Assert.Contains("50 runs queued", problem.GetProperty("detail").GetString());
        Assert.True(int.Parse(refused.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) > 0);
        Assert.Equal(50, await QueuedAsync());

        // Another key still may — until the queue as a whole is full.
        using var other = Client(factory, fixture.OtherConsultantKey);
        using (var accepted = await other.PostAsJsonAsync("/runs", run)) Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        using var full = await other.PostAsJsonAsync("/runs", run);
        Assert.Contains("queue is full", (await ProblemAsync(full, HttpStatusCode.TooManyRequests)).GetProperty("detail").GetString());
        Assert.Equal(51, await QueuedAsync());
    }

    [Fact]
    public async Task PostRun_GridOrMemoryOverBudget_400WithTheEstimate_NothingCreated()
    {
        await using var factory = fixture.Factory(("Runs:MaxCellsPerGrid", "1000000"), ("Runs:MaxPeakMemoryMegabytes", "40"));
        using var client = Client(factory, fixture.ConsultantKey);
        var before = await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM analysis_runs");

        // 10 km at 9 m: ceil(10000 / 9) = 1,112 cells each way, 1,112² = 1,236,544 cells > 1,000,000.
        using var cells = await client.PostAsJsonAsync("/runs", new { kind = "ev", region = "lu", parameters = new { cellSizeMeters = 9 } });
        var problem = await ProblemAsync(cells, HttpStatusCode.BadRequest);
        Assert.Contains("1,112 × 1,112 = 1,236,544 cells of 9 m", problem.GetProperty("detail").GetString());
        Assert.Contains("estimatedCells: 1236544", problem.GetProperty("details").EnumerateArray().Select(d => d.GetString()));

        // Wind at its default 10 m: 1,000 × 1,000 = 1,000,000 cells (allowed) × 64 B = 64,000,000 B = 61 MB > 40 MB.
        using var memory = await client.PostAsJsonAsync("/runs", new { kind = "wind", region = "lu" });
        var memoryProblem = await ProblemAsync(memory, HttpStatusCode.BadRequest);
        Assert.Contains("about 61 MB", memoryProblem.GetProperty("detail").GetString());
        Assert.Equal(before, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM analysis_runs"));

        // EV at 10 m: 1,000,000 cells × 32 B = 30.5 MB: within both.
        using var fits = await client.PostAsJsonAsync("/runs", new { kind = "ev", region = "lu", parameters = new { cellSizeMeters = 10 } });
        Assert.Equal(HttpStatusCode.Accepted, fits.StatusCode);
    }

    [Fact]
    public async Task ColdTiles_OverTheRate_429WithRetryAfter_PerClient()
    {
        await using var factory = fixture.Factory(("Limits:ExpensiveReadBurst", "3"), ("Limits:ExpensiveReadsPerSecond", "1"));
        using var client = Client(factory);
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? limited = null;
        for (var x = 0; x < 40 && limited is null; x++)
        {
            var response = await client.GetAsync($"/tiles/communes/14/{8470 + x}/5580");
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests) limited ??= response; else response.Dispose();
        }
        // A burst of 3, one more a second: of 40 requests, at least one is refused unless they took over 37 s.
        Assert.NotNull(limited);
        Assert.True(statuses.Take(3).All(s => s != HttpStatusCode.TooManyRequests), string.Join(", ", statuses));
        await ProblemAsync(limited, HttpStatusCode.TooManyRequests);
        Assert.True(int.Parse(limited.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) >= 1);
        limited.Dispose();
        // Catalogue reads are not limited.
        using var catalog = await client.GetAsync("/catalog");
        Assert.Equal(HttpStatusCode.OK, catalog.StatusCode);
    }

    [Fact]
    public async Task PostRun_OverTheRunRate_429_PerKey()
    {
        await using var factory = fixture.Factory(("Limits:RunCreatesPerMinute", "2"));
        using var consultant = Client(factory, fixture.ConsultantKey);
        var run = new { kind = "ev", region = "nowhere" }; // 404: cheap, still a request that the limiter counts
        Assert.Equal(HttpStatusCode.NotFound, (await consultant.PostAsJsonAsync("/runs", run)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await consultant.PostAsJsonAsync("/runs", run)).StatusCode);
        using var third = await consultant.PostAsJsonAsync("/runs", run);
        await ProblemAsync(third, HttpStatusCode.TooManyRequests);
        Assert.True(third.Headers.Contains("Retry-After"));
        // Another key has its own budget.
        using var other = Client(factory, fixture.OtherConsultantKey);
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsJsonAsync("/runs", run)).StatusCode);
    }

    [Fact]
    public async Task ReadsClosed_AnonymousRead401_ViewerReads_HealthOpen()
    {
        await using var factory = fixture.Factory(("Security:RequireKeyForReads", "true"));
        await ProblemAsync(await Client(factory).GetAsync("/regions"), HttpStatusCode.Unauthorized);
        await ProblemAsync(await Client(factory).GetAsync("/tiles/communes/14/8470/5580"), HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.OK, (await Client(factory, fixture.ViewerKey).GetAsync("/regions")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Client(factory).GetAsync("/health/live")).StatusCode);
        Assert.NotEqual(HttpStatusCode.Unauthorized, (await Client(factory).GetAsync("/health")).StatusCode);
    }

    [Theory]
    [InlineData("10.1.2.3", "203.0.113.7")]   // from the trusted proxy network: the forwarded address is the client's
    [InlineData("192.0.2.1", "192.0.2.1")]    // from elsewhere: X-Forwarded-For is the client's own claim, ignored
    public async Task ClientAddress_ForwardedOnlyByTrustedProxies_InTheAudit(string connection, string expected)
    {
        await using var factory = fixture.Factory(("Security:TrustedProxyNetworks:0", "10.0.0.0/8"));
        var marker = Guid.NewGuid();
        var context = await factory.Server.SendAsync(c =>
        {
            c.Request.Method = "DELETE";
            c.Request.Path = $"/runs/{marker}";
            c.Request.Headers["X-Forwarded-For"] = "203.0.113.7";
            c.Connection.RemoteIpAddress = System.Net.IPAddress.Parse(connection);
        });
        Assert.Equal(401, context.Response.StatusCode);
        Assert.Equal(expected, await fixture.Database.ScalarAsync<string>($"SELECT client_address FROM audit_log WHERE path = '/runs/{marker}'"));
    }

    [Fact]
    public async Task JsonDeeperThanTheLimit_400Problem()
    {
        await using var factory = fixture.Factory();
        var deep = """{"kind": "ev", "region": "lu", "parameters": """ + new string('[', 200) + new string(']', 200) + "}";
        using var response = await Client(factory, fixture.ConsultantKey).PostAsync("/runs", new StringContent(deep, System.Text.Encoding.UTF8, "application/json"));
        await ProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task DatabaseUnreachable_503Problem_HealthUnhealthy_LiveAnswers()
    {
        // Nothing listens on port 1: every connection is refused, as when PostgreSQL is down.
        await using var factory = new GeoApiFactory("Host=127.0.0.1;Port=1;Database=none;Username=postgres;Timeout=2");
        using var client = Client(factory);
        using var regions = await client.GetAsync("/regions");
        var problem = await ProblemAsync(regions, HttpStatusCode.ServiceUnavailable);
        Assert.Equal("The database is unavailable; try again shortly.", problem.GetProperty("detail").GetString());
        Assert.Equal("5", regions.Headers.GetValues("Retry-After").Single());
        Assert.DoesNotContain("127.0.0.1", await regions.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/health")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        // A write with a key: the key cannot be checked either — 503, not 401.
        using var keyed = Client(factory, fixture.ConsultantKey);
        await ProblemAsync(await keyed.PostAsJsonAsync("/runs", new { kind = "ev", region = "lu" }), HttpStatusCode.ServiceUnavailable);
    }
}
