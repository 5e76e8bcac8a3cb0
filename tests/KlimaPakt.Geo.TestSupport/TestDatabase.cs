using KlimaPakt.Geo.Data;
using KlimaPakt.Geo.Data.Import;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace KlimaPakt.Geo.TestSupport;

/// <summary>
/// A fresh database per test assembly on the real PostGIS server (the project's cluster, or the server named by
/// KLIMAPAKT_TEST_SERVER): dropped and created, migrated, and loaded with the bundled data when asked.
/// When the server cannot be reached the tests fail loudly: they never pass silently.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private TestDatabase(string connectionString, ServiceProvider services)
    {
        ConnectionString = connectionString;
        Services = services;
    }

    /// <summary>Connection string of the test database.</summary>
    public string ConnectionString { get; }

    /// <summary>The application services (same registration as the API and the CLI) bound to the test database.</summary>
    public ServiceProvider Services { get; }

    public NpgsqlDataSource DataSource => Services.GetRequiredService<NpgsqlDataSource>();

    public ImportService Imports => Services.GetRequiredService<ImportService>();

    /// <summary>Where test runs write their GeoTIFFs.</summary>
    public static string ResultsDirectory { get; } = Path.Combine(Path.GetTempPath(), "klimapakt-test-results");

    /// <summary>The repository root (where data/ and the solution are).</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>A path under data/.</summary>
    public static string DataPath(string relative) => Path.Combine(RepositoryRoot, "data", relative);

    /// <summary>
    /// Creates (or recreates) database <paramref name="name"/> and applies the migrations; on <paramref name="server"/>
    /// when given (a <see cref="PrivateCluster"/>), else on the shared test server.
    /// </summary>
    public static async Task<TestDatabase> CreateAsync(string name, bool loadBundle = false, string? server = null, string? manifest = null)
    {
        // A prefix keeps two checkouts (or two people) testing against one server out of each other's databases.
        name = (Environment.GetEnvironmentVariable("KLIMAPAKT_TEST_DB_PREFIX") ?? "") + name;
        server ??= Environment.GetEnvironmentVariable("KLIMAPAKT_TEST_SERVER") is { Length: > 0 } s
            ? s
            : $"Host=127.0.0.1;Port={Environment.GetEnvironmentVariable("KLIMAPAKT_PG_PORT") ?? "55432"};Username=postgres";
        var admin = new NpgsqlConnectionStringBuilder(server) { Database = "postgres", Pooling = false };
        await using (var connection = new NpgsqlConnection(admin.ConnectionString))
        {
            try { await connection.OpenAsync(); }
            catch (Exception e) when (e is NpgsqlException or System.Net.Sockets.SocketException)
            {
                throw new InvalidOperationException(
                    $"PostGIS is not reachable at {admin.Host}:{admin.Port}. Start it with scripts/postgis.sh up (the README's test command does).", e);
            }
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync();
        }
        var connectionString = new NpgsqlConnectionStringBuilder(server) { Database = name, MaxPoolSize = 20 }.ConnectionString;
        // Result GeoTIFFs of test runs go to a temporary folder, not the user's results folder.
        var services = new ServiceCollection()
            .AddGeoData(connectionString, results => results.Directory = ResultsDirectory)
            .BuildServiceProvider();
        await GeoDatabase.MigrateAsync(services);
        var database = new TestDatabase(connectionString, services);
        if (loadBundle || manifest is not null) await services.GetRequiredService<BundleImporter>().LoadAsync(manifest ?? DataPath("bundle.json"));
        return database;
    }

    /// <summary>
    /// Imports three HAND-MADE waste-heat sources into Luxembourg's <c>heat_sources</c> (test data, not real figures: the
    /// bundle has no waste-heat layer): A, 20,000 MWh/yr on Kirchberg; B, 2 MW (17,520 MWh/yr) in Esch-sur-Alzette; C
    /// without a heat figure in Clervaux (left out of the match).
    /// </summary>
    public async Task ImportHandMadeHeatSourcesAsync()
    {
        var folder = Directory.CreateTempSubdirectory("klimapakt-heat-");
        var path = Path.Combine(folder.FullName, "test_heat_sources_hand_made.geojson");
        await File.WriteAllTextAsync(path, """
            {"type": "FeatureCollection", "features": [
              {"type": "Feature", "properties": {"name": "Test source A", "source": "industry", "heat_mwh_per_year": "20000"}, "geometry": {"type": "Point", "coordinates": [6.1600, 49.6300]}},
              {"type": "Feature", "properties": {"name": "Test source B", "source": "data_centre", "heat_mw": "2"}, "geometry": {"type": "Point", "coordinates": [5.9806, 49.4958]}},
              {"type": "Feature", "properties": {"name": "Test source C", "source": "wastewater_plant"}, "geometry": {"type": "Point", "coordinates": [6.0275, 50.0547]}}
            ]}
            """);
        await Imports.ImportLayerAsync(new LayerImportRequest("lu", "heat_sources", path));
        folder.Delete(recursive: true);
    }

    /// <summary>Runs a scalar query.</summary>
    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        var value = await command.ExecuteScalarAsync();
        return (T)Convert.ChangeType(value!, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Runs a statement, returning the rows it touched.</summary>
    public async Task<int> ExecuteAsync(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        return await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// A hand-made region instead of the bundle, for tests that need runs to take a moment: region <c>lu</c> (EPSG:2169)
    /// with <paramref name="count"/> (1 or 2) communes of 10 km × 10 km side by side, '0001' "Square" and '0002' "Other Square".
    /// </summary>
    public async Task InsertSquareCommunesAsync(int count = 1)
    {
        if (count is not (1 or 2)) throw new ArgumentOutOfRangeException(nameof(count), count, "1 or 2 squares");
        await ExecuteAsync("INSERT INTO regions (code, name, srid) VALUES ('lu', 'Luxembourg', 2169)");
        foreach (var (code, name, west) in new[] { ("0001", "Square", 70000), ("0002", "Other Square", 80000) }.Take(count))
            await ExecuteAsync($"""
                INSERT INTO communes (region_id, code, name, geom)
                SELECT id, '{code}', '{name}', ST_Multi(ST_MakeEnvelope({west}, 60000, {west + 10000}, 70000, 2169)) FROM regions WHERE code = 'lu'
                """);
    }

    public async ValueTask DisposeAsync() => await Services.DisposeAsync();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "KlimaPakt.Geo.sln"))) return dir.FullName;
        throw new InvalidOperationException("Repository root (KlimaPakt.Geo.sln) not found above " + AppContext.BaseDirectory);
    }
}
