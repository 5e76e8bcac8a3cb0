using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KlimaPakt.Geo.Data.Entities;
using KlimaPakt.Geo.Data.Security;
using KlimaPakt.Geo.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace KlimaPakt.Geo.Api.Tests.Faults;

/// <summary>
/// The service as a process on a PostgreSQL cluster of its own (port 55499; the shared test server is never
/// stopped): a body over the size limit → 413; PostgreSQL stopped while a run computes → 503 problem+json and /health unhealthy, the process lives on;
/// PostgreSQL back → answers again without a restart, the run marked failed, the next run published; the service
/// killed mid-run → the run marked failed when it starts again, nothing of it published.
/// </summary>
public sealed class PostgresOutageTests(ITestOutputHelper output)
{
    private static readonly string[] ResultTables = ["wind_communes", "wind_eligible_areas", "wind_potential", "wind_turbines", "wind_exclusions", "commune_metrics"];

    [Fact]
    public async Task PostgresStoppedMidRun_503ThenRecovery_ServiceKilledMidRun_RunFailedAtRestart()
    {
        await using var cluster = await PrivateCluster.CreateAsync(55499);
        // Liechtenstein alone (its OSM extract): enough for wind runs, quick to import.
        var manifest = Path.Combine(cluster.Directory, "bundle-li.json");
        await File.WriteAllTextAsync(manifest, JsonSerializer.Serialize(new
        {
            regions = new object[]
            {
                new { code = "li", name = "Liechtenstein", srid = 2056, osm = new[] { new { path = TestDatabase.DataPath("li/liechtenstein-2013-08-03.osm.pbf"), communeAdminLevel = 8, cantonAdminLevel = 6 } } },
            },
            rasters = Array.Empty<object>(),
        }));
        await using var db = await TestDatabase.CreateAsync("klimapakt_test_outage", server: cluster.Server, manifest: manifest);
        var key = (await db.Services.GetRequiredService<ApiKeyService>().CreateAsync("outage consultant", ApiRole.Consultant)).Secret;
        var connection = db.ConnectionString + ";Timeout=3";

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new("Bearer", key);
        var api = ApiProcess.Start(connection);
        try
        {
            await api.WaitHealthyAsync(http);
            Uri At(string path) => new(api.Address, path);
            async Task<JsonElement> RunAsync(Guid id) => await http.GetFromJsonAsync<JsonElement>(At($"/runs/{id}"));
            async Task<Guid> StartAsync(double cellSizeMeters)
            {
                using var created = await http.PostAsJsonAsync(At("/runs"), new { kind = "wind", region = "li", parameters = new { cellSizeMeters, outputCellSizeMeters = 100 } });
                Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
                return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
            }
            async Task<JsonElement> WaitAsync(Guid id, Func<JsonElement, bool> until, int seconds = 300)
            {
                for (var i = 0; i < seconds * 5; i++)
                {
                    var run = await RunAsync(id);
                    if (until(run)) return run;
                    Assert.False(api.Process.HasExited, api.Output);
                    await Task.Delay(200);
                }
                throw new TimeoutException($"run {id}: {await RunAsync(id)}");
            }
            static bool Computing(JsonElement r) => r.GetProperty("status").GetString() == "running" && r.GetProperty("stage").GetString() is not ("starting" or "claimed" or "load inputs");
            static bool Ended(JsonElement r) => r.GetProperty("status").GetString() is "published" or "failed" or "cancelled";

            // 0. Kestrel's body limit (the test host enforces none): 2 MB of JSON against Limits:MaxRequestBodyKilobytes = 1,024.
            using (var huge = await http.PostAsync(At("/runs"), new StringContent("{\"kind\": \"" + new string('k', 2_000_000) + "\"}", System.Text.Encoding.UTF8, "application/json")))
            {
                Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.StatusCode);
                Assert.Equal("application/problem+json", huge.Content.Headers.ContentType?.MediaType);
            }

            // 1. PostgreSQL stops while a run computes.
            var first = await StartAsync(10);
            await WaitAsync(first, Computing);
            await cluster.StopAsync();
            foreach (var path in new[] { "/regions", $"/runs/{first}", "/tiles/communes/14/8625/5753" })
            {
                using var down = await http.GetAsync(At(path));
                Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
                Assert.Equal("application/problem+json", down.Content.Headers.ContentType?.MediaType);
                Assert.DoesNotContain("55499", await down.Content.ReadAsStringAsync());
            }
            using (var health = await http.GetAsync(At("/health")))
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
                Assert.Contains("Unhealthy", await health.Content.ReadAsStringAsync());
            }
            using (var post = await http.PostAsJsonAsync(At("/runs"), new { kind = "wind", region = "li" }))
                Assert.Equal(HttpStatusCode.ServiceUnavailable, post.StatusCode);
            // The run meets the outage at its next database access (a stage's progress, at the latest its publishing).
            for (var i = 0; i < 3000 && !api.Output.Contains($"Run {first} failed", StringComparison.Ordinal); i++) await Task.Delay(100);
            Assert.Contains($"Run {first} failed", api.Output);
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(At("/health/live"))).StatusCode);
            Assert.False(api.Process.HasExited);

            // 2. PostgreSQL is back: the same process answers again.
            await cluster.StartAsync();
            db.DataSource.Clear(); // this test's own pooled connections died with the server
            var back = Stopwatch.StartNew();
            HttpStatusCode status = 0;
            for (var i = 0; i < 600 && status != HttpStatusCode.OK; i++)
            {
                using var response = await http.GetAsync(At("/regions"));
                status = response.StatusCode;
                if (status != HttpStatusCode.OK) await Task.Delay(100);
            }
            Assert.Equal(HttpStatusCode.OK, status);
            output.WriteLine($"answering again {back.ElapsedMilliseconds} ms after PostgreSQL was back");
            // The run that met the outage ends failed, and nothing of it is visible.
            var failed = await WaitAsync(first, Ended);
            Assert.Equal("failed", failed.GetProperty("status").GetString());
            output.WriteLine($"run {first}: {failed.GetProperty("error").GetString()}");
            foreach (var table in ResultTables)
                Assert.Equal(0L, await db.ScalarAsync<long>($"SELECT count(*) FROM results.{table} WHERE run_id = '{first}'"));
            // The worker goes on: the next run publishes.
            var next = await WaitAsync(await StartAsync(100), Ended);
            Assert.Equal("published", next.GetProperty("status").GetString());
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(At("/health"))).StatusCode);

            // 3. The service is killed while a run computes; at its next start the run is marked failed.
            var killed = await StartAsync(10);
            await WaitAsync(killed, Computing);
            var port = api.Address.Port;
            api.Kill();
            Assert.Equal("Running", await db.ScalarAsync<string>($"SELECT status FROM analysis_runs WHERE id = '{killed}'"));
            api.Dispose();
            api = ApiProcess.Start(connection, port);
            await api.WaitHealthyAsync(http);
            var interrupted = await WaitAsync(killed, Ended, 60);
            Assert.Equal("failed", interrupted.GetProperty("status").GetString());
            Assert.Contains("interrupted", interrupted.GetProperty("error").GetString());
            foreach (var table in ResultTables)
                Assert.Equal(0L, await db.ScalarAsync<long>($"SELECT count(*) FROM results.{table} WHERE run_id = '{killed}'"));
        }
        finally
        {
            output.WriteLine(api.Output.Length > 20_000 ? api.Output[^20_000..] : api.Output);
            api.Dispose();
        }
    }
}
