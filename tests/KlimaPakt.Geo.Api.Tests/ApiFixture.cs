using KlimaPakt.Geo.Core.Layers;
using KlimaPakt.Geo.Data;
using KlimaPakt.Geo.Data.Tiles;
using KlimaPakt.Geo.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace KlimaPakt.Geo.Api.Tests;

/// <summary>
/// One database for the whole assembly (fresh, migrated, bundled data loaded) on the real local PostGIS, and the
/// service started on it. A run-scoped result layer (<c>test_zones</c>) stands in for an analysis's results, and a
/// layer whose attribute divides by zero stands in for a database failure.
/// </summary>
public sealed class ApiFixture : IAsyncLifetime
{
    public const string ZonesLayer = "test_zones";
    public const string ZonesKind = "test";
    public const string BrokenLayer = "broken";

    public TestDatabase Database { get; private set; } = null!;
    public GeoApiFactory Factory { get; private set; } = null!;

    /// <summary>Keys of each role (two consultants, to test that one cannot cancel the other's runs).</summary>
    public string AdminKey { get; private set; } = null!;
    public string ConsultantKey { get; private set; } = null!;
    public string OtherConsultantKey { get; private set; } = null!;
    public string ViewerKey { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync("klimapakt_test_api", loadBundle: true);
        await using (var command = Database.DataSource.CreateCommand("""
            CREATE TABLE results.test_zones (id bigserial PRIMARY KEY, run_id uuid NOT NULL, region_id int NOT NULL,
                score double precision NOT NULL, geom geometry NOT NULL);
            CREATE INDEX ON results.test_zones USING gist (geom);
            """))
            await command.ExecuteNonQueryAsync();
        Environment.SetEnvironmentVariable(GeoDatabase.ConnectionStringVariable, Database.ConnectionString);
        Factory = new GeoApiFactory(Database.ConnectionString);
        _ = Factory.Server; // start (and migrate) now, not in the first test
        var keys = Database.Services.GetRequiredService<KlimaPakt.Geo.Data.Security.ApiKeyService>();
        AdminKey = (await keys.CreateAsync("test admin", KlimaPakt.Geo.Data.Entities.ApiRole.Admin)).Secret;
        ConsultantKey = (await keys.CreateAsync("test consultant", KlimaPakt.Geo.Data.Entities.ApiRole.Consultant)).Secret;
        OtherConsultantKey = (await keys.CreateAsync("other consultant", KlimaPakt.Geo.Data.Entities.ApiRole.Consultant)).Secret;
        ViewerKey = (await keys.CreateAsync("test viewer", KlimaPakt.Geo.Data.Entities.ApiRole.Viewer)).Secret;
    }

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        await Database.DisposeAsync();
    }

    private Task? _runs;
    private readonly object _runsLock = new();

    /// <summary>
    /// Publishes one real run of each analysis once for the assembly (EV and geothermal at 100 m over Luxembourg, wind over
    /// Liechtenstein at 50 m), through the same RunService as the API.
    /// </summary>
    public Task RunAnalysesAsync()
    {
        lock (_runsLock) return _runs ??= RunOnceAsync();
    }

    private async Task RunOnceAsync()
    {
        var runs = Factory.Services.GetRequiredService<KlimaPakt.Geo.Data.Runs.RunService>();
        // The bundle has no waste-heat layer: three hand-made sources give the geothermal run's match layer rows.
        await Database.ImportHandMadeHeatSourcesAsync();
        foreach (var (kind, region, parameters) in new[]
        {
            ("ev", "lu", "{}"),
            ("geothermal", "lu", """{"cellSizeMeters": 100}"""),
            ("wind", "li", """{"cellSizeMeters": 50, "outputCellSizeMeters": 100, "preset": "luxembourg-legal-minimum"}"""),
            // Liechtenstein's full OSM layers give every trame patches, links and conflict points; 50 m keeps it quick.
            ("corridors", "li", """{"cellSizeMeters": 50, "minPatchAreaHectares": 5}"""),
            ("connectivity", "li", "{}"),
        })
        {
            // Held by this process: the service's worker polls the same database and must not take it.
            var run = await runs.CreateHeldAsync(new(kind, region, null, System.Text.Json.JsonDocument.Parse(parameters).RootElement));
            var final = await runs.ExecuteAsync(run.Id);
            if (final.Status != KlimaPakt.Geo.Data.Entities.RunStatus.Published) throw new InvalidOperationException($"{kind} run: {final.Error}");
        }
    }

    public HttpClient Client() => Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    /// <summary>A client that sends <paramref name="key"/> as a bearer token.</summary>
    public HttpClient Client(string key)
    {
        var client = Client();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    public async Task<T> ScalarAsync<T>(string sql) => await Database.ScalarAsync<T>(sql);

    public async Task<List<long>> IdsAsync(string sql)
    {
        var ids = new List<long>();
        await using var command = Database.DataSource.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) ids.Add(Convert.ToInt64(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture));
        return ids;
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var command = Database.DataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }
}

public sealed class GeoApiFactory(string connectionString, int changePollSeconds = 3600, IReadOnlyDictionary<string, string>? settings = null)
    : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // The tests make hundreds of requests from one client: rates far above theirs, except where a test sets its own.
        builder.UseSetting("Limits:RunCreatesPerMinute", "100000");
        builder.UseSetting("Limits:ExpensiveReadsPerSecond", "100000");
        builder.UseSetting("Limits:ExpensiveReadBurst", "100000");
        builder.UseSetting("Runs:WorkerPollMilliseconds", "200");
        foreach (var (name, value) in settings ?? new Dictionary<string, string>()) builder.UseSetting(name, value);
        builder.UseSetting("ConnectionStrings:Geo", connectionString);
        builder.UseSetting("Results:Directory", TestDatabase.ResultsDirectory);
        // The shared service hears of publishes only through the notifier; DataChangeWatcherTests polls.
        builder.UseSetting("Serving:ChangePollSeconds", changePollSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.ConfigureServices(services =>
        {
            // KLIMAPAKT_DB, which ApiFixture sets for the assembly, wins over ConnectionStrings:Geo in Program: a
            // factory on another database (LimitsApiTests) replaces the data source the service uses.
            var dataSource = GeoDatabase.CreateDataSource(connectionString);
            services.Replace(ServiceDescriptor.Singleton(dataSource));
            services.ConfigureDbContext<GeoDbContext>(o => GeoDatabase.Configure(o, dataSource));
            services.AddPublishedLayer(new PublishedLayer(ApiFixture.ZonesLayer, "Test zones", "Zones of the test analysis",
                "results.test_zones", LayerGeometry.Polygon, [new("score", "t.score", FieldType.Number, "Score (0–1)")])
            { RunKind = ApiFixture.ZonesKind, Attribution = "KlimaPakt tests" });
            services.AddPublishedLayer(new PublishedLayer(ApiFixture.BrokenLayer, "Broken", "A layer whose attribute fails in the database",
                "ev_chargers", LayerGeometry.Point, [new("broken", "(t.id / 0)", FieldType.Integer, "Division by zero")]));
        });
    }
}

[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<ApiFixture>
{
    public const string Name = "api";
}
