using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using KlimaPakt.Geo.Data.Entities;
using KlimaPakt.Geo.Data.Runs;
using KlimaPakt.Geo.Data.Security;
using KlimaPakt.Geo.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace KlimaPakt.Geo.Cli.Tests.Runs;

public sealed class WorkerDatabaseFixture : IAsyncLifetime
{
    public TestDatabase Db { get; private set; } = null!;

    public async Task InitializeAsync() => Db = await TestDatabase.CreateAsync("klimapakt_test_workers", loadBundle: true);

    public async Task DisposeAsync() => await Db.DisposeAsync();
}

/// <summary>
/// Real `klimapakt` processes on one database: two workers share the queue without running a run twice; a run whose
/// process is killed (SIGKILL) leaves nothing published, is marked failed at the next worker's start, and reruns.
/// </summary>
public sealed partial class WorkerTests(WorkerDatabaseFixture fixture) : IClassFixture<WorkerDatabaseFixture>
{
    private readonly string _results = Path.Combine(Path.GetTempPath(), $"klimapakt-worker-results-{Guid.NewGuid():N}");

    private RunService Runs => fixture.Db.Services.GetRequiredService<RunService>();

    [GeneratedRegex("Executing run ([0-9a-f-]{36})")]
    private static partial Regex Executing();

    [Fact]
    public async Task TwoWorkers_SixQueuedRuns_EachExecutedOnceAndPublished()
    {
        var ids = new List<Guid>();
        for (var i = 0; i < 6; i++)
            ids.Add((await Runs.CreateAsync(new RunRequest("ev", "lu", ["0204"], JsonDocument.Parse($$"""{"newSites": {{i % 3 + 1}}}""").RootElement))).Id);

        using var first = new KlimapaktProcess(fixture.Db.ConnectionString, _results, "worker", "--exit-when-idle");
        using var second = new KlimapaktProcess(fixture.Db.ConnectionString, _results, "worker", "--exit-when-idle");
        Assert.Equal(0, await first.ExitAsync());
        Assert.Equal(0, await second.ExitAsync());

        // Each process says which runs it executed: together, every run exactly once.
        var executed = Executing().Matches(first.Output).Concat(Executing().Matches(second.Output)).Select(m => Guid.Parse(m.Groups[1].Value)).ToList();
        foreach (var id in ids) Assert.Single(executed, id);
        // And the database agrees: each started once (the executions counter of the queued → running transition), each published.
        foreach (var id in ids)
        {
            Assert.Equal(1, await fixture.Db.ScalarAsync<int>($"SELECT executions FROM analysis_runs WHERE id = '{id}'"));
            Assert.Equal("Published", await fixture.Db.ScalarAsync<string>($"SELECT status FROM analysis_runs WHERE id = '{id}'"));
            Assert.Equal(1L, await fixture.Db.ScalarAsync<long>($"SELECT count(*) FROM results.ev_commune_coverage WHERE run_id = '{id}'"));
        }
    }

    [Fact]
    public async Task RunKilledWithSigkill_NothingPublished_FailedAtNextStart_RerunPublishes()
    {
        var since = DateTimeOffset.UtcNow;
        Guid runId;
        using (var run = new KlimapaktProcess(fixture.Db.ConnectionString, _results, "run", "wind", "--region", "li", "--cell-size-meters", "10", "--output-cell-size-meters", "100"))
        {
            // Wait until it computes (about a second at 10 m; polled every 20 ms), then kill it as the kernel's OOM
            // killer would (SIGKILL: no cleanup).
            runId = Guid.Empty;
            for (var i = 0; i < 3000 && runId == Guid.Empty; i++)
            {
                await using var command = fixture.Db.DataSource.CreateCommand(
                    "SELECT id FROM analysis_runs WHERE kind = 'wind' AND status = 'Running' AND created_at >= $1 AND stage NOT IN ('starting', 'load inputs') LIMIT 1");
                command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = since });
                if (await command.ExecuteScalarAsync() is Guid id) runId = id; else await Task.Delay(20);
                Assert.False(run.Process.HasExited, run.Output);
            }
            Assert.NotEqual(Guid.Empty, runId);
            run.Process.Kill(entireProcessTree: true);
            await run.Process.WaitForExitAsync();
        }
        Assert.Equal("Running", await fixture.Db.ScalarAsync<string>($"SELECT status FROM analysis_runs WHERE id = '{runId}'"));
        // Its database session ends when the kernel closes its socket; the lock goes with it.
        for (var i = 0; i < 100 && await fixture.Db.ScalarAsync<long>(
            $"SELECT count(*) FROM pg_locks l JOIN analysis_runs r ON l.objid = r.worker_lock::oid WHERE r.id = '{runId}' AND l.locktype = 'advisory' AND l.classid = {RunWorkerLease.LockClass}") > 0; i++)
            await Task.Delay(100);

        // The next worker to start marks it failed.
        using (var worker = new KlimapaktProcess(fixture.Db.ConnectionString, _results, "worker", "--exit-when-idle"))
            Assert.Equal(0, await worker.ExitAsync());
        Assert.Equal("Failed", await fixture.Db.ScalarAsync<string>($"SELECT status FROM analysis_runs WHERE id = '{runId}'"));
        Assert.Contains("interrupted", await fixture.Db.ScalarAsync<string>($"SELECT error FROM analysis_runs WHERE id = '{runId}'"));
        foreach (var table in new[] { "wind_communes", "wind_eligible_areas", "wind_potential", "wind_turbines", "wind_exclusions", "commune_metrics" })
            Assert.Equal(0L, await fixture.Db.ScalarAsync<long>($"SELECT count(*) FROM results.{table} WHERE run_id = '{runId}'"));
        Assert.Equal(0L, await fixture.Db.ScalarAsync<long>($"SELECT count(*) FROM rasters WHERE path LIKE '%{runId:N}%'"));
        Assert.Empty(Directory.Exists(_results) ? Directory.GetFiles(_results, $"*{runId:N}*") : []);

        // A rerun publishes.
        using var rerun = new KlimapaktProcess(fixture.Db.ConnectionString, _results, "run", "wind", "--region", "li", "--cell-size-meters", "20", "--output-cell-size-meters", "100");
        Assert.True(await rerun.ExitAsync() == 0, rerun.Output);
        Assert.Contains("published", rerun.Output);
    }

    [Fact]
    public async Task Keys_CreateListRevoke_TheKeyPrintedOnceAndStoredHashed()
    {
        using (var bad = new KlimapaktProcess(fixture.Db.ConnectionString, _results, "keys", "create", "--name", "x", "--role", "root"))
        {
            Assert.Equal(2, await bad.ExitAsync());
            Assert.Contains("Unknown role 'root'", bad.Output);
        }
        string secret;
        using (var create = new KlimapaktProcess(fixture.Db.ConnectionString, _results, "keys", "create", "--name", "cli consultant", "--role", "consultant", "--quiet"))
        {
            Assert.Equal(0, await create.ExitAsync());
            secret = create.Output.Trim();
        }
        var keys = fixture.Db.Services.GetRequiredService<ApiKeyService>();
        var key = await keys.FindAsync(secret);
        Assert.NotNull(key);
        Assert.Equal(ApiRole.Consultant, key.Role);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(secret))), key.Sha256);
        using (var list = new KlimapaktProcess(fixture.Db.ConnectionString, _results, "keys", "list"))
        {
            Assert.Equal(0, await list.ExitAsync());
            Assert.Contains(key.Prefix, list.Output);
            Assert.DoesNotContain(secret, list.Output);
        }
        using (var revoke = new KlimapaktProcess(fixture.Db.ConnectionString, _results, "keys", "revoke", key.Prefix))
            Assert.Equal(0, await revoke.ExitAsync());
        Assert.Null(await keys.FindAsync(secret));
    }
}
